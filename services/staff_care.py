"""The care team's steps around the procedure that ``services.staff`` does not hold: the time-out
with who was present and the side confirmed, the treatment plan, the clinician's answers to the
patient's questions, the countersigned refusal, and the staff who may be named in them.

Each goes through ``services.staff._change_consent`` (role check, the version shown, the record's
own rule, save, audit, seal), so they behave exactly like the other staff steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.staff import Role, StaffUser
from checklist import text as text_rules
from errors import DomainError
from forms.record_care import TreatmentPlan
from forms.record_parts import Participant
from forms.records import Consent, Status
from services import checklist_drafts
from services.auth import StaffSession, load_actor
from services.context import AppContext
from services.staff import CLINICIAN, _Change, _change_consent, _staff_pack
from services.staff_views import ANY_STAFF, CARE_TEAM


@dataclass(frozen=True)
class TeamMember:
    id: int
    name: str
    role: str  # "clinician", "nurse" or "other": how a time-out or plan names them


def _role_of(user: StaffUser) -> str:
    if Role.CLINICIAN in user.roles:
        return "clinician"
    return "nurse" if Role.NURSE in user.roles else "other"


def care_team(ctx: AppContext, staff: StaffSession | None) -> list[TeamMember]:
    """The active nurses and clinicians, for the time-out and plan pickers (clinicians first)."""
    with ctx.database.uow() as uow:
        load_actor(uow, staff, *ANY_STAFF)
        users = uow.users.list()
    team = [
        TeamMember(u.id, u.display_name, _role_of(u))
        for u in users
        if u.id is not None and not u.disabled and set(u.roles) & set(CARE_TEAM)
    ]
    return sorted(team, key=lambda m: (m.role != "clinician", m.name.casefold()))


def clinicians(ctx: AppContext) -> list[TeamMember]:
    """The active clinicians (hand-over names the treating clinician among them)."""
    with ctx.database.uow() as uow:
        users = uow.users.list()
    return sorted(
        (
            TeamMember(u.id, u.display_name, "clinician")
            for u in users
            if u.id is not None and not u.disabled and Role.CLINICIAN in u.roles
        ),
        key=lambda m: m.name.casefold(),
    )


def sclerosants(ctx: AppContext) -> list[str]:
    """The clinic's list of agents with strength (settings ``sclerosants``), e.g. 'polidocanol 1%'."""
    return list(ctx.settings.sclerosants)


def _participants(ctx: AppContext, ids: list[int], others: Iterable[str]) -> list[Participant]:
    with ctx.database.uow() as uow:
        users = {u.id: u for u in uow.users.list()}
    present = []
    for uid in ids:
        user = users.get(uid)
        if user is None or user.disabled:
            raise DomainError("Someone named as present is not an active staff account here.")
        present.append(Participant(name=user.display_name, role=_role_of(user), staff_id=uid))
    for name in others:
        name = text_rules.clean_name(name or "")
        if len(name) > 200:
            raise DomainError("A name of someone present is too long (200 characters at most).")
        if name:
            present.append(Participant(name=name, role="other"))
    return present


def record_timeout(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    confirmed: Iterable[str],
    participant_ids: Iterable[int],
    side: str,
    expected_version: int,
    others: Iterable[str] = (),
) -> Consent:
    """The Universal Protocol time-out: its own step, with its own time, before the procedure;
    who was present (staff accounts, and ``others`` by name) and the side confirmed aloud."""
    confirmed = set(confirmed)
    present = _participants(ctx, list(dict.fromkeys(participant_ids)), others)

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        done = consent.record_timeout(
            _staff_pack(ctx, consent),
            confirmed,
            participants=present,
            side=side,
            by_id=user.id,
            by_name=user.display_name,
            now=now,
        )
        new = {"items": done.items, "at": now.isoformat(), "side": done.side}
        new["participants"] = [p.staff_id or p.role for p in done.participants]  # no names
        return _Change(None, new, issue_final=True)

    return _change_consent(
        ctx,
        staff,
        consent_id,
        expected_version,
        CARE_TEAM,
        "consent.timeout",
        apply,
        draft=checklist_drafts.TIMEOUT,
    )


def set_treatment(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    clinician_id: int | None,
    sclerosant: str | None,
    form: str | None,
    appointment_on: dt.date | None,
    expected_version: int,
) -> Consent:
    """The treatment plan on page 1: treating clinician, agent and strength, liquid or foam,
    appointment date. Set (or corrected) by a clinician before attesting."""
    chosen = named_clinician(ctx, clinician_id)
    if sclerosant and sclerosant not in ctx.settings.sclerosants:
        raise DomainError("Choose a sclerosant from the clinic's list.")

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        old = consent.treatment.model_dump(mode="json") if consent.treatment else None
        plan = consent.plan_treatment(
            TreatmentPlan.of(
                clinician=chosen,
                sclerosant=sclerosant or None,
                form=form or None,
                appointment_on=appointment_on,
                by_id=user.id,
                by_name=user.display_name,
                now=now,
            )
        )
        new = plan.model_dump(mode="json", exclude={"clinician_name", "set_by_name"})
        return _Change(old, new, issue_final=consent.status is not Status.SUBMITTED)

    return _change_consent(
        ctx, staff, consent_id, expected_version, CLINICIAN, "consent.plan_set", apply
    )


def named_clinician(ctx: AppContext, clinician_id: int | None) -> tuple[int, str] | None:
    if clinician_id is None:
        return None
    for member in clinicians(ctx):
        if member.id == clinician_id:
            return member.id, member.name
    raise DomainError("The treating clinician must be an active clinician's account.")


def answer_question(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    section_id: str,
    text: str,
    expected_version: int,
    item_id: str | None = None,
) -> Consent:
    """The clinician's answer to (or note on) one of the patient's questions, printed beside it."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        q = consent.answer_question(
            section_id, text, item_id=item_id, by_id=user.id, by_name=user.display_name, now=now
        )
        new = {"section_id": q.section_id, "item_id": q.item_id, "answered": True}
        verified = consent.status not in (Status.SUBMITTED, Status.DECLINED)
        return _Change(None, new, issue_final=verified)

    return _change_consent(
        ctx, staff, consent_id, expected_version, CLINICIAN, "question.answered", apply
    )


def countersign_refusal(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, password: str, expected_version: int
) -> Consent:
    """A clinician countersigns a signed refusal (password re-entered): the risks of refusing
    were explained and questions answered. Sealed as the final refusal document; filing waits
    for it (``Consent.filing_gap``)."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        done = consent.countersign_refusal(
            by_id=user.id, by_name=user.display_name, device_id=staff.session_id, now=now
        )
        return _Change(None, {"statement": done.statement}, issue_final=True)

    return _change_consent(
        ctx,
        staff,
        consent_id,
        expected_version,
        CLINICIAN,
        "refusal.countersigned",
        apply,
        password=password,
        check=lambda consent: consent.check_countersign(),
    )


def witness(ctx: AppContext, staff: StaffSession, consent_id, *, expected_version: int) -> Consent:
    """A staff member present when the patient signed says so, now (hand-back on the tablet:
    ``services.handoff.witness_at_handback``). The signed document is sealed again with it."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        done = consent.record_witness(
            by_id=user.id,
            by_name=user.display_name,
            where="handback",
            device_id=staff.session_id,
            now=now,
        )
        kind = "refusal" if consent.declined else "submitted"
        return _Change(None, {"where": done.where, "at": now.isoformat()}, issue=kind)

    return _change_consent(
        ctx, staff, consent_id, expected_version, ANY_STAFF, "consent.witnessed", apply
    )
