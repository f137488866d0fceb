"""One row of a staff list (the queues, search, filing): what a consent shows before it is
opened. A record that cannot be read still gets a row, named by its id, so one broken record
never breaks a list (issue #12, point 10).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from checklist.models import FlagLevel
from forms.records import STATUS_LABELS, Consent, Status
from store.consents import Unreadable


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

    unreadable: str | None = None  # why the stored record cannot be read (see unreadable_row)
    awaits_countersign: bool = False  # a signed refusal no clinician has countersigned
    awaits_sign_out: bool = False  # after the time-out, the procedure's sign-out not signed

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class _UnknownDate(dt.date):
    """The birth date of a record that cannot be read: shown as "unknown", never as a date."""

    def __format__(self, spec: str) -> str:
        return "unknown"

    def isoformat(self) -> str:
        return "unknown"

    __str__ = isoformat


UNKNOWN_DATE = _UnknownDate(1, 1, 1)


def unreadable_row(bad: Unreadable) -> QueueRow:
    """A row for a consent whose record cannot be read, named by its id, so one broken record
    shows as such in every list and the lists keep working (issue #12, point 10)."""
    known = {s.value for s in Status}
    status = Status(bad.status) if bad.status in known else Status.SUBMITTED
    return QueueRow(
        consent_id=uuid.UUID(bad.consent_id),
        version=0,
        patient_name=f"UNREADABLE RECORD {bad.consent_id}: {bad.reason}",
        date_of_birth=UNKNOWN_DATE,
        status=status,
        stop_flags=0,
        review_flags=0,
        questions=0,
        submitted_at=None,
        minutes_waiting=None,
        on_hold=None,
        timeout_done=False,
        unreadable=bad.reason,
    )


def unreadable_rows(uow) -> list[QueueRow]:  # type: ignore[no-untyped-def]
    """The rows this unit of work's lists left out, once each (first in every list)."""
    return [unreadable_row(u) for u in {u.consent_id: u for u in uow.consents.unreadable}.values()]


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
        awaits_countersign=consent.awaits_countersign,
        awaits_sign_out=consent.awaits_sign_out,
    )
