"""Plain helpers for the staff tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

from accounts.staff import Role
from forms.record_care import TreatmentPlan
from forms.records import Consent
from services import admin, auth, staff_care
from services.auth import StaffSession
from services.context import AppContext

PASSWORD = "correct horse battery"
TEAM = {
    Role.NURSE: ("nina", "Nina Nurse"),
    Role.CLINICIAN: ("carl", "Dr. Carl Clinician"),
    Role.FRONT_DESK: ("fran", "Fran Front"),
    Role.ADMIN: ("ada", "Ada Admin"),
}


def signed_in_team(ctx: AppContext) -> dict[Role, StaffSession]:
    """TEAM's accounts, made as `cli.py add-user` makes them, each signed in with PASSWORD."""
    sessions = {}
    for role, (username, name) in TEAM.items():
        admin.add_user(
            ctx,
            None,
            username=username,
            display_name=name,
            roles=[role],
            password=PASSWORD,
            via_cli=True,
        )
        sessions[role] = auth.sign_in(ctx, username, PASSWORD)
    return sessions


def first_stop_question(ctx: AppContext) -> str:
    pack = ctx.active_pack("en")
    return next(r.question for r in pack.screening.rules if r.flag.value == "stop")


def all_yes(ctx: AppContext) -> dict[str, tuple[str, str]]:
    return {i.id: ("yes", "") for i in ctx.active_pack("en").nurse_checklist}


def verified(ctx: AppContext, team, consent: Consent) -> Consent:
    """The nurse verifies with every checklist item 'yes' (password re-entered)."""
    from services import staff

    return staff.verify(
        ctx,
        team[Role.NURSE],
        consent.id,
        answers=all_yes(ctx),
        password=PASSWORD,
        expected_version=consent.version,
    )


def signed_out(ctx: AppContext, clinician, consent: Consent) -> Consent:
    """``clinician`` (a signed-in clinician's session) enters a complete sign-out (forms.synthetic_sign_out) and signs it with the
    password: what an attested consent needs after its time-out before it is filed."""
    from forms.synthetic_sign_out import sign_out_entry
    from services import courses, sign_out

    return sign_out.enter_and_sign(
        ctx,
        clinician,
        consent.id,
        entry=sign_out_entry(consent.site, courses.today(ctx)),
        justifications={},
        password=PASSWORD,
        expected_version=consent.version,
    )


def timeout_ids(ctx: AppContext) -> list[str]:
    return [i.id for i in ctx.active_pack("en").timeout]


def with_plan(ctx: AppContext, consent: Consent) -> Consent:
    """The consent with the treatment plan staff set at hand-over (clinician, sclerosant,
    form, appointment day), as the clinician must have it before attesting."""
    with ctx.database.uow() as uow:
        c = uow.consents.get(consent.id)
        users = uow.users.list()
        doc = next((u for u in users if Role.CLINICIAN in u.roles), None)
        c.treatment = TreatmentPlan.of(
            clinician=(doc.id, doc.display_name) if doc and doc.id else (1, "Dr. Carl Clinician"),
            sclerosant=ctx.settings.sclerosants[1],
            form="foam",
            appointment_on=c.created_at.astimezone(ctx.settings.tz).date(),
            by_id=doc.id if doc and doc.id else 1,
            by_name="Front desk at hand-over",
            now=c.created_at,
        )
        uow.consents.update(c, expected_version=c.version, actor_name="test")
        uow.commit()
        return uow.consents.get(c.id)


def time_out(ctx: AppContext, staff, consent_id, *, confirmed, expected_version: int) -> Consent:
    """The time-out with every active nurse and clinician present and the consent's own side
    confirmed aloud (what the team says when all is right)."""
    with ctx.database.uow() as uow:
        site = uow.consents.get(consent_id).site
        users = uow.users.list()
    present = [
        u.id for u in users if not u.disabled and {Role.NURSE, Role.CLINICIAN} & set(u.roles)
    ]
    return staff_care.record_timeout(
        ctx,
        staff,
        consent_id,
        confirmed=confirmed,
        participant_ids=present,
        side=site,
        expected_version=expected_version,
    )


def point_document_at(ctx, document_id: int, consent_id) -> None:  # type: ignore[no-untyped-def]
    """Re-point a stored document row at another consent, as a tampered database would: the
    genuine sealed PDF of one patient filed under another's consent."""
    from sqlalchemy import text

    with ctx.database.engine.begin() as conn:
        moved = conn.execute(
            text("UPDATE documents SET consent_id = :a WHERE id = :d"),
            {"a": str(consent_id), "d": document_id},
        )
        assert moved.rowcount == 1
