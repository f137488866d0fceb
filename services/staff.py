"""The staff use cases: nurse verification and time-out, clinician review and attestation,
filing. Pages and the demo-data command call these same functions.

Every function reloads the signed-in account and checks its role (a page hidden from the menu
is not the only guard), loads the consent, refuses with a DomainError whose message is written
for the person at the screen, and saves with optimistic concurrency: the caller passes the
version it showed, and a consent someone else changed since is not touched.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from accounts.staff import Role, StaffUser
from checklist.models import FlagLevel, Pack
from errors import ConflictError, DomainError
from forms.meanings import ATTESTATION_STATEMENT, CLINICIAN_ATTESTED, NURSE_VERIFIED
from forms.records import (
    ChecklistAnswer,
    ClinicianAttestation,
    Consent,
    Filing,
    FlagReview,
    NurseVerification,
    Signature,
    SignerRole,
    Status,
    TimeOut,
    as_consent_id,
)
from services.auth import StaffSession, get_user, load_actor, reauthenticate
from services.context import AppContext

CHECK_ANSWERS = ("yes", "no", "na")
ANY_STAFF = (Role.NURSE, Role.CLINICIAN, Role.FRONT_DESK, Role.ADMIN)
CARE_TEAM = (Role.NURSE, Role.CLINICIAN)

STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "In progress",
    Status.SUBMITTED: "Signed, to verify",
    Status.VERIFIED: "Verified, to attest",
    Status.ATTESTED: "Attested",
    Status.FILED: "Filed",
    Status.DECLINED: "Refused (signed)",
    Status.ENTERED_IN_ERROR: "Entered in error",
}


# --- views --------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlagView:
    question_id: str
    question: str
    answer: str
    level: FlagLevel
    reasons: tuple[str, ...]
    review: FlagReview | None

    @property
    def open(self) -> bool:
        """A stop flag blocks the procedure until a clinician clears it."""
        return self.level is FlagLevel.STOP and (
            self.review is None or self.review.decision != "cleared"
        )


@dataclass(frozen=True)
class QueueRow:
    consent_id: uuid.UUID
    version: int
    patient_name: str
    date_of_birth: dt.date
    status: Status
    stop_flags: int  # open (not cleared) stop flags
    review_flags: int
    questions: int
    submitted_at: dt.datetime | None
    minutes_waiting: int | None
    on_hold: str | None
    timeout_done: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class ConsentView:
    consent: Consent
    pack: Pack  # what the patient saw
    staff_pack: Pack  # the same version in the clinic's language (checklist, time-out, flags)
    flags: tuple[FlagView, ...]
    questions: tuple[tuple[str, str], ...]  # (section title, note)

    @property
    def open_stop_flags(self) -> list[FlagView]:
        return [f for f in self.flags if f.open]


def _submitted_at(consent: Consent) -> dt.datetime | None:
    if consent.patient_signature is not None:
        return consent.patient_signature.signed_at
    return consent.certified_at


def queue_row(consent: Consent, now: dt.datetime) -> QueueRow:
    submitted = _submitted_at(consent)
    return QueueRow(
        consent_id=consent.id,
        version=consent.version,
        patient_name=consent.patient.legal_name,
        date_of_birth=consent.patient.date_of_birth,
        status=consent.status,
        stop_flags=len(consent.open_stop_flags()),
        review_flags=sum(1 for a in consent.flags() if a.flag is FlagLevel.REVIEW),
        questions=len(consent.questions),
        submitted_at=submitted,
        minutes_waiting=int((now - submitted).total_seconds() // 60) if submitted else None,
        on_hold=consent.on_hold,
        timeout_done=consent.timeout is not None,
    )


def _packs(ctx: AppContext, consent: Consent) -> tuple[Pack, Pack]:
    ref = consent.pack
    try:
        pack = ctx.library.get(ref.pack_id, ref.version, ref.language)
    except KeyError:
        raise DomainError(
            f"The content pack {ref.pack_id} {ref.version} ({ref.language}) this consent was "
            "made from is not on disk. Restore it before working on this consent."
        ) from None
    try:
        staff_pack = ctx.library.get(ref.pack_id, ref.version, ctx.settings.clinic_language)
    except KeyError:
        staff_pack = pack
    return pack, staff_pack


def _view(ctx: AppContext, consent: Consent) -> ConsentView:
    pack, staff_pack = _packs(ctx, consent)
    reviews = {r.question_id: r for r in consent.flag_reviews}
    flags = []
    for a in consent.flags():
        try:
            question = staff_pack.question(a.question_id).text
        except KeyError:
            question = a.question_id
        _, reasons = staff_pack.flag_for(a.question_id, a.answer)
        flags.append(
            FlagView(
                a.question_id,
                question,
                a.answer.value,
                a.flag or FlagLevel.REVIEW,
                tuple(reasons),
                reviews.get(a.question_id),
            )
        )
    flags.sort(key=lambda f: (f.level is not FlagLevel.STOP, f.question_id))
    questions = []
    for q in consent.questions:
        try:
            title = pack.section(q.section_id).title
        except KeyError:
            title = q.section_id
        questions.append((title, q.note))
    return ConsentView(consent, pack, staff_pack, tuple(flags), tuple(questions))


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
) -> Consent:
    """One staff step: role check, load at the version shown, ``apply`` the change (it raises a
    DomainError to refuse), save with optimistic concurrency, audit, and seal a new final PDF
    when the change asks for one, all in one transaction.

    A step signed with a re-entered password runs ``check`` first, so a refused step never
    costs an argon2 hash, then checks again after (someone may have acted in between).
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
        if check is not None:
            check(consent)
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
        if change.issue_final:
            from services.documents import issue_document

            issue_document(ctx, uow, saved, "final", now)
        uow.commit()
        return saved


def _not_held(consent: Consent) -> None:
    if consent.on_hold:
        raise DomainError(
            f"This consent is on hold ({consent.on_hold}). A clinician must release it first."
        )


def _status_name(status: Status) -> str:
    return STATUS_LABELS[status].lower()


# --- reading ------------------------------------------------------------------------------
def today(ctx: AppContext) -> dt.date:
    return ctx.clock.now().astimezone(ctx.settings.tz).date()


def nurse_queue(
    ctx: AppContext,
    staff: StaffSession | None,
    *,
    day: dt.date | None = None,
    statuses: Iterable[Status] | None = None,
) -> list[QueueRow]:
    """The day's consents: open stop flags first, then the longest waiting."""
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        load_actor(uow, staff, *CARE_TEAM, Role.ADMIN)
        wanted = list(statuses) if statuses else None
        consents = uow.consents.list_for_day(day or today(ctx), ctx.settings.tz, wanted)
    rows = [queue_row(c, now) for c in consents]
    rows.sort(key=lambda r: (-r.stop_flags, r.submitted_at or now))
    return rows


def clinician_queue(ctx: AppContext, staff: StaffSession | None) -> list[QueueRow]:
    """Today's consents a clinician must act on: stop flags, attestation, holds."""
    rows = nurse_queue(ctx, staff, statuses=[Status.SUBMITTED, Status.VERIFIED])
    return [r for r in rows if r.stop_flags or r.status is Status.VERIFIED or r.on_hold]


FILING_DAYS = 60  # how far back the filing list looks for consents not yet filed


def filing_queue(ctx: AppContext, staff: StaffSession | None) -> list[QueueRow]:
    """Attested consents and signed refusals not yet filed, oldest first (last 60 days)."""
    now = ctx.clock.now()
    first = today(ctx)
    waiting = [Status.ATTESTED, Status.DECLINED]
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.FRONT_DESK, Role.ADMIN)
        consents = [
            c
            for back in range(FILING_DAYS)
            for c in uow.consents.list_for_day(
                first - dt.timedelta(days=back), ctx.settings.tz, waiting
            )
        ]
    rows = [queue_row(c, now) for c in consents]
    rows.sort(key=lambda r: r.submitted_at or now)
    return rows


def search(
    ctx: AppContext,
    staff: StaffSession | None,
    *,
    name: str | None = None,
    date_of_birth: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[QueueRow]:
    name = (name or "").strip() or None
    if not any((name, date_of_birth, date_from, date_to)):
        raise DomainError("Enter a name, a date of birth or a date to search.")
    if date_from and date_to and date_from > date_to:
        raise DomainError("The 'from' date is after the 'to' date.")
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        load_actor(uow, staff, *ANY_STAFF)
        found = uow.consents.search(
            name=name,
            date_of_birth=date_of_birth,
            date_from=date_from,
            date_to=date_to,
            tz=ctx.settings.tz,
        )
    return [queue_row(c, now) for c in found]


def open_consent(ctx: AppContext, staff: StaffSession | None, consent_id) -> ConsentView:
    with ctx.database.uow() as uow:
        load_actor(uow, staff, *ANY_STAFF)
        consent = uow.consents.get(as_consent_id(consent_id))
    return _view(ctx, consent)


# --- nurse --------------------------------------------------------------------------------
def _check_verifiable(view: ConsentView, answers: Mapping[str, tuple[str, str]]) -> None:
    consent = view.consent
    if consent.status is Status.DRAFT or consent.patient_signature is None:
        raise DomainError(
            "The patient has not signed this consent yet. A nurse can only verify a signed one."
        )
    if consent.status is Status.DECLINED:
        raise DomainError("This is a signed refusal: there is nothing to verify. File it.")
    if consent.status is not Status.SUBMITTED:
        raise DomainError(f"This consent is already {_status_name(consent.status)}.")
    _not_held(consent)
    blocking = view.open_stop_flags
    if blocking:
        listed = "; ".join(f.question for f in blocking)
        raise DomainError(
            "A clinician must clear the stop flag first, so the checklist cannot be completed: "
            + listed
        )
    missing = [
        item.text
        for item in view.staff_pack.nurse_checklist
        if answers.get(item.id, ("", ""))[0] not in CHECK_ANSWERS
    ]
    if missing:
        raise DomainError("Answer every checklist item first. Not answered: " + "; ".join(missing))
    unknown = set(answers) - {i.id for i in view.staff_pack.nurse_checklist}
    if unknown:
        raise DomainError("The checklist changed while you worked. Reload the page.")
    noes, unexplained = checklist_gaps(view.staff_pack, answers)
    if noes:
        raise DomainError(
            "A check answered No stops the procedure: put it right and answer Yes, or put the "
            "consent on hold for a clinician. Answered No:\n" + _lines(noes)
        )
    if unexplained:
        raise DomainError("Write in the note why each N/A does not apply:\n" + _lines(unexplained))


def checklist_gaps(
    pack: Pack, answers: Mapping[str, tuple[str | None, str]]
) -> tuple[list[str], list[str]]:
    """The checklist items answered No, and those answered N/A with no note saying why.

    Every item states a check done (two identifiers, allergies, site marked...): "No" means the
    patient is not ready, so the nurse cannot sign it as verified; "N/A" needs its reason.
    """
    noes = [i.text for i in pack.nurse_checklist if answers.get(i.id, ("", ""))[0] == "no"]
    unexplained = [
        i.text
        for i in pack.nurse_checklist
        if answers.get(i.id, ("", ""))[0] == "na" and not (answers[i.id][1] or "").strip()
    ]
    return noes, unexplained


def _lines(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def verify(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    answers: Mapping[str, tuple[str, str]],
    password: str,
    expected_version: int,
) -> Consent:
    """Nurse checklist + witness signature (password re-entered); seals a new final PDF."""

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        checklist = [
            ChecklistAnswer(
                item_id=item.id,
                answer=answers[item.id][0],  # type: ignore[arg-type]
                note=(answers[item.id][1] or "").strip(),
                answered_by=user.display_name,
                answered_by_id=user.id,
                answered_at=now,
            )
            for item in _view(ctx, consent).staff_pack.nurse_checklist
        ]
        consent.nurse_verification = NurseVerification(
            answers=checklist,
            nurse_id=user.id,
            nurse_name=user.display_name,
            verified_at=now,
            signature=_staff_signature(user, staff, SignerRole.NURSE, NURSE_VERIFIED, now),
        )
        consent.move_to(Status.VERIFIED, now)
        new = {
            "status": Status.VERIFIED.value,
            "checklist": {a.item_id: a.answer for a in checklist},
        }
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
        check=lambda consent: _check_verifiable(_view(ctx, consent), answers),
    )


def record_timeout(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    confirmed: Iterable[str],
    expected_version: int,
) -> Consent:
    """The Universal Protocol time-out: its own step, with its own time, before the procedure."""
    confirmed = set(confirmed)

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        view = _view(ctx, consent)
        if consent.status not in (Status.VERIFIED, Status.ATTESTED):
            raise DomainError("The time-out comes after the nurse has verified the consent.")
        if consent.timeout is not None:
            raise DomainError("The time-out for this consent is already recorded.")
        _not_held(consent)
        if view.open_stop_flags:
            raise DomainError("A stop flag is open: no time-out until a clinician clears it.")
        missing = [i.text for i in view.staff_pack.timeout if i.id not in confirmed]
        if missing:
            raise DomainError(
                "Confirm every time-out item aloud first. Not confirmed: " + "; ".join(missing)
            )
        assert user.id is not None
        consent.timeout = TimeOut(
            items=[i.id for i in view.staff_pack.timeout],
            performed_at=now,
            by_id=user.id,
            by_name=user.display_name,
        )
        consent.updated_at = now
        return _Change(None, {"items": consent.timeout.items, "at": now.isoformat()}, True)

    return _change_consent(
        ctx, staff, consent_id, expected_version, CARE_TEAM, "consent.timeout", apply
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
    note = (note or "").strip()

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        if decision not in ("cleared", "upheld"):
            raise DomainError("Choose whether to clear or uphold the flag.")
        if not note:
            raise DomainError("Write a short note saying why.")
        if consent.status not in (Status.SUBMITTED, Status.VERIFIED):
            raise DomainError(
                f"This consent is {_status_name(consent.status)}; its flags can no longer change."
            )
        if question_id not in {a.question_id for a in consent.flags()}:
            raise DomainError("That answer raised no flag on this consent.")
        assert user.id is not None
        old = next((r for r in consent.flag_reviews if r.question_id == question_id), None)
        consent.flag_reviews = [r for r in consent.flag_reviews if r.question_id != question_id] + [
            FlagReview(
                question_id=question_id,
                decision=decision,  # type: ignore[arg-type]
                note=note,
                by_id=user.id,
                by_name=user.display_name,
                at=now,
            )
        ]
        consent.updated_at = now
        return _Change(
            {"question_id": question_id, "decision": old.decision} if old else None,
            {"question_id": question_id, "decision": decision, "note": note},
            issue_final=consent.status is not Status.SUBMITTED,
        )

    return _change_consent(
        ctx, staff, consent_id, expected_version, (Role.CLINICIAN,), "flag.reviewed", apply
    )


def _check_attestable(view: ConsentView) -> None:
    consent = view.consent
    if consent.status is Status.SUBMITTED:
        raise DomainError("A nurse must verify this consent before a clinician attests.")
    if consent.status is not Status.VERIFIED:
        raise DomainError(f"This consent is {_status_name(consent.status)}; it cannot be attested.")
    _not_held(consent)
    if view.open_stop_flags:
        raise DomainError("Clear or resolve every stop flag before attesting.")


def attest(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    password: str,
    expected_version: int,
) -> Consent:
    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        consent.attestation = ClinicianAttestation(
            statement=ATTESTATION_STATEMENT,
            clinician_id=user.id,
            clinician_name=user.display_name,
            attested_at=now,
            signature=_staff_signature(user, staff, SignerRole.CLINICIAN, CLINICIAN_ATTESTED, now),
        )
        consent.move_to(Status.ATTESTED, now)
        new = {"status": Status.ATTESTED.value, "statement": ATTESTATION_STATEMENT}
        return _Change({"status": Status.VERIFIED.value}, new, issue_final=True)

    return _change_consent(
        ctx,
        staff,
        consent_id,
        expected_version,
        (Role.CLINICIAN,),
        "consent.attested",
        apply,
        password=password,
        check=lambda consent: _check_attestable(_view(ctx, consent)),
    )


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"Give a reason for {what}.")
    return reason


def hold(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, reason: str, expected_version: int
) -> Consent:
    reason = _reason(reason, "the hold")

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        if consent.status not in (Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED):
            raise DomainError(
                f"This consent is {_status_name(consent.status)}; it cannot be put on hold."
            )
        if consent.on_hold:
            raise DomainError("This consent is already on hold.")
        consent.on_hold = reason
        consent.updated_at = now
        return _Change(None, {"reason": reason})

    return _change_consent(
        ctx, staff, consent_id, expected_version, (Role.CLINICIAN,), "consent.held", apply
    )


def release(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, expected_version: int
) -> Consent:
    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        if not consent.on_hold:
            raise DomainError("This consent is not on hold.")
        old = consent.on_hold
        consent.on_hold = None
        consent.updated_at = now
        return _Change({"reason": old}, None)

    return _change_consent(
        ctx, staff, consent_id, expected_version, (Role.CLINICIAN,), "consent.released", apply
    )


def enter_in_error(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, reason: str, expected_version: int
) -> Consent:
    """Withdraw a consent made by mistake (wrong patient, duplicate). It stays on record."""
    reason = _reason(reason, "marking it entered in error")

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        old_status = consent.status
        consent.move_to(Status.ENTERED_IN_ERROR, now)
        consent.error_reason = reason
        new = {"status": Status.ENTERED_IN_ERROR.value, "reason": reason}
        return _Change({"status": old_status.value}, new)

    return _change_consent(
        ctx,
        staff,
        consent_id,
        expected_version,
        (Role.CLINICIAN,),
        "consent.entered_in_error",
        apply,
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
    chart_reference = (chart_reference or "").strip()

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        if consent.status is Status.FILED and consent.filing is not None:
            raise DomainError(
                f"This consent is already filed (chart {consent.filing.chart_reference}) and "
                "cannot be changed."
            )
        if consent.status not in (Status.ATTESTED, Status.DECLINED):
            raise DomainError(
                "Only an attested consent or a signed refusal can be filed. This one is "
                f"{_status_name(consent.status)}."
            )
        _not_held(consent)
        if consent.status is Status.ATTESTED and consent.timeout is None:
            raise DomainError("The time-out has not been recorded yet. File after the procedure.")
        if not chart_reference:
            raise DomainError("Enter the chart reference the PDF was filed under.")
        if len(chart_reference) > 80:
            raise DomainError("The chart reference is too long (80 characters at most).")
        assert user.id is not None
        old_status = consent.status
        consent.filing = Filing(
            by_id=user.id, by_name=user.display_name, chart_reference=chart_reference, filed_at=now
        )
        consent.move_to(Status.FILED, now)
        new = {"status": Status.FILED.value, "chart_reference": chart_reference}
        return _Change({"status": old_status.value}, new)

    return _change_consent(
        ctx, staff, consent_id, expected_version, (Role.FRONT_DESK,), "consent.filed", apply
    )


def _staff_signature(
    user: StaffUser, staff: StaffSession, role: SignerRole, meaning: str, now: dt.datetime
) -> Signature:
    """A staff e-signature: the password was re-entered just before (21 CFR 11.200)."""
    return Signature(
        role=role,
        printed_name=user.display_name,
        meaning=meaning,
        signed_at=now,
        device_id=staff.session_id,
        staff_user_id=user.id,
    )
