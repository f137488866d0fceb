"""The staff steps (verify, flag review, attest, hold, release, entered in error, filing),
called by pages, the CLI and demo data; the time-out, plan, questions, witness and countersigned
refusal are in services.staff_care; what staff screens read is services.staff_views.

Each reloads the signed-in account and checks its role (a hidden page is not the only guard),
loads the consent at the version the caller showed (ConflictError if someone changed it since),
calls the record's own rule for the step (its DomainError is written for the person at the
screen), saves and audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from accounts.staff import Role, StaffUser
from checklist.models import Pack
from errors import ConflictError
from forms.record_parts import as_consent_id
from forms.records import Consent, Status
from services import checklist_drafts
from services.auth import StaffSession, get_user, load_actor, reauthenticate
from services.context import AppContext
from services.staff_views import packs_of

CLINICIAN = (Role.CLINICIAN,)


def _staff_pack(ctx: AppContext, consent: Consent) -> Pack:  # in the clinic's language
    return packs_of(ctx, consent)[1]


# --- loading and saving -------------------------------------------------------------------
def _changed_by(ctx: AppContext, uow, consent: Consent) -> str:
    """'Changed by NAME at TIME' from the last audit event that changed this consent."""
    events = [e for e in uow.audit.for_consent(consent.id) if not e.action.startswith("document.")]
    name, when = "someone else", consent.updated_at
    if events:
        last = events[-1]
        when = last.at
        if last.actor_id == "patient":
            name = "the patient"
        elif last.actor_id.isdigit():
            user = get_user(uow, int(last.actor_id))
            name = user.display_name if user else f"staff #{last.actor_id}"
    local = when.astimezone(ctx.settings.tz).strftime("%Y-%m-%d %H:%M %Z")
    return f"Changed by {name} at {local}. Reload to see the latest."


def _load(ctx: AppContext, uow, consent_id, expected_version: int | None) -> Consent:
    consent = uow.consents.get(as_consent_id(consent_id))
    if expected_version is not None and consent.version != expected_version:
        raise ConflictError(_changed_by(ctx, uow, consent))
    return consent


@dataclass(frozen=True)
class _Change:
    """What one staff step changed, for its audit event; and whether a new final PDF is due."""

    old: dict | None
    new: dict | None
    issue_final: bool = False
    issue: str | None = None  # another kind of document to seal anew (e.g. "submitted")


Apply = Callable[[Consent, StaffUser, StaffSession, dt.datetime], _Change]


def _change_consent(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    expected_version: int,
    roles: tuple[Role, ...],
    action: str,
    apply: Apply,
    *,
    password: str | None = None,
    check: Callable[[Consent], None] | None = None,
    draft: str | None = None,
) -> Consent:
    """One staff step: role check, load at the version shown, ``apply`` the change (a thin call
    of the record's method, which raises a DomainError to refuse), save with optimistic
    concurrency, audit, and seal a new final PDF when the change asks for one, all in one
    transaction.

    A step signed with a re-entered password runs ``check`` (the record's guard) first, so a
    refused step never costs an argon2 hash; the record's method checks again when it applies
    (someone may have acted in between). ``draft``: the checklist whose kept answers this step
    submits (services.checklist_drafts), deleted in the same transaction.
    """
    if password is not None:
        with ctx.database.uow() as uow:
            load_actor(uow, staff, *roles)
            if check is not None:
                check(_load(ctx, uow, consent_id, expected_version))
        assert staff is not None
        reauthenticate(ctx, staff, password)
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        user, role = load_actor(uow, staff, *roles)
        consent = _load(ctx, uow, consent_id, expected_version)
        assert user.id is not None and staff is not None
        change = apply(consent, user, staff, now)
        uow.consents.update(
            consent, expected_version=expected_version, actor_name=user.display_name
        )
        uow.audit.append(
            at=now,
            actor_id=str(user.id),
            actor_role=role.value,
            action=action,
            consent_id=consent.id,
            old=change.old,
            new=change.new,
            session_id=staff.session_id,
        )
        saved = uow.consents.get(consent.id)
        kind = "final" if change.issue_final else change.issue
        if kind:
            from services.documents import issue_document

            issue_document(ctx, uow, saved, kind, now)
        if draft is not None:
            uow.checklist_drafts.clear(str(consent.id), draft)
        uow.commit()
        return saved


# --- nurse --------------------------------------------------------------------------------
def verify(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    answers: Mapping[str, tuple[str, str]],
    password: str,
    expected_version: int,
    witnessed: bool = False,
) -> Consent:
    """Nurse checklist + verification signature (password re-entered), and ``witnessed``: "I was
    present when the patient signed", its own signature; seals a new final PDF."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        pack, device = _staff_pack(ctx, consent), staff.session_id
        done = consent.verify(
            pack,
            answers,
            by_id=user.id,
            by_name=user.display_name,
            device_id=device,
            now=now,
            witnessed=witnessed,
        )
        checklist = {a.item_id: a.answer for a in done.answers}
        new = {"status": Status.VERIFIED.value, "checklist": checklist, "witnessed": witnessed}
        return _Change({"status": Status.SUBMITTED.value}, new, issue_final=True)

    return _change_consent(
        ctx,
        staff,
        consent_id,
        expected_version,
        (Role.NURSE,),
        "consent.verified",
        apply,
        password=password,
        check=lambda consent: consent.check_verify(
            _staff_pack(ctx, consent), answers, witnessed=witnessed
        ),
        draft=checklist_drafts.VERIFY,
    )


# --- clinician ----------------------------------------------------------------------------
def review_flag(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    question_id: str,
    decision: str,
    note: str,
    expected_version: int,
) -> Consent:
    """Clear or uphold one screening flag, with a note. A later review replaces an earlier one."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        old = consent.review_flag(
            question_id, decision, note, by_id=user.id, by_name=user.display_name, now=now
        )
        review = consent.flag_reviews[-1]
        return _Change(
            {"question_id": question_id, "decision": old.decision} if old else None,
            {"question_id": question_id, "decision": review.decision, "note": review.note},
            # A verified consent already has a final PDF, which shows the flags' reviews.
            issue_final=consent.status is not Status.SUBMITTED,
        )

    return _change_consent(
        ctx, staff, consent_id, expected_version, CLINICIAN, "flag.reviewed", apply
    )


def attest(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, password: str, expected_version: int
) -> Consent:
    """The clinician's attestation, signed with the password re-entered; a new final PDF."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        done = consent.attest(
            by_id=user.id, by_name=user.display_name, device_id=staff.session_id, now=now
        )
        new = {"status": Status.ATTESTED.value, "statement": done.statement}
        return _Change({"status": Status.VERIFIED.value}, new, issue_final=True)

    return _change_consent(
        ctx,
        staff,
        consent_id,
        expected_version,
        CLINICIAN,
        "consent.attested",
        apply,
        password=password,
        check=lambda consent: consent.check_attest(),
    )


def hold(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, reason: str, expected_version: int
) -> Consent:
    """Stop work on a signed consent; a new PDF says ON HOLD, why, who and when on every page
    (the earlier ones stay) and becomes the document of record."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        return _Change(None, {"reason": consent.hold(reason, now)}, issue_final=True)

    return _change_consent(
        ctx, staff, consent_id, expected_version, CLINICIAN, "consent.held", apply
    )


def release(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, expected_version: int
) -> Consent:
    """End a hold; a new PDF says the hold was released, by whom and when."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        return _Change({"reason": consent.release(now)}, None, issue_final=True)

    return _change_consent(
        ctx, staff, consent_id, expected_version, CLINICIAN, "consent.released", apply
    )


def enter_in_error(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, reason: str, expected_version: int
) -> Consent:
    """Withdraw a consent made by mistake (wrong patient, duplicate). It stays on record; once
    signed, a new PDF says ENTERED IN ERROR, why, who and when on every page and becomes the
    document of record (the earlier ones stay)."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        old_status = consent.status
        reason_given = consent.enter_in_error(reason, now)
        new = {"status": Status.ENTERED_IN_ERROR.value, "reason": reason_given}
        # A draft was never signed: it has no document to withdraw.
        return _Change(
            {"status": old_status.value}, new, issue_final=old_status is not Status.DRAFT
        )

    return _change_consent(
        ctx, staff, consent_id, expected_version, CLINICIAN, "consent.entered_in_error", apply
    )


# --- front desk ---------------------------------------------------------------------------
def file_consent(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    chart_reference: str,
    expected_version: int,
) -> Consent:
    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        old_status = consent.status
        filing = consent.file(chart_reference, by_id=user.id, by_name=user.display_name, now=now)
        new = {"status": Status.FILED.value, "chart_reference": filing.chart_reference}
        return _Change({"status": old_status.value}, new)

    return _change_consent(
        ctx, staff, consent_id, expected_version, (Role.FRONT_DESK,), "consent.filed", apply
    )
