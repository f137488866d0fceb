"""The content-quality page (issue #15 point 6) against the stored records of demo-data: the
service's figures equal figures this test computes on its own from the rows (raw SQL, each
record's JSON opened through the store's cipher), the page shows them, and only an admin opens
it. The test's arithmetic is written from the definitions on the page, not from the service."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest
from page_helpers import assert_no_exception, signed_in, texts
from sqlalchemy import text

from accounts.staff import Role
from errors import DomainError
from language.placeholders import fill
from services import content_quality, demo
from services.auth import NotAllowed

PACK = "sclerotherapy"
PAGE = "app_pages/staff_admin_quality.py"


def stored(ctx, version: str, language: str) -> list[dict]:
    """The signed full consents on one version as stored: the record JSON of each row."""
    with ctx.database.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.status, c.kind, c.record FROM consents c WHERE c.pack_id = :p "
                "AND c.pack_version = :v AND c.pack_language = :l AND EXISTS (SELECT 1 FROM "
                "signatures s WHERE s.consent_id = c.id AND s.slot = 'patient')"
            ),
            {"p": PACK, "v": version, "l": language},
        ).all()
    out = []
    for status, kind, record in rows:
        if status in ("entered_in_error", "draft") or kind == "visit":
            continue
        out.append(ctx.database.cipher.open_json(record))
    return out


def at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def expected(ctx, version: str = "1.3.0", language: str = "en") -> dict:
    """Every figure of the page, from the stored rows and the pack's own words on disk."""
    pack = ctx.library.get(PACK, version, language)
    records = stored(ctx, version, language)
    checked = [r for r in records if r.get("teach_back")]
    questions = {}
    items: Counter[str] = Counter()
    for q in pack.teach_back:
        tries = [
            [a["right"] for a in res["attempts"]]
            for r in checked
            for res in r["teach_back"]
            if res["question_id"] == q.id
        ]
        flags = sum(len(t) == 2 and not any(t) for t in tries)  # MAX_ATTEMPTS is 2
        questions[q.id] = (
            len(tries),
            sum(t[0] for t in tries),
            sum(len(t) == 2 and not t[0] and t[1] for t in tries),
            flags,
        )
        for item_id in q.checks:
            items[item_id] += flags
    # screens: sections sharing a screen id, in the pack's order
    screens: dict[str, list[str]] = {}
    for s in pack.sections:
        screens.setdefault(s.screen or s.id, []).extend(i.id for i in s.items)
    times: dict[str, list[float]] = {k: [] for k in screens}
    for r in records:
        ticks = {a["item_id"]: at(a["acknowledged_at"]) for a in r["acknowledgements"]}
        start = max((at(s["answered_at"]) for s in r["screening"]), default=None)
        for screen, ids in screens.items():
            end = max((ticks[i] for i in ids if i in ticks), default=None)
            if start and end and (end - start).total_seconds() > 0:
                times[screen].append((end - start).total_seconds())
            start = end
    return {
        "consents": len(checked),
        "refusals": sum(r["decision"] == "decline" for r in checked),
        "timed": len(records),
        "questions": questions,
        "items": {i: n for i, n in items.items() if n},
        "medians": {k: statistics.median(v) if v else None for k, v in times.items()},
        "timed_per_screen": {k: len(v) for k, v in times.items()},
    }


def test_figures_match_the_stored_records_of_demo_data(ctx, team) -> None:
    demo.fill(ctx, len(demo.SCENARIOS), seed=11)  # what `cli.py demo-data` makes
    admin = team[Role.ADMIN]
    choices = content_quality.versions(ctx, admin, PACK)
    first = content_quality.default_choice(choices)
    assert first is not None and (first.version, first.language) == ("1.3.0", "en")
    view = content_quality.quality(ctx, admin, PACK, "1.3.0", "en")
    want, got = expected(ctx), view.figures
    assert (got.consents, got.refusals, got.timed_consents) == (
        want["consents"],
        want["refusals"],
        want["timed"],
    )
    assert got.consents >= 7  # the demo's 9 today, less the one entered in error, at least
    assert {
        q.question_id: (q.answered, q.first_time_right, q.right_at_last_try, q.re_explain)
        for q in got.questions
    } == want["questions"]
    assert dict(got.re_explained_items) == want["items"]
    counts = [n for _i, n in got.re_explained_items]
    assert counts == sorted(counts, reverse=True)  # most often re-explained first
    assert {s.screen_id.removeprefix("section-"): s.median_seconds for s in got.screens} == (
        pytest.approx(want["medians"])
    )
    assert {s.screen_id.removeprefix("section-"): s.timed for s in got.screens} == want[
        "timed_per_screen"
    ]
    # the demo's variety: right first time mostly, some at the second try, a few re-explained,
    # and screens that take different times
    answered = sum(q.answered for q in got.questions)
    assert sum(q.first_time_right for q in got.questions) > answered / 2
    assert sum(q.right_at_last_try for q in got.questions) >= 1
    assert sum(q.re_explain for q in got.questions) >= 2
    medians = [s.median_seconds for s in got.screens]
    assert None not in medians and len(set(medians)) == len(medians)
    # words in the clinic's language from the pack; items shortened
    pack = ctx.library.get(PACK, "1.3.0", "en")
    assert [r.topic for r in view.questions] == [q.topic for q in pack.teach_back]
    assert all(len(r.words) <= content_quality.SHORT for r in view.items)
    # a refusal counts for what it answered; entered in error and visits count for nothing
    with ctx.database.uow() as uow:
        records = uow.consents.on_version(PACK, "1.3.0", "en")
    [refusal] = [c for c in records if c.decision == "decline"]
    alone = content_quality.figures(pack, [refusal])
    assert alone.consents == alone.refusals == 1
    assert sum(q.answered for q in alone.questions) == len(refusal.teach_back)
    [in_error] = [c for c in records if c.status.value == "entered_in_error"]
    assert in_error.teach_back and content_quality.figures(pack, [in_error]).timed_consents == 0
    visit = refusal.model_copy(update={"kind": "visit"})
    assert content_quality.figures(pack, [visit]).timed_consents == 0
    # after demo-data the newest version is the one new consents start on
    assert ctx.active_pack("en").version == "1.3.0"


def test_only_an_admin_reads_the_figures(ctx, team) -> None:
    for role in (Role.NURSE, Role.CLINICIAN, Role.FRONT_DESK):
        with pytest.raises(NotAllowed):
            content_quality.quality(ctx, team[role], PACK, "1.3.0", "en")
        with pytest.raises(NotAllowed):
            content_quality.versions(ctx, team[role], PACK)
    with pytest.raises(DomainError, match=r"no content version 9\.9\.9"):
        content_quality.quality(ctx, team[Role.ADMIN], PACK, "9.9.9", "en")


def _frame(at_, n: int) -> list[dict]:
    return at_.dataframe[n].value.to_dict("records")


def test_the_page_shows_the_figures_of_the_stored_records(app_ctx) -> None:
    demo.fill(app_ctx, len(demo.SCENARIOS), seed=5, courses=False)
    want = expected(app_ctx)
    at_ = signed_in(app_ctx, Role.ADMIN)
    at_.switch_page(PAGE).run()
    assert_no_exception(at_)
    assert [t.value for t in at_.title] == ["Content quality"]
    pick = at_.selectbox[0]
    assert pick.label == "Content version"
    assert (
        pick.options[pick.index] == "1.3.0 · English (en) · consents signed on it: 9"
    )  # the default
    shown = texts(at_)
    assert f"Signed consents with a check of understanding: **{want['consents']}**" in shown
    assert "Left out: consents entered in error and visits" in shown
    pack = app_ctx.library.get(PACK, "1.3.0", "en")
    values = app_ctx.settings.placeholder_values
    rows = _frame(at_, 0)
    assert [r["Check"] for r in rows] == [q.topic for q in pack.teach_back]
    for row, q in zip(rows, pack.teach_back, strict=True):
        answered, first, later, flags = want["questions"][q.id]
        assert row["Question"] == " ".join(fill(q.question, values).split())
        assert (row["Answered"], row["Right first time"]) == (answered, first)
        assert (row["Right at the last try"], row["Re-explain flags"]) == (later, flags)
        assert row["First-time-right rate"] == f"{first / answered:.0%}"
    items = _frame(at_, 1)
    assert sum(r["Re-explain flags"] for r in items) == sum(want["items"].values())
    screens = _frame(at_, 2)
    screen_titles: dict[str, list[str]] = {}
    for s in pack.sections:
        screen_titles.setdefault(s.screen or s.id, []).append(fill(s.title, values))
    assert [r["Screen"] for r in screens] == [" · ".join(t) for t in screen_titles.values()]
    assert [r["Records timed"] for r in screens] == list(want["timed_per_screen"].values())
    for r, median in zip(screens, want["medians"].values(), strict=True):
        whole = round(median)
        words = f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60} s"
        assert r["Median time"] == words
    assert "A screen's time runs from the end of the screen before it" in shown


def test_the_page_says_so_when_nothing_is_signed(app_ctx) -> None:
    at_ = signed_in(app_ctx, Role.ADMIN)
    at_.switch_page(PAGE).run()
    assert_no_exception(at_)
    assert "Nothing has been signed on this version yet." in texts(at_)
    assert not at_.dataframe


@pytest.mark.parametrize("role", [Role.NURSE, Role.CLINICIAN, Role.FRONT_DESK])
def test_other_roles_cannot_open_the_page(app_ctx, role) -> None:
    at_ = signed_in(app_ctx, role)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at_.switch_page(PAGE)
