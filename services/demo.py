"""Demo data: synthetic consents in every state, made through the same service functions the
screens use (services.consent for the patient's part, services.staff for the rest), and one
demo account per role with a printed password. Names and ink come from the one synthetic
factory (forms.synthetic), never from real people.

It refuses a database that holds any consent not made here (``Consent.demo`` is False).
It is over 300 lines because it walks every state a consent can reach, each through the real
use cases, so the demo shows what the screens really make.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import secrets
from collections.abc import Callable, Mapping

from accounts.staff import Role
from checklist import flow
from checklist.flow import StepKind
from checklist.sites import SITE_CHOICES
from errors import DomainError
from forms.records import Consent
from forms.synthetic import (
    INTERPRETER_NAME,
    PAD,
    pad_strokes,
    png_data_url,
    strokes_png,
    synthetic_name,
    synthetic_strokes,
)
from forms.synthetic_sign_out import sign_out_entry
from services import (
    admin,
    auth,
    consent,
    courses,
    drafts,
    sign_out,
    staff,
    staff_care,
    staff_views,
    submission,
    teach_back,
)
from services.context import AppContext
from services.demo_reading import Reader, StepClock, clear_flags, reader_for

DEMO_ACCOUNTS: tuple[tuple[str, str, Role], ...] = (
    ("demo.nurse", "Demo Nurse Nora", Role.NURSE),
    ("demo.clinician", "Demo Dr. Carl Clinician", Role.CLINICIAN),
    ("demo.frontdesk", "Demo Front Desk Fran", Role.FRONT_DESK),
    ("demo.admin", "Demo Admin Ada", Role.ADMIN),
)

# Each demo consent ends in one of these states, cycling, so N >= 9 shows all of them.
SCENARIOS = (
    "submitted",
    "stop_flag",
    "verified",
    "timeout",
    "attested",
    "filed",
    "declined",
    "on_hold",
    "entered_in_error",
)
WITH_INTERPRETER = ("attested", "filed")  # so every demo set shows an interpreter's signature
# A check answered wrong twice whatever the odds: open on the queue, and cleared by the nurse.
RE_EXPLAINED = ("submitted", "attested")


# --- the patient's part, through services.consent ------------------------------------------
def patient_completes(
    ctx: AppContext,
    *,
    legal_name: str,
    date_of_birth: dt.date,
    site: str = "left_leg",
    language: str = "en",
    answers: Mapping[str, str] | None = None,
    questions: Mapping[str, str] | None = None,
    decision: str = "consent",
    rng: random.Random | None = None,
    token: str | None = None,
    demo: bool = False,
    interpreter: bool = False,
    reader: Reader | None = None,
) -> Consent:
    """Take one synthetic patient through every screen and sign (or refuse) at the end.

    ``answers`` maps screening question ids to yes / no / not_sure (default: no).
    ``questions`` maps section ids to a note for "I have a question for the doctor".
    ``interpreter``: a (synthetic) interpreter helped, by video, and signs beside the patient.
    ``reader``: their pace and teach-back answers (services.demo_reading); none: right at once.
    """
    rng = rng or random.Random(0)
    answers = dict(answers or {})
    questions = dict(questions or {})
    token = token or consent.start_consent(ctx, language=language)
    state = drafts.load_draft(ctx, token)
    if state is None:
        raise DomainError("The demo draft could not be opened.")
    if state.step == "language":
        consent.choose_language(ctx, token, language)
        state = drafts.load_draft(ctx, token)
        assert state is not None
    guard = 0
    while state.step not in ("sign",):
        guard += 1
        if guard > 100:
            raise DomainError("The demo patient did not reach the signature step.")
        pack = drafts.pack_of(ctx, state)
        step = flow.step_by_id(pack, state.step, state.kind)
        if step.kind is StepKind.CHANGES:  # a course's visit: nothing changed since last time
            state = consent.answer_changes(ctx, token, False)
        elif step.kind is StepKind.RECONFIRM:
            ticked = {i.id: True for _s, i in flow.items_on(pack, step)}
            state = consent.acknowledge_section(ctx, token, ticked=ticked, questions={})
        elif step.kind is StepKind.DETAILS:
            state = consent.confirm_details(
                ctx,
                token,
                legal_name=legal_name,
                date_of_birth=date_of_birth,
                mrn=None,
                site=site,
            )
        elif step.kind is StepKind.SCREENING:
            state = consent.answer_screening(
                ctx, token, {q: answers.get(q, "no") for q in step.question_ids}
            )
        elif step.kind is StepKind.SECTION:
            ticked = {i.id: True for sid in step.section_ids for i in pack.section(sid).items}
            asked = {sid: (True, questions[sid]) for sid in step.section_ids if sid in questions}
            if reader:
                reader.read(pack, step)
            state = consent.acknowledge_section(ctx, token, ticked=ticked, questions=asked)
        elif step.kind is StepKind.TEACH_BACK:
            question = pack.teach_back_question(step.question_ids[0])
            for choice in reader.choices(pack, question) if reader else [question.answer]:
                teach_back.answer(ctx, token, choice)
            state = teach_back.answer(ctx, token, None, advance=True)
        elif step.kind is StepKind.PHOTOS:
            state = consent.answer_photos(ctx, token, rng.random() < 0.5)
        elif step.kind is StepKind.INTERPRETER:
            state = consent.record_interpreter(
                ctx,
                token,
                used=interpreter,
                name_or_id=INTERPRETER_NAME if interpreter else "",
                language="Español" if interpreter else "",
                mode="video" if interpreter else None,
            )
        elif step.kind is StepKind.REVIEW:
            if decision == "decline":
                state = consent.go_to_decline(ctx, token)
            else:
                state = consent.certify(ctx, token, True)
        else:
            raise DomainError(f"The demo patient does not know the step {state.step}.")
    strokes = synthetic_strokes(rng.randrange(1 << 16))
    i_strokes = synthetic_strokes(rng.randrange(1 << 16)) if interpreter else None
    return submission.submit(
        ctx,
        token,
        typed_name=legal_name,
        strokes=pad_strokes(strokes),
        png=png_data_url(strokes_png(strokes)),
        pad_size=PAD,
        decision=decision,  # type: ignore[arg-type]
        interpreter_strokes=pad_strokes(i_strokes) if i_strokes else None,
        interpreter_png=png_data_url(strokes_png(i_strokes)) if i_strokes else None,
        demo=demo,
    )


# --- staff steps, through services.staff ------------------------------------------------------
def all_yes(view: staff_views.ConsentView) -> dict[str, tuple[str, str]]:
    return {i.id: ("yes", "") for i in view.staff_pack.nurse_checklist}


@dataclasses.dataclass
class DemoResult:
    passwords: dict[str, str]
    consents: dict[str, int]


def ensure_demo_accounts(ctx: AppContext) -> dict[str, str]:
    """One account per role; a fresh random password each run, printed by the command."""
    passwords = {}
    with ctx.database.uow() as uow:
        existing = {u.username: u for u in uow.users.list()}
    for username, name, role in DEMO_ACCOUNTS:
        password = "demo-" + secrets.token_urlsafe(9)
        user = existing.get(username)
        if user is None:
            admin.add_user(
                ctx,
                None,
                username=username,
                display_name=name,
                roles=[role],
                password=password,
                demo=True,
                via_cli=True,
            )
        else:
            if not user.demo:
                raise DomainError(f"The account {username} exists and is not a demo account.")
            admin.reset_password(ctx, None, user.id or 0, password, via_cli=True)
            admin.set_disabled(ctx, None, user.id or 0, False, via_cli=True)
        passwords[username] = password
    return passwords


def fill(
    ctx: AppContext,
    count: int,
    *,
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
    courses: bool = True,
) -> DemoResult:
    """``count`` consents cycling through ``SCENARIOS``; with ``courses`` (and every scenario
    shown) the treatment courses of services.demo_courses as well."""
    if count < 1 or count > 500:
        raise DomainError("Give a count between 1 and 500.")
    with ctx.database.uow() as uow:
        real = uow.consents.count_non_demo()
    if real:
        raise DomainError(
            f"This database holds {real} consent(s) that are not demo data. demo-data only "
            "adds to an empty or demo database; point CONSENT_DATA_DIR or CONSENT_DATABASE_URL "
            "at a new one."
        )
    passwords = ensure_demo_accounts(ctx)
    rng = random.Random(seed if seed is not None else secrets.randbits(32))
    now = ctx.clock.now()
    # Spread the consents over today (clinic time) before now, up to 8 minutes apart, so they
    # all show on today's queue: each read of the clock a few seconds, reading the sections
    # about 40% of the time between two patients (services.demo_reading).
    local = now.astimezone(ctx.settings.tz)
    since_midnight = (local - local.replace(hour=0, minute=0, second=0, microsecond=0)).seconds
    spacing = min(8.0, max(since_midnight / 60 - 1, 0.5) / count)
    clock = StepClock(
        now - dt.timedelta(minutes=spacing * count), step_seconds=spacing / 4, limit=now
    )
    demo_ctx = dataclasses.replace(ctx, clock=clock)
    sessions = {
        role: auth.sign_in(demo_ctx, username, passwords[username])
        for username, _name, role in DEMO_ACCOUNTS
    }
    made: dict[str, int] = {}
    pack = ctx.active_pack(ctx.settings.clinic_language)
    stop_rules = [r.question for r in pack.screening.rules if r.flag.value == "stop"]
    review_rules = [r.question for r in pack.screening.rules if r.flag.value == "review"]
    for n in range(count):
        scenario = SCENARIOS[n % len(SCENARIOS)]
        clock.current = max(clock.current, now - dt.timedelta(minutes=spacing * (count - n)))
        name = synthetic_name(rng)
        dob = dt.date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
        answers = {}
        if scenario == "stop_flag" and stop_rules:
            answers[rng.choice(stop_rules)] = "yes"
        if review_rules and rng.random() < 0.5:
            answers[rng.choice(review_rules)] = "not_sure"
        questions = {}
        if rng.random() < 0.4:
            questions[pack.sections[0].id] = "How many sessions will I need?"
        c = patient_completes(
            demo_ctx,
            legal_name=name,
            date_of_birth=dob,
            site=rng.choice(SITE_CHOICES),
            language=ctx.settings.clinic_language,
            answers=answers,
            questions=questions,
            decision="decline" if scenario == "declined" else "consent",
            rng=rng,
            demo=True,
            interpreter=scenario in WITH_INTERPRETER,
            reader=reader_for(rng, clock, spacing * 24, miss=scenario in RE_EXPLAINED),
        )
        c = _advance(demo_ctx, c, scenario, sessions, passwords)
        made[scenario] = made.get(scenario, 0) + 1
        if progress:
            progress(f"{n + 1}/{count}: {scenario}")
    for session in sessions.values():
        auth.sign_out(demo_ctx, session)
    if courses and count >= len(SCENARIOS):  # a full demo shows treatment courses too
        from services.demo_courses import fill_courses

        made.update(fill_courses(ctx, passwords, rng, progress=progress))
    return DemoResult(passwords, made)


def _advance(
    ctx, c: Consent, scenario: str, sessions, passwords, *, entry=None, justifications=None
) -> Consent:
    """Staff steps up to ``scenario``; ``entry``/``justifications``: the sign-out to sign."""
    nurse, clinician, desk = (
        sessions[Role.NURSE],
        sessions[Role.CLINICIAN],
        sessions[Role.FRONT_DESK],
    )
    pw = {role: passwords[u] for u, _n, role in DEMO_ACCOUNTS}
    if scenario in ("submitted", "stop_flag", "declined"):
        return c
    if scenario == "entered_in_error":
        return staff.enter_in_error(
            ctx,
            clinician,
            c.id,
            reason="Demo: started for the wrong patient",
            expected_version=c.version,
        )
    if scenario == "on_hold":
        return staff.hold(
            ctx,
            clinician,
            c.id,
            reason="Demo: waiting for the duplex scan report",
            expected_version=c.version,
        )
    view = staff_views.open_consent(ctx, nurse, c.id)
    for flag in view.flags:  # a clinician clears every flag before the nurse completes
        c = staff.review_flag(
            ctx,
            clinician,
            c.id,
            question_id=flag.question_id,
            decision="cleared",
            note="Demo: discussed, fine to go ahead",
            expected_version=c.version,
        )
    if scenario in ("attested", "filed"):  # attestation waits for every re-explain flag
        c = clear_flags(ctx, nurse, c)
    c = staff.verify(
        ctx, nurse, c.id, answers=all_yes(view), password=pw[Role.NURSE], expected_version=c.version
    )
    if scenario == "verified":
        return c
    c = staff_care.record_timeout(
        ctx,
        nurse,
        c.id,
        confirmed=[i.id for i in view.staff_pack.timeout],
        participant_ids=[nurse.id, clinician.id],
        side=c.site,
        expected_version=c.version,
    )
    if scenario == "timeout":
        return c
    c = (
        c
        if c.is_visit
        else staff_care.set_treatment(  # a visit's treatment is its sign-out
            ctx,
            clinician,
            c.id,
            clinician_id=clinician.id,
            sclerosant=ctx.settings.sclerosants[0],
            form="foam",
            appointment_on=c.created_at.astimezone(ctx.settings.tz).date(),
            expected_version=c.version,
        )
    )
    for q in c.open_questions():
        c = staff_care.answer_question(
            ctx,
            clinician,
            c.id,
            section_id=q.section_id,
            item_id=q.item_id,
            text="Demo: answered at the visit",
            expected_version=c.version,
        )
    c = staff.attest(ctx, clinician, c.id, password=pw[Role.CLINICIAN], expected_version=c.version)
    # Filing waits for the procedure's sign-out: the nurse enters it, the clinician co-signs
    # (so an attested demo consent is one the front desk may file).
    entry = entry or sign_out_entry(c.site, courses.today(ctx))
    c = sign_out.enter_sign_out(ctx, nurse, c.id, entry=entry, expected_version=c.version)
    c = sign_out.sign_sign_out(
        ctx,
        clinician,
        c.id,
        justifications=justifications or {},
        password=pw[Role.CLINICIAN],
        expected_version=c.version,
    )
    if scenario == "attested":
        return c
    return staff.file_consent(
        ctx, desk, c.id, chart_reference=f"DEMO-{c.id.hex[:8].upper()}", expected_version=c.version
    )
