"""The procedure sign-out (issue #14 point 4): entered by the clinician, or by a nurse for the
clinician to co-sign; signed by the clinician with the password re-entered, each remaining
problem (foam over 10 mL, an expired lot, a missing field) with the clinician's reason, and
sealed into a new final document.

The rules are the record's (``forms.record_course``: ``enter_sign_out``, ``check_sign_sign_out``,
``sign_sign_out``); this module reads the form (``services.sign_out_input``), goes through
``services.staff._change_consent`` like every other staff step, and audits codes and numbers
only: no names and no typed text (lot number, areas, notes, events) in clear.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from accounts.staff import Role, StaffUser
from errors import DomainError
from forms.records import Consent, Status
from forms.sign_out import Check, SignOut, SignOutEntry
from services import checklist_drafts
from services.auth import StaffSession, load_actor, reauthenticate
from services.context import AppContext
from services.courses import today
from services.queue_rows import QueueRow
from services.sign_out_input import SignOutForm, entry_from
from services.staff import CLINICIAN, _Change, _change_consent, _load
from services.staff_views import nurse_queue

ENTERING = (Role.CLINICIAN, Role.NURSE)  # a clinician who is also a nurse enters as clinician
ENTERED = "consent.sign_out_entered"
SIGNED = "consent.signed_out"


def entry_of(ctx: AppContext, form: SignOutForm) -> SignOutEntry:
    """The entry a form describes, its agent from the clinic's list; DomainError in words."""
    return entry_from(form, sclerosants=ctx.settings.sclerosants, today=today(ctx))


def listed(ctx: AppContext, entry: SignOutEntry) -> None:
    """The agent and strength must be an entry of the clinic's list (settings ``sclerosants``)."""
    chosen = entry.agent is not None or entry.strength is not None
    if chosen and f"{entry.agent} {entry.strength}" not in ctx.settings.sclerosants:
        raise DomainError("Choose the agent and strength from the clinic's list.")


def check(ctx: AppContext, consent: Consent, entry: SignOutEntry | None = None) -> Check:
    """What must be corrected, and what must be corrected or justified, today (the clinic's
    day): of ``entry``, or of the entry saved on the consent."""
    entry = entry or (consent.sign_out.entry if consent.sign_out else SignOutEntry())
    return consent.sign_out_check(entry, today(ctx))


@dataclass(frozen=True)
class Standing:
    """Where a consent's sign-out stands, for the page."""

    sign_out: SignOut | None
    check: Check
    may_sign: bool  # attested, so a clinician may sign once every problem is settled

    @property
    def signed(self) -> bool:
        return self.sign_out is not None and self.sign_out.signed


def standing(ctx: AppContext, consent: Consent) -> Standing:
    return Standing(consent.sign_out, check(ctx, consent), consent.status is Status.ATTESTED)


def waiting(ctx: AppContext, staff: StaffSession | None) -> list[QueueRow]:
    """Today's consents and visits after their time-out, before filing: the sign-out's list
    (signed ones stay, to be read back, until they are filed)."""
    rows = nurse_queue(ctx, staff, statuses=[Status.VERIFIED, Status.ATTESTED])
    return [r for r in rows if r.unreadable or r.timeout_done]


def _local(ctx: AppContext, now: dt.datetime) -> dt.datetime:
    """The time in the clinic's zone, so the record's 'today' (expiry, next visit) is the
    clinic's day, as on the screen."""
    return now.astimezone(ctx.settings.tz)


def _entered_role(user: StaffUser) -> str:
    return "clinician" if Role.CLINICIAN in user.roles else "nurse"


def audit_values(entry: SignOutEntry, problems: list[str]) -> dict:
    """The entry for its audit event: codes, numbers and dates only (the record keeps the
    typed text: lot number, areas, notes, events)."""
    return {
        "agent": entry.agent,
        "strength": entry.strength,
        "form": entry.form,
        "gas": entry.gas,
        "ratio": entry.ratio,
        "volume_left_ml": entry.volume_left_ml,
        "volume_right_ml": entry.volume_right_ml,
        "total_ml": entry.total_ml,
        "lot_expiry": entry.lot_expiry.isoformat() if entry.lot_expiry else None,
        "compression": entry.compression,
        "compression_days": entry.compression_days,
        "observation_minutes": entry.observation_minutes,
        "observations": {o.area: o.finding for o in entry.observations},
        "no_adverse_events": entry.no_adverse_events,
        "adverse_severities": [e.severity for e in entry.adverse_events],
        "aftercare_explained": entry.aftercare_explained,
        "next_visit_on": entry.next_visit_on.isoformat() if entry.next_visit_on else None,
        "no_next_visit": entry.no_next_visit,
        "problems": problems,
    }


def enter_sign_out(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    entry: SignOutEntry,
    expected_version: int,
) -> Consent:
    """Save the sign-out's fields (nurse or clinician); a later entry replaces an unsigned one.
    Nothing is sealed yet: the document is sealed when the clinician signs."""
    listed(ctx, entry)

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        local = _local(ctx, now)
        old = consent.sign_out
        done = consent.enter_sign_out(
            entry,
            by_id=user.id,
            by_name=user.display_name,
            role=_entered_role(user),  # type: ignore[arg-type]
            now=local,
        )
        problems = consent.sign_out_check(done.entry, local.date()).problems
        new = {"role": done.entered_role, **audit_values(done.entry, problems)}
        return _Change({"replaced_entry_at": old.entered_at.isoformat()} if old else None, new)

    return _change_consent(
        ctx,
        staff,
        consent_id,
        expected_version,
        ENTERING,
        ENTERED,
        apply,
        draft=checklist_drafts.SIGN_OUT,
    )


def save_form(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    form: SignOutForm,
    expected_version: int,
) -> Consent:
    """The page's Save: the form's values read (``entry_of``), then ``enter_sign_out``."""
    entry = entry_of(ctx, form)
    return enter_sign_out(ctx, staff, consent_id, entry=entry, expected_version=expected_version)


def _sign(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    justifications: Mapping[str, str],
    expected_version: int,
    password: str | None,
) -> Consent:
    reasons = dict(justifications)

    def apply(consent: Consent, user: StaffUser, staff: StaffSession, now: dt.datetime) -> _Change:
        assert user.id is not None
        done = consent.sign_sign_out(
            reasons,
            by_id=user.id,
            by_name=user.display_name,
            device_id=staff.session_id,
            now=_local(ctx, now),
        )
        new = {
            "problems": done.problems_at_signing,
            "justified": sorted(done.justifications),  # the codes; the reasons stay on the record
            "cosigned": done.cosigned,
        }
        return _Change(None, new, issue_final=True)

    return _change_consent(
        ctx,
        staff,
        consent_id,
        expected_version,
        CLINICIAN,
        SIGNED,
        apply,
        password=password,
        check=lambda consent: consent.check_sign_sign_out(reasons, today(ctx)),
    )


def sign_sign_out(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    justifications: Mapping[str, str],
    password: str,
    expected_version: int,
) -> Consent:
    """The clinician signs (or co-signs) the sign-out entered, with a reason for each problem
    left, password re-entered; refused before the password is checked when the record would
    refuse. Seals a new final document."""
    return _sign(ctx, staff, consent_id, justifications, expected_version, password)


def enter_and_sign(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id,
    *,
    entry: SignOutEntry,
    justifications: Mapping[str, str],
    password: str,
    expected_version: int,
) -> Consent:
    """A clinician enters and signs in one go. Both are tried on a copy first, so a refusal
    stores nothing and costs no password check; then the entry and the signature are saved
    and audited as their own events."""
    with ctx.database.uow() as uow:
        user, _ = load_actor(uow, staff, *CLINICIAN)
        trial = copy.deepcopy(_load(ctx, uow, consent_id, expected_version))
    assert user.id is not None
    listed(ctx, entry)
    local = _local(ctx, ctx.clock.now())
    trial.enter_sign_out(
        entry, by_id=user.id, by_name=user.display_name, role="clinician", now=local
    )
    trial.check_sign_sign_out(justifications, local.date())
    reauthenticate(ctx, staff, password)
    entered = enter_sign_out(ctx, staff, consent_id, entry=entry, expected_version=expected_version)
    return _sign(ctx, staff, consent_id, justifications, entered.version, None)
