"""One row of a staff list (the queues, search, filing): what a consent shows before it is
opened. A record that cannot be read still gets a row, named by its id, so one broken record
never breaks a list (issue #12, point 10). Rows of the queue and search also say where the
patient's treatment course stands (``forms.course.standing``; codes kept, words rendered by
``course_lines`` in the reader's language; issue #14) and its re-explain flags
(``services.re_explain_rows``; issue #15).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from checklist.models import FlagLevel
from forms.course import CourseStanding, CourseTerms, ReconsentReason, is_course, standing
from forms.records import STATUS_LABELS, Consent, Status
from language.dates import format_date
from language.i18n import t
from services import courses
from services.context import AppContext
from services.re_explain_rows import ReExplainNote, notes_of
from store.consents import Unreadable
from store.uow import UnitOfWork


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
    course: CourseNote | None = None  # the treatment course this record opens or continues
    re_explain: tuple[ReExplainNote, ...] = ()  # teach-back flags, open or cleared (issue #15)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def open_re_explain(self) -> int:
        """Re-explain flags nobody has cleared: they wait on a nurse or clinician."""
        return sum(1 for n in self.re_explain if not n.cleared)


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


@dataclass(frozen=True)
class CourseNote:
    """Where a listed record stands in its patient's course: codes and numbers (words are
    ``course_lines``). ``standing`` is the course's (the record's own or its visit's course's),
    None when that course cannot be read; ``session`` a visit's session number."""

    course_id: uuid.UUID
    standing: CourseStanding | None = None
    session: int | None = None
    replaces: uuid.UUID | None = None  # a re-consent: the course consent it replaces
    replaces_reason: ReconsentReason | None = None
    replaced_terms: CourseTerms | None = None  # that course's terms, for the reason's words
    replaced_by: tuple[uuid.UUID, ReconsentReason] | None = None  # a course a re-consent replaced

    @property
    def is_visit(self) -> bool:
        return self.session is not None


def short_id(consent_id: uuid.UUID) -> str:
    return str(consent_id)[:8]  # as document file names shorten it (services.document_names)


def _reason_words(
    lang: str, reason: ReconsentReason, terms: CourseTerms | None, line: str | None = None
) -> str:
    return t(
        lang,
        f"staff.course.reason.{reason.value}",
        date=format_date(lang, terms.valid_until) if terms else "—",
        sessions=terms.sessions if terms else "—",
        line=line or (terms.content_line if terms else "—"),
    )


def course_lines(note: CourseNote | None, lang: str) -> list[str]:
    """The course in words, one line each: the course or the visit's session, why the next
    session needs a full consent, what a re-consent replaces (never a duplicate)."""
    if note is None:
        return []
    lines = []
    s = note.standing
    if note.replaces is not None and note.replaces_reason is not None:
        reason = _reason_words(lang, note.replaces_reason, note.replaced_terms)
        lines.append(
            t(lang, "staff.course.reconsent", consent=short_id(note.replaces), reason=reason)
        )
    if note.is_visit:
        key = "staff.course.visit" if s else "staff.course.visit_unknown"
        lines.append(
            t(
                lang,
                key,
                session=note.session,
                sessions=s.sessions if s else "—",
                course=short_id(note.course_id),
            )
        )
    elif s is not None:
        lines.append(
            t(
                lang,
                "staff.course.line",
                used=s.used,
                sessions=s.sessions,
                remaining=s.remaining,
                date=format_date(lang, s.valid_until),
            )
        )
    if note.replaced_by is not None:
        by, why = note.replaced_by
        reason = _reason_words(lang, why, _terms(s))
        lines.append(t(lang, "staff.course.replaced_by", consent=short_id(by), reason=reason))
    elif s is not None and s.reason is not None:
        reason = _reason_words(lang, s.reason, _terms(s))
        lines.append(t(lang, "staff.course.full_needed", reason=reason))
    return lines


def _terms(s: CourseStanding | None) -> CourseTerms | None:
    if s is None:
        return None
    return CourseTerms(sessions=s.sessions, valid_until=s.valid_until, content_line=s.content_line)


def course_notes(
    ctx: AppContext, uow: UnitOfWork, listed: list[Consent]
) -> dict[uuid.UUID, CourseNote]:
    """Each listed record's course, from one query for the courses concerned and their visits
    and re-consents (``ConsentRepository.course_records``), never every record."""
    wanted = set()
    for c in listed:
        wanted.add(c.visit_of.consent_id if c.visit_of else c.id)
        if c.replaces is not None:
            wanted.add(c.replaces.consent_id)
    if not any(c.visit_of or c.replaces or c.course for c in listed):
        return {}
    related = {r.id: r for r in uow.consents.course_records(wanted)}
    related.update({c.id: c for c in listed})
    records = list(related.values())
    lines: dict[str, str | None] = {}
    today = courses.today(ctx)

    def standing_of(course_id: uuid.UUID) -> CourseStanding | None:
        course = related.get(course_id)
        if course is None or not is_course(course) or course.patient_signature is None:
            return None
        lang = course.pack.language
        if lang not in lines:
            lines[lang] = courses.active_line(ctx, lang, uow=uow)  # SQLite: one writer
        return standing(course, records, today=today, active_line=lines[lang])

    replaced_by = {
        r.replaces.consent_id: (r.id, r.replaces.reason)
        for r in sorted(records, key=lambda r: (r.created_at, str(r.id)))
        if r.replaces is not None and r.status is not Status.ENTERED_IN_ERROR
    }
    notes = {}
    for c in listed:
        course_id = c.visit_of.consent_id if c.visit_of else c.id
        s = standing_of(course_id)
        if s is None and c.visit_of is None and c.replaces is None:
            continue  # not part of a course (a refusal, a consent signed before courses)
        replaced = related.get(c.replaces.consent_id) if c.replaces else None
        notes[c.id] = CourseNote(
            course_id=course_id,
            standing=s,
            session=c.visit_of.session if c.visit_of else None,
            replaces=c.replaces.consent_id if c.replaces else None,
            replaces_reason=c.replaces.reason if c.replaces else None,
            replaced_terms=replaced.course if replaced else None,
            replaced_by=replaced_by.get(course_id),
        )
    return notes


def queue_rows(
    ctx: AppContext, uow: UnitOfWork, listed: list[Consent], now: dt.datetime
) -> list[QueueRow]:
    """The rows of a queue or search, each with its course (see ``course_notes``)."""
    notes = course_notes(ctx, uow, listed)
    return [queue_row(c, now, notes.get(c.id), notes_of(ctx, c)) for c in listed]


def queue_row(
    consent: Consent,
    now: dt.datetime,
    course: CourseNote | None = None,
    re_explain: tuple[ReExplainNote, ...] = (),
) -> QueueRow:
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
        course=course,
        re_explain=re_explain,
    )
