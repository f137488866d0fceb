"""The review lists every item read, folded per section; Back from the sign screen asks before a
drawn signature is cleared; a new consent starts on the newest content (issue #12 points 11, 12)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flow_helpers import PNG, scribble, walk_to
from streamlit.testing.v1 import AppTest

from checklist import flow
from language.i18n import t
from language.placeholders import fill
from services import consent as svc
from services import drafts
from services.context import AppContext
from ui import resources

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "patient.py")


@pytest.fixture
def app(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setattr(resources, "app_context", lambda: ctx)
    yield AppTest.from_file(PAGE, default_timeout=60)


def open_at(app: AppTest, token: str) -> AppTest:
    app.query_params["resume"] = token
    app.run()
    assert not app.exception, app.exception
    return app


def step_of(ctx: AppContext, token: str) -> str:
    state = drafts.load_draft(ctx, token)
    return state.step if state else "<closed>"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_new_consent_starts_on_the_newest_content_1_3_0(ctx: AppContext, lang: str) -> None:
    token = svc.start_consent(ctx, language=lang)
    state = drafts.load_draft(ctx, token)
    assert state is not None
    pack = drafts.pack_of(ctx, state)
    assert pack.version == "1.3.0" and pack.language == lang
    assert state.pack_version in (None, "1.3.0")
    walk_to(ctx, token, "sign")
    state = drafts.load_draft(ctx, token)
    assert state is not None and state.pack_version == "1.3.0"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_review_lists_each_item_folded_per_section(
    app: AppTest, ctx: AppContext, lang: str
) -> None:
    token = svc.start_consent(ctx, language=lang)
    walk_to(ctx, token, "review")
    state = drafts.load_draft(ctx, token)
    assert state is not None
    pack = drafts.pack_of(ctx, state)
    # One item of the risks left unticked: the review says which one, not only a count.
    open_item = pack.section("risks").items[2]
    svc.go_to(ctx, token, "section-risks")
    ticks = {i.id: i.id != open_item.id for i in pack.section("risks").items}
    svc.acknowledge_section(ctx, token, ticked=ticks, questions={}, advance=False)
    svc.go_to(ctx, token, "review")
    at = open_at(app, token)

    sections = [sid for s in flow.steps_for(pack) for sid in s.section_ids]
    labels = [e.label for e in at.expander]
    assert labels == [
        t(lang, "patient.review.items_of", title=pack.section(s).title) for s in sections
    ]
    values = ctx.settings.placeholder_values
    for expander, sid in zip(at.expander, sections, strict=True):
        assert not expander.proto.expanded  # folded until the patient opens it
        shown = "\n".join(str(m.value) for m in expander.markdown)
        for item in pack.section(sid).items:
            text = " ".join(fill(item.text, values).split())
            if item.id == open_item.id:
                assert f"- **{t(lang, 'patient.review.item_open')}:** {text}" in shown
            else:
                assert f"- \u2713 {text}" in shown, item.id
    total = len(pack.section("risks").items)
    assert t(lang, "patient.review.understood", done=total - 1, total=total) in "\n".join(
        str(m.value) for m in at.markdown
    )


def _draw(at: AppTest, key: str = "sig_patient") -> None:
    at.session_state[key] = {
        "signature": {"strokes": scribble(600), "png": PNG, "width": 600, "height": 240}
    }


def _back(at: AppTest) -> AppTest:
    # Back is the form's first submit button (Sign is the primary one).
    next(b for b in at.button if b.proto.is_form_submitter and b.proto.type != "primary").click()
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "es"])
def test_back_after_signing_asks_before_clearing(app: AppTest, ctx: AppContext, lang: str) -> None:
    token = svc.start_consent(ctx, language=lang)
    walk_to(ctx, token, "sign")
    at = open_at(app, token)
    at.text_input(key="sign:name").input("Ana María Núñez")
    _draw(at)
    _back(at)
    # Nothing is lost yet: still on the sign screen, the signature kept, a question asked.
    assert step_of(ctx, token) == "sign"
    assert at.warning[0].value == t(lang, "patient.sign.back_confirm")
    assert at.session_state["sig_patient"]["signature"]["strokes"]
    assert at.button(key="sign:back_stay").label == t(lang, "patient.sign.back_stay")
    assert at.button(key="sign:back_go").label == t(lang, "patient.sign.back_go")

    at.button(key="sign:back_stay").click().run()  # Stay: the question goes, the ink stays
    assert step_of(ctx, token) == "sign"
    assert not [w for w in at.warning if w.value == t(lang, "patient.sign.back_confirm")]
    assert at.session_state["sig_patient"]["signature"]["strokes"]

    _back(at)
    at.button(key="sign:back_go").click().run()  # Go back: now the signature is cleared
    assert step_of(ctx, token) == "review"
    assert "sig_patient" not in at.session_state


def test_back_with_nothing_drawn_goes_straight_back(app: AppTest, ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="en")
    walk_to(ctx, token, "sign")
    at = open_at(app, token)
    at.text_input(key="sign:name").input("Ana María Núñez")  # a typed name alone is not ink
    _back(at)
    assert step_of(ctx, token) == "review"
    assert not [w for w in at.warning if w.value == t("en", "patient.sign.back_confirm")]


def test_back_with_only_the_interpreters_signature_asks_too(app: AppTest, ctx: AppContext) -> None:
    token = svc.start_consent(ctx, language="es")
    walk_to(ctx, token, "sign", interpreter=True)
    at = open_at(app, token)
    _draw(at, "sig_interpreter")
    _back(at)
    assert step_of(ctx, token) == "sign"
    assert at.warning[0].value == t("es", "patient.sign.back_confirm")
