"""The treatment course: one signed consent covering a series of sessions, each later session a
short visit re-confirmation, and the rules that say when a full consent is needed again.

Value records stored on the consent (``CourseTerms`` on the course's consent, ``VisitOf`` on a
visit, ``Replacement`` on a re-consent) and ``standing``, the one computation of where a course
stands that the tablet, the queue, search and the PDF all ask. Pure: no Streamlit, no SQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import Field

from forms.record_base import AwareDatetime, Record
from forms.status import Status

if TYPE_CHECKING:
    from forms.records import Consent

DEFAULT_MONTHS = 12
DEFAULT_SESSIONS = 6
# A visit is counted against the course once the patient has signed it; a refusal, a draft and
# one entered in error use no session.
_COUNTED = frozenset({Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED, Status.FILED})
# A course can carry visits once a clinician has attested its consent.
_USABLE = frozenset({Status.ATTESTED, Status.FILED})


class ReconsentReason(StrEnum):
    """Why the tablet takes a returning patient through the full consent again (stored code;
    words are the message catalog's ``course.reason.<code>``)."""

    EXPIRED = "expired"
    SESSIONS_USED = "sessions_used"
    NEW_MAJOR_VERSION = "new_major_version"
    NEW_STOP_ANSWER = "new_stop_answer"


class CourseTerms(Record):
    """What a signed consent covers, fixed when the patient signs (shown on the sign screen and
    printed in the PDF): sessions in all, this first one included, and the last valid day."""

    sessions: int = Field(ge=1, le=50)
    valid_until: dt.date
    content_line: str  # the pack version that began the major line the patient signed on

    @classmethod
    def starting(
        cls, signed_on: dt.date, *, months: int, sessions: int, content_line: str
    ) -> CourseTerms:
        return cls(
            sessions=sessions, valid_until=add_months(signed_on, months), content_line=content_line
        )


class VisitOf(Record):
    """On a visit record: the course's consent it continues, as the PDF names it."""

    consent_id: uuid.UUID
    consent_signed_at: AwareDatetime
    consent_pack_version: str
    session: int = Field(ge=2)  # the course's first session is its consent's own
    changed_since_last: bool | None = None  # "has anything changed since your last visit?"
    changed_answered_at: AwareDatetime | None = None


class Replacement(Record):
    """On a re-consent: the course consent it replaces and why a full consent was needed."""

    consent_id: uuid.UUID
    reason: ReconsentReason


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


@dataclass(frozen=True)
class VisitLine:
    consent_id: uuid.UUID
    session: int
    status: Status
    signed_at: dt.datetime | None


@dataclass(frozen=True)
class CourseStanding:
    """Where one course stands today: what the queue, search, the tablet and the PDF say."""

    consent_id: uuid.UUID
    site: str
    pack_version: str
    signed_at: dt.datetime
    sessions: int
    used: int  # the consent's own session and every signed visit
    valid_until: dt.date
    content_line: str
    visits: tuple[VisitLine, ...]
    reason: ReconsentReason | None  # set when the next session needs a full consent

    @property
    def remaining(self) -> int:
        return max(0, self.sessions - self.used)

    @property
    def next_session(self) -> int:
        return self.used + 1

    @property
    def open(self) -> bool:
        """Another session may be done on a short re-confirmation."""
        return self.reason is None


def is_course(consent: Consent) -> bool:
    """A signed consent (not a visit, not a refusal, not withdrawn) that covers a course."""
    return (
        consent.kind == "consent"
        and consent.course is not None
        and not consent.declined
        and consent.status is not Status.ENTERED_IN_ERROR
    )


def covers(course_site: str, site: str) -> bool:
    """A course for both legs covers a session on either; otherwise the same site."""
    return course_site == site or (course_site == "both_legs" and site in ("left_leg", "right_leg"))


def standing(
    course: Consent, visits: Iterable[Consent], *, today: dt.date, active_line: str | None
) -> CourseStanding:
    """The course's standing from its consent and its visit records (any order; records of
    other courses are ignored). ``active_line``: the content line of the pack version a new
    consent would use today (``checklist.loader.PackLibrary.content_line``); None to ignore."""
    assert course.course is not None and course.patient_signature is not None
    terms = course.course
    mine = sorted(
        (v for v in visits if v.visit_of is not None and v.visit_of.consent_id == course.id),
        key=lambda v: v.visit_of.session,  # type: ignore[union-attr]
    )
    lines = tuple(
        VisitLine(
            v.id,
            v.visit_of.session,  # type: ignore[union-attr]
            v.status,
            v.patient_signature.signed_at if v.patient_signature else None,
        )
        for v in mine
    )
    used = 1 + sum(1 for v in mine if v.status in _COUNTED and not v.declined)
    reason = None
    if today > terms.valid_until:
        reason = ReconsentReason.EXPIRED
    elif used >= terms.sessions:
        reason = ReconsentReason.SESSIONS_USED
    elif active_line is not None and _newer(active_line, terms.content_line):
        reason = ReconsentReason.NEW_MAJOR_VERSION
    return CourseStanding(
        consent_id=course.id,
        site=course.site,
        pack_version=course.pack.version,
        signed_at=course.patient_signature.signed_at,
        sessions=terms.sessions,
        used=used,
        valid_until=terms.valid_until,
        content_line=terms.content_line,
        visits=lines,
        reason=reason,
    )


def current_course(
    records: Sequence[Consent], site: str, *, today: dt.date, active_line: str | None
) -> CourseStanding | None:
    """One patient's course for ``site`` (``records``: all of that patient's consents and
    visits): the newest usable course consent not replaced by a later one, or None."""
    replaced = {  # a re-consent withdrawn as entered in error (or never signed) replaces nothing
        r.replaces.consent_id
        for r in records
        if r.replaces is not None and r.status not in (Status.DRAFT, Status.ENTERED_IN_ERROR)
    }
    candidates = [
        c
        for c in records
        if is_course(c)
        and c.status in _USABLE
        and c.id not in replaced
        and c.patient_signature is not None
        and covers(c.site, site)
    ]
    if not candidates:
        return None
    newest = max(candidates, key=lambda c: c.patient_signature.signed_at)  # type: ignore[union-attr]
    return standing(newest, records, today=today, active_line=active_line)


def new_stop_answers(course: Consent, stop_question_ids: Iterable[str]) -> list[str]:
    """Stop answers given at a re-confirmation that the course's consent did not already carry
    (a stop flag the clinician had cleared on the consent is not new): each needs a full
    consent."""
    before = {a.question_id for a in course.screening if a.flag == "stop"}
    return sorted(q for q in stop_question_ids if q not in before)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _newer(a: str, b: str) -> bool:
    return _key(a) > _key(b)
