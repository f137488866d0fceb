"""What an AppTest of a patient screen reads and taps (imported by name; pytest puts this
folder on sys.path): the one reading every patient page test uses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from html.parser import HTMLParser

from flow_helpers import attempts_for
from streamlit.testing.v1 import AppTest

from checklist.models import Pack
from language.i18n import catalog


def texts(at: AppTest) -> list[str]:
    """Every text a patient can read on the screen (headings, paragraphs, labels, options)."""
    out: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        out += [str(e.value) for e in getattr(at, kind)]
    for element in ack_lists(at):
        out += html_words(element.data["html"])
    for kind in (
        "button",
        "checkbox",
        "toggle",
        "text_input",
        "selectbox",
        "radio",
        "form_submit_button",
    ):
        for e in getattr(at, kind) if kind != "form_submit_button" else []:
            out.append(e.label)
            out += [str(o) for o in getattr(e, "options", [])]
    return out


class AckList:
    """A section's "I understand" list (ui/ack_list.py, a Components v2 element): AppTest shows
    it as an unknown element; what it was given to draw is its JSON data."""

    def __init__(self, element) -> None:  # type: ignore[no-untyped-def]
        self.key = str(element.key)
        self.data = json.loads(element.proto.json)

    @property
    def item_ids(self) -> list[str]:
        """The item ids of its tick boxes, in the order shown."""
        found: list[str] = []

        class Boxes(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                if tag == "input" and dict(attrs).get("type") == "checkbox":
                    found.append(str(dict(attrs)["value"]))

        Boxes().feed(self.data["html"])
        return found

    @property
    def ticked(self) -> list[str]:
        """The boxes drawn ticked (what the draft holds)."""
        return list(self.data["ticked"])


def ack_lists(at: AppTest) -> list[AckList]:
    return [
        AckList(e)
        for e in at.get("bidi_component")
        if getattr(e.proto, "component_name", "").endswith("consent_acks")
    ]


def tick(at: AppTest, key: str, item_ids: list[str]) -> None:
    """What the page holds after the patient ticked ``item_ids`` in the list keyed ``key`` (AppTest
    cannot tap a component: its state is set, as for the signature pad)."""
    at.session_state[key] = {"ticked": list(item_ids)}


def html_words(markup: str) -> list[str]:
    words: list[str] = []

    class Words(HTMLParser):
        def handle_data(self, data: str) -> None:
            if data.strip():
                words.append(data.strip())

    Words().feed(markup)
    return words


ENGLISH_ONLY = {
    v for k, v in catalog("en").items() if k.startswith("patient.") and v != catalog("es").get(k)
}


def no_english(at: AppTest) -> None:
    leaked = [s for s in texts(at) if s in ENGLISH_ONLY]
    assert leaked == [], f"English on a Spanish screen: {leaked}"


def open_at(app: AppTest, token: str) -> AppTest:
    app.query_params["resume"] = token
    app.run()
    assert not app.exception, app.exception
    return app


def submit(at: AppTest) -> AppTest:
    """Tap the screen's big button (Next / Sign), in its form or, on a section, on its own."""
    buttons = [
        b
        for b in at.button
        if b.proto.type == "primary" and (b.proto.is_form_submitter or b.key == "nav:next")
    ]
    buttons[-1].click()
    at.run()
    assert not at.exception, at.exception
    return at


def shown_now(at: AppTest) -> str:
    return "\n".join(texts(at))


def check_radio(at: AppTest):  # type: ignore[no-untyped-def]
    """The choices of the check of understanding on screen (its key: ``tb:<question>:<tries>``),
    or None when the question is finished (no answer is taken)."""
    found = [r for r in at.radio if str(r.key).startswith("tb:")]
    return found[0] if found else None


def check_answer(at: AppTest, choice: str) -> AppTest:
    """Choose ``choice`` on a check of understanding and tap "Check my answer"."""
    radio = check_radio(at)
    assert radio is not None, "no question to answer on this screen"
    radio.set_value(choice)
    return submit(at)


def teach_back(at: AppTest, pack: Pack, wrong: Mapping[str, int] | None = None) -> AppTest:
    """Every check of understanding from the one on screen, as a patient taps them: right, or
    wrong ``wrong[question id]`` times first; then Next, until the screen is not a check."""
    while (radio := check_radio(at)) is not None:
        qid = str(radio.key).split(":")[1]
        for choice in attempts_for(pack, qid, (wrong or {}).get(qid, 0)):
            check_answer(at, choice)
        submit(at)  # Next, once the question is done
    return at
