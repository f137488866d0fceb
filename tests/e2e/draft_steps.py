"""A patient's draft made part-way on the server's own database, then opened in the tablet.

What the browser tests that only need a later screen (the sign screen, the review, the last
section) use instead of tapping through every screen in Chromium: the same services the screens
call (``services.consent``, ``services.teach_back``), each check of understanding answered
right. The whole walk in the browser stays covered by the test that asserts it:
test_accessibility's walk of every screen in both text sizes, English and Spanish, which also
checks that what it tapped is stored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from e2e_server import AppServer
from patient_steps import FIRST_PAGE_MS, Patient
from playwright.sync_api import expect

from checklist import flow
from settings import get_settings
from ui.patient.common import RESUME  # the tablet's query parameter for the draft

T = TypeVar("T")


def prepared(
    server: AppServer,
    upto: str,
    *,
    name: str,
    dob: dt.date,
    lang: str = "en",
    site: str = "left_leg",
    photos: bool = True,
    interpreter: bool = False,
    screening: str = "no",
) -> str:
    """A new draft in ``lang`` walked screen by screen until its step id is ``upto`` (e.g.
    "review", "sign", or a section's "section-<screen id>"); returns its resume token.

    ``photos``: the answer to the photos question; ``interpreter``: one helped (by phone);
    ``screening``: the answer code given to every health question ("no", "yes", "not_sure")."""

    def start(ctx) -> str:  # type: ignore[no-untyped-def]
        from services import consent

        token = consent.start_consent(ctx, language=lang)
        if consent_step(ctx, token) == "language":
            consent.choose_language(ctx, token, lang)
        return token

    answers = Answers(name, dob, site, photos, interpreter, screening)
    return on_server(server, lambda ctx: _walk(ctx, start(ctx), upto, answers))


def walked(
    server: AppServer,
    token: str,
    upto: str,
    *,
    photos: bool = True,
    interpreter: bool = False,
    screening: str = "no",
) -> None:
    """A draft the tablet began (past its details) walked on through the services to ``upto``,
    with the same answers as ``prepared``; reopen it in the tablet with ``resume``."""
    answers = Answers("", dt.date.min, "", photos, interpreter, screening)
    on_server(server, lambda ctx: _walk(ctx, token, upto, answers))


@dataclass(frozen=True)
class Answers:
    name: str
    dob: dt.date
    site: str
    photos: bool
    interpreter: bool
    screening: str


def acknowledged(server: AppServer, token: str) -> list[str]:
    """The item ids the draft on the server holds as understood (what a tap saved)."""

    def read(ctx) -> list[str]:  # type: ignore[no-untyped-def]
        from services import drafts

        state = drafts.load_draft(ctx, token)
        return sorted(state.acknowledged) if state else []

    return on_server(server, read)


def consent_step(ctx, token: str) -> str:  # type: ignore[no-untyped-def]
    from services import drafts

    state = drafts.load_draft(ctx, token)
    assert state is not None
    return state.step


def on_server(server: AppServer, work: Callable[[Any], T]) -> T:
    """``work(ctx)`` on the server's database, in its own thread: Playwright's sync API keeps an
    event loop running in this one."""
    # The server's settings come from its env (e2e_server.start_server): its data directory
    # and the tests' cheap argon2 costs (absent for a server started before the test's settings
    # fixture; a draft hashes no password). Settings made here match only if every other
    # CONSENT_ setting the server has (its clinic zone, any extra_env) this process has too.
    other = {
        k: v
        for k, v in server.env.items()
        if k.startswith("CONSENT_")
        and k != "CONSENT_DATA_DIR"
        and "_ARGON2_" not in k
        and os.environ.get(k) != v
    }
    assert not other, f"the server has settings this process lacks: {other}"

    def run() -> T:
        from services.context import build_context

        ctx = build_context(get_settings(data_dir=server.data_dir))
        try:
            return work(ctx)
        finally:
            ctx.database.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _walk(ctx, token: str, upto: str, answers: Answers) -> str:  # type: ignore[no-untyped-def]
    """The draft ``token`` answered screen by screen, as its screens' services do, to ``upto``."""
    from services import consent, drafts, teach_back

    state = drafts.load_draft(ctx, token)
    assert state is not None
    pack = drafts.pack_of(ctx, state)
    known = [s.id for s in flow.steps_for(pack, state.kind)]
    assert upto in known, f"{upto!r} is not a step of this flow: {known}"
    for _ in known:
        if state.step == upto:
            return token
        step = flow.step_by_id(pack, state.step, state.kind)
        match step.kind:
            case flow.StepKind.DETAILS:
                state = consent.confirm_details(
                    ctx,
                    token,
                    legal_name=answers.name,
                    date_of_birth=answers.dob,
                    mrn=None,
                    site=answers.site,
                )
            case flow.StepKind.SCREENING:
                state = consent.answer_screening(
                    ctx, token, dict.fromkeys(step.question_ids, answers.screening)
                )
            case flow.StepKind.SECTION:
                ticked = {i.id: True for sid in step.section_ids for i in pack.section(sid).items}
                state = consent.acknowledge_section(ctx, token, ticked=ticked, questions={})
            case flow.StepKind.TEACH_BACK:
                question = pack.teach_back_question(step.question_ids[0])
                teach_back.answer(ctx, token, question.answer)
                state = teach_back.answer(ctx, token, None, advance=True)
            case flow.StepKind.PHOTOS:
                state = consent.answer_photos(ctx, token, answers.photos)
            case flow.StepKind.INTERPRETER:
                if answers.interpreter:
                    state = consent.record_interpreter(
                        ctx,
                        token,
                        used=True,
                        name_or_id="INT-4471",
                        language="Español",
                        mode="phone",
                    )
                else:
                    state = consent.record_interpreter(ctx, token, used=False)
            case flow.StepKind.REVIEW:
                state = consent.certify(ctx, token, True)
            case _:
                raise AssertionError(f"the draft stopped at {state.step!r}")
    assert state.step == upto, f"the draft is at {state.step!r}, not {upto!r}"
    return token


def resume(patient: Patient, token: str) -> None:
    """Open the draft in the tablet, as a reload would, and wait until the screen is drawn to
    its foot and settled (a sign screen's pad too).

    The header shows before the screen does, and the page can look settled between the first
    runs of a fresh session: the Back button (``ui.patient.common.nav``) is drawn last."""
    patient.page.goto(f"{patient.base_url}/?{RESUME}={token}")
    progress = re.compile(patient.tr("patient.progress", n=r"\d+", total=r"\d+"))
    # The screen's "Step n of N" is shown (a fresh server's first page: given longer).
    expect(patient.page.get_by_text(progress).first).to_be_visible(timeout=FIRST_PAGE_MS)
    back = patient.page.get_by_role("button", name=patient.tr("patient.back"), exact=True)
    expect(back.first).to_be_visible()
    patient.settle()
