"""Courses for the patient tests: a consent signed through the services and taken through the
staff steps until a clinician attests it, and a patient walked through either flow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flow_helpers import PNG, answer_check, scribble

from accounts.staff import Role
from checklist import flow
from checklist.flow import DraftState, StepKind
from forms.record_care import TreatmentPlan
from forms.records import Consent
from services import admin, auth, drafts, staff, submission
from services import consent as svc
from services.auth import StaffSession
from services.context import AppContext

PASSWORD = "correct horse battery"
NAME, DOB, SITE = "Ana María Núñez", dt.date(1958, 3, 14), "left_leg"


def team(ctx: AppContext) -> dict[Role, StaffSession]:
    out = {}
    for role, user in ((Role.NURSE, "nina"), (Role.CLINICIAN, "carl")):
        admin.add_user(
            ctx,
            None,
            username=user,
            display_name=user.title(),
            roles=[role],
            password=PASSWORD,
            via_cli=True,
        )
        out[role] = auth.sign_in(ctx, user, PASSWORD)
    return out


def walk(
    ctx: AppContext,
    token: str,
    upto: str = "sign",
    *,
    name: str = NAME,
    dob: dt.date = DOB,
    site: str = SITE,
    answers: Mapping[str, str] | None = None,
    changed: bool = False,
) -> DraftState:
    """What a patient does on each screen (either flow), through the services, until ``upto``."""
    state = drafts.load_draft(ctx, token)
    assert state is not None
    for _ in range(60):
        if state.step == upto:
            return state
        pack = drafts.pack_of(ctx, state)
        step = flow.step_by_id(pack, state.step, state.kind)
        match step.kind:
            case StepKind.DETAILS:
                state = svc.confirm_details(
                    ctx, token, legal_name=name, date_of_birth=dob, mrn=None, site=site
                )
            case StepKind.CHANGES:
                state = svc.answer_changes(ctx, token, changed)
            case StepKind.SCREENING:
                given = {q: (answers or {}).get(q, "no") for q in step.question_ids}
                state = svc.answer_screening(ctx, token, given)
            case StepKind.SECTION | StepKind.RECONFIRM:
                ticks = {i.id: True for _, i in flow.items_on(pack, step)}
                state = svc.acknowledge_section(ctx, token, ticked=ticks, questions={})
            case StepKind.TEACH_BACK:
                state = answer_check(ctx, token, pack, step)
            case StepKind.PHOTOS:
                state = svc.answer_photos(ctx, token, False)
            case StepKind.INTERPRETER:
                state = svc.record_interpreter(ctx, token, used=False)
            case StepKind.REVIEW:
                state = svc.certify(ctx, token, True)
            case _:
                raise AssertionError(state.step)
    raise AssertionError(f"stuck at {state.step}")


def sign(ctx: AppContext, token: str, name: str = NAME, decision: str = "consent") -> Consent:
    return submission.submit(
        ctx,
        token,
        typed_name=name,
        strokes=scribble(),
        png=PNG,
        pad_size=(600, 240),
        decision=decision,  # type: ignore[arg-type]
    )


def signed(ctx: AppContext, **kw) -> Consent:
    """A patient signs a full consent (or a visit, for a returning patient) on the tablet."""
    token = svc.start_consent(ctx, language=kw.pop("language", "en"))
    walk(ctx, token, **kw)
    return sign(ctx, token, kw.get("name", NAME))


def attested(ctx: AppContext, people: dict[Role, StaffSession], consent: Consent) -> Consent:
    """The nurse verifies (every item yes), the plan is set, the clinician attests."""
    pack = ctx.library.get(consent.pack.pack_id, consent.pack.version, "en")
    answers = {i.id: ("yes", "") for i in pack.nurse_checklist}
    c = staff.verify(
        ctx,
        people[Role.NURSE],
        consent.id,
        answers=answers,
        password=PASSWORD,
        expected_version=consent.version,
    )
    if not c.is_visit:
        with ctx.database.uow() as uow:
            c = uow.consents.get(c.id)
            c.treatment = TreatmentPlan.of(
                clinician=(people[Role.CLINICIAN].id, "Carl"),
                sclerosant=ctx.settings.sclerosants[1],
                form="foam",
                appointment_on=c.created_at.astimezone(ctx.settings.tz).date(),
                by_id=people[Role.CLINICIAN].id,
                by_name="Carl",
                now=c.created_at,
            )
            uow.consents.update(c, expected_version=c.version, actor_name="test")
            uow.commit()
            c = uow.consents.get(c.id)
    return staff.attest(
        ctx, people[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version
    )


def course(ctx: AppContext, people: dict[Role, StaffSession], **kw) -> Consent:
    """A course: a full consent signed and attested."""
    return attested(ctx, people, signed(ctx, **kw))
