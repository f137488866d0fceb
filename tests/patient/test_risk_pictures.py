"""AppTest: each risk with a number shows its icon array with its words (issue #15), on a
section screen and on a visit's key-risks screen, in the item's own element."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from course_helpers import course, team, walk
from flow_helpers import walk_to
from patient_page_helpers import ack_lists, no_english, open_at
from streamlit.testing.v1 import AppTest

from checklist.models import Item
from forms.risk_picture import alt_text
from language.placeholders import fill
from services import consent as svc
from services import drafts
from services.context import AppContext
from ui import resources

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "patient.py")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def app(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setattr(resources, "app_context", lambda: ctx)
    yield AppTest.from_file(PAGE, default_timeout=60)


def _pictures(at: AppTest) -> list[str]:
    """Each item's box (its words, any picture, its tick) as the list draws it."""
    boxes = []
    for acks in ack_lists(at):
        html = acks.data["html"]
        boxes += [b for b in html.split("<div class='consent-ack'>")[1:] if "<svg" in b]
    return boxes


def _check_items_shown(at: AppTest, ctx: AppContext, lang: str, items: list[Item]) -> None:
    rated = [i for i in items if i.rate is not None]
    assert rated, "the active pack has risks with numbers (pack 1.3.0)"
    shown = _pictures(at)
    assert len(shown) == len(rated)  # one picture for each risk with a number, none for others
    for item, box in zip(rated, shown, strict=True):
        words = alt_text(item.rate, lang)
        # The item's words, then its picture, then its tick, in the item's own box.
        assert box.startswith(
            f"<p class='consent-ack-text'>{escape(fill(item.text, ctx.settings.placeholder_values), quote=False)}"
        )
        svg = ET.fromstring(box[box.index("<svg") : box.index("</svg>") + 6])
        assert svg.get("role") == "img"
        assert svg.get("aria-label") == words
        assert svg.find(f"{SVG}title").text == words
        assert f">{escape(words)}</span>" in box  # the caption a patient reads
        assert box.index("</svg>") < box.index(f"value='{item.id}'")
    # Every item is one tick box of the screen's one list: the picture added no element.
    assert [i for a in ack_lists(at) for i in a.item_ids] == [i.id for i in items]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_section_screen_shows_each_rated_risk_as_a_picture_with_its_words(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token = svc.start_consent(ctx, language=lang)
    walk_to(ctx, token, "section-risks")
    at = open_at(app, token)
    pack = drafts.pack_of(ctx, drafts.load_draft(ctx, token))
    _check_items_shown(at, ctx, lang, list(pack.section("risks").items))
    if lang == "es":
        no_english(at)
    # The large-text mode draws the same pictures (their size is in rem: they grow with it).
    before = _pictures(at)
    at.toggle(key="large_text").set_value(True).run()
    assert _pictures(at) == before


def test_a_screen_without_numbers_has_no_picture(app: AppTest, ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "section-preparation")
    at = open_at(app, token)
    assert ack_lists(at) and _pictures(at) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_visits_key_risks_show_their_pictures(app: AppTest, ctx: AppContext, lang: str) -> None:
    course(ctx, team(ctx))
    token = svc.start_consent(ctx, language=lang)
    state = walk(ctx, token, "reconfirm")
    pack = drafts.pack_of(ctx, state)
    at = open_at(app, token)
    _check_items_shown(at, ctx, lang, [i for _, i in pack.reconfirm_items()])
