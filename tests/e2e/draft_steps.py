"""A patient's draft made part-way on the server's own database, then opened in the tablet.

What the browser tests that only need a later screen (the sign screen, the review, the last
section) use instead of tapping through every screen in Chromium: the same services the screens
call (``services.consent``, ``services.teach_back``), each check of understanding answered
right. The whole walk in the browser stays covered by the tests that assert it
(test_patient_flow's finger signature and Spanish flows, test_staff_flow).
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor

from e2e_server import AppServer
from patient_steps import Patient
from playwright.sync_api import expect

from checklist import flow
from settings import get_settings
from ui.patient.common import RESUME  # the tablet's query parameter for the draft


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
) -> str:
    """A new draft in ``lang`` walked screen by screen until its step id is ``upto`` (e.g.
    "review", "sign", or a section's "section-<screen id>"); returns its resume token.

    ``photos``: the answer to the photos question; ``interpreter``: one helped (by phone).

    In its own thread: Playwright's sync API keeps an event loop running in this one."""
    # The server's settings come from its env (e2e_server.start_server): its data directory
    # and, of this process's CONSENT_ variables, only the tests' cheap argon2 costs. Settings
    # made here match only if the server was given no other CONSENT_ setting (extra_env).
    theirs = {
        k: v for k, v in server.env.items() if k.startswith("CONSENT_") and k != "CONSENT_DATA_DIR"
    }
    ours = {k: v for k, v in os.environ.items() if k.startswith("CONSENT_ARGON2_")}
    assert theirs == ours, f"the server's settings differ from this process's: {theirs}"

    def work() -> str:
        from services import consent, drafts, teach_back
        from services.context import build_context

        ctx = build_context(get_settings(data_dir=server.data_dir), warm_pdf_fonts=False)
        try:
            token = consent.start_consent(ctx, language=lang)
            state = drafts.load_draft(ctx, token)
            assert state is not None
            if state.step == "language":
                consent.choose_language(ctx, token, lang)
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
                            ctx, token, legal_name=name, date_of_birth=dob, mrn=None, site=site
                        )
                    case flow.StepKind.SCREENING:
                        answers = dict.fromkeys(step.question_ids, "no")
                        state = consent.answer_screening(ctx, token, answers)
                    case flow.StepKind.SECTION:
                        ticked = {
                            i.id: True for sid in step.section_ids for i in pack.section(sid).items
                        }
                        state = consent.acknowledge_section(ctx, token, ticked=ticked, questions={})
                    case flow.StepKind.TEACH_BACK:
                        question = pack.teach_back_question(step.question_ids[0])
                        teach_back.answer(ctx, token, question.answer)
                        state = teach_back.answer(ctx, token, None, advance=True)
                    case flow.StepKind.PHOTOS:
                        state = consent.answer_photos(ctx, token, photos)
                    case flow.StepKind.INTERPRETER:
                        if interpreter:
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
        finally:
            ctx.database.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def resume(patient: Patient, token: str) -> None:
    """Open the draft in the tablet, as a reload would, and wait until the screen is drawn to
    its foot and settled (a sign screen's pad too).

    The header shows before the screen does, and the page can look settled between the first
    runs of a fresh session: the Back button (``ui.patient.common.nav``) is drawn last."""
    patient.page.goto(f"{patient.base_url}/?{RESUME}={token}")
    patient.step_number()  # the screen's "Step n of N" is shown
    back = patient.page.get_by_role("button", name=patient.tr("patient.back"), exact=True)
    expect(back.first).to_be_visible()
    patient.settle()
