"""What staff screens read: the day's queues, search, and one consent opened with its flags,
its questions and the checklist in the clinic's language. Nothing here changes a consent; the
steps that do are in ``services.staff``.

Every function reloads the signed-in account and checks its role (a page hidden from the menu
is not the only guard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from accounts.staff import Role
from checklist.models import FlagLevel, Pack
from errors import DomainError
from forms.record_parts import FlagReview, as_consent_id
from forms.records import Consent, Status
from services.auth import StaffSession, load_actor
from services.context import AppContext
from services.queue_rows import QueueRow, queue_row, queue_rows, unreadable_rows

ANY_STAFF = (Role.NURSE, Role.CLINICIAN, Role.FRONT_DESK, Role.ADMIN)
CARE_TEAM = (Role.NURSE, Role.CLINICIAN)


# --- views --------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlagView:
    question_id: str
    question: str
    answer: str
    level: FlagLevel
    reasons: tuple[str, ...]
    review: FlagReview | None
    open: bool  # a stop flag no clinician has cleared (Consent.open_stop_flags)


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


def packs_of(ctx: AppContext, consent: Consent) -> tuple[Pack, Pack]:
    """The pack version the patient saw, and the same version in the clinic's language."""
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
    pack, staff_pack = packs_of(ctx, consent)
    reviews = {r.question_id: r for r in consent.flag_reviews}
    blocking = {a.question_id for a in consent.open_stop_flags()}
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
                a.question_id in blocking,
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


# --- queues and search ------------------------------------------------------------------------------
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
        broken = unreadable_rows(uow)  # before the courses are read: the day's rows only
        rows = queue_rows(ctx, uow, consents, now)
    rows.sort(key=lambda r: (-r.stop_flags, r.submitted_at or now))
    return broken + rows


def clinician_queue(ctx: AppContext, staff: StaffSession | None) -> list[QueueRow]:
    """Today's consents a clinician must act on: stop flags, attestation, holds, signed
    refusals to countersign, and re-explain flags to clear."""
    rows = nurse_queue(ctx, staff, statuses=[Status.SUBMITTED, Status.VERIFIED, Status.DECLINED])
    return [
        r
        for r in rows
        if r.unreadable
        or r.stop_flags
        or r.status is Status.VERIFIED
        or r.on_hold
        or r.awaits_countersign
        or r.open_re_explain  # a nurse or clinician goes over a topic again (issue #15)
    ]


FILING_DAYS = 60  # how far back the filing list looks for consents not yet filed


def filing_queue(ctx: AppContext, staff: StaffSession | None) -> list[QueueRow]:
    """Attested consents and signed refusals not yet filed, oldest first (last 60 days)."""
    now = ctx.clock.now()
    first = today(ctx)
    waiting = [Status.ATTESTED, Status.DECLINED]
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.FRONT_DESK, Role.ADMIN)
        since = first - dt.timedelta(days=FILING_DAYS - 1)
        consents = uow.consents.list_for_day(since, ctx.settings.tz, waiting, days=FILING_DAYS)
        broken = unreadable_rows(uow)
    rows = [queue_row(c, now) for c in consents]
    rows.sort(key=lambda r: r.submitted_at or now)
    return broken + rows


PAGE_SIZE = 50  # results a search shows at a time; "Next page" shows the next ones


@dataclass(frozen=True)
class SearchPage:
    rows: list[QueueRow]
    page: int  # 0 is the first
    more: bool  # a next page exists


def search_page(
    ctx: AppContext,
    staff: StaffSession | None,
    *,
    name: str | None = None,
    date_of_birth: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = 0,
) -> SearchPage:
    """One page of consents matching the query, newest first (then by id, so pages never
    repeat or skip one). Only the page's records are read (``ConsentRepository.search_page``)."""
    name = (name or "").strip() or None
    if not any((name, date_of_birth, date_from, date_to)):
        raise DomainError("Enter a name, a date of birth or a date to search.")
    if date_from and date_to and date_from > date_to:
        raise DomainError("The 'from' date is after the 'to' date.")
    if page < 0:
        raise DomainError("There is no page before the first.")
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        load_actor(uow, staff, *ANY_STAFF)
        found, more = uow.consents.search_page(
            name=name,
            date_of_birth=date_of_birth,
            date_from=date_from,
            date_to=date_to,
            tz=ctx.settings.tz,
            size=PAGE_SIZE,
            offset=page * PAGE_SIZE,
        )
        broken = unreadable_rows(uow)  # before the courses are read: the matches only
        rows = queue_rows(ctx, uow, found, now)
    return SearchPage(broken + rows, page, more)


def search(ctx: AppContext, staff: StaffSession | None, **query: Any) -> list[QueueRow]:
    """The first page of ``search_page`` (same query: name, date_of_birth, date_from, date_to)."""
    return search_page(ctx, staff, **query).rows


OPENED = "consent.opened"  # a read: staff saw the record on a screen


def open_consent(
    ctx: AppContext, staff: StaffSession | None, consent_id, *, audited: bool = True
) -> ConsentView:
    """One consent on a staff screen. Seeing a record is audited (who, which, when) once per
    staff session and consent, not on every redraw of the same screen; ``audited=False`` for a
    caller that audits its own read (the patient copy)."""
    with ctx.database.uow() as uow:
        user, role = load_actor(uow, staff, *ANY_STAFF)
        consent = uow.consents.get(as_consent_id(consent_id))
        assert staff is not None
        if audited and not uow.audit.seen_in_session(OPENED, consent.id, staff.session_id):
            uow.audit.append(
                at=ctx.clock.now(),
                actor_id=str(user.id),
                actor_role=role.value,
                action=OPENED,
                consent_id=consent.id,
                session_id=staff.session_id,
            )
            uow.commit()
    return _view(ctx, consent)
