"""Content quality for the clinic (issue #15 point 6): per content version, how the checks of
understanding went and how long patients spent on each screen of sections, from stored records
only, so a medical director can rewrite what confuses patients.

Which records count (``counted``): signed full consents on that pack id, version and language.
Left out: records entered in error (they are not that patient's consent) and visits (a visit has
no check and no section screens). A refusal counts for what the patient answered before
refusing, like any other record.

The figures (``figures``, pure: a pack and records in, numbers out):
- per check (teach-back question): how many records answered it; right first time (first
  attempt right), right at the last try (wrong first, then right), re-explain (wrong at every
  try: a flag staff clear). First-time-right rate = right first time / answered.
- items most often re-explained: each re-explain flag counts once for every item its question
  ``checks``; most first, then in the pack's order.
- median time per screen of sections (sections sharing a screen are timed together). A screen's
  time is its last item's "I understand" tick minus the previous screen's end: for the first
  screen, the last screening answer (the screen just before it); for the others, the previous
  screen's last tick. Records missing one of the two times are skipped for that screen, and so
  is a time of zero or less (the patient went back, and a tick kept its first time). Screen
  times include answering "I have a question for the doctor" there; a long pause (the patient
  was interrupted) counts too, which is why the median is shown, not the mean.

Reads are not audited as a record's opening is (``services.staff_views``): the figures name no
patient, and the page shows nothing else from the records.
"""

from __future__ import annotations

import datetime as dt
import statistics
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.staff import Role
from checklist import flow
from checklist.flow import StepKind
from checklist.models import Pack
from errors import DomainError
from forms.records import Consent, Status
from language.placeholders import fill
from services.auth import StaffSession, load_actor
from services.context import AppContext

SHORT = 70  # characters of an item's words shown in a table


# --- the arithmetic (pure) --------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionFigures:
    question_id: str
    answered: int
    first_time_right: int
    right_at_last_try: int
    re_explain: int

    @property
    def first_time_rate(self) -> float | None:
        return self.first_time_right / self.answered if self.answered else None


@dataclass(frozen=True)
class ScreenFigures:
    screen_id: str
    section_ids: tuple[str, ...]
    timed: int  # records with both times for this screen
    median_seconds: float | None


@dataclass(frozen=True)
class Figures:
    consents: int  # counted records that answered at least one check
    refusals: int  # of those, signed refusals
    timed_consents: int  # counted records (with a check or not) that the screen times read
    questions: tuple[QuestionFigures, ...]  # the pack's order
    re_explained_items: tuple[tuple[str, int], ...]  # (item id, flags), most first
    screens: tuple[ScreenFigures, ...]  # the pack's order


def counted(records: Iterable[Consent], pack: Pack) -> list[Consent]:
    """Signed full consents on ``pack`` (id, version, language); no visits, none entered in
    error."""
    return [
        c
        for c in records
        if (c.pack.pack_id, c.pack.version, c.pack.language)
        == (pack.id, pack.version, pack.language)
        and not c.is_visit
        and c.status not in (Status.DRAFT, Status.ENTERED_IN_ERROR)
        and c.patient_signature is not None
    ]


def screen_seconds(pack: Pack, consent: Consent) -> dict[str, float]:
    """Seconds on each section screen of one record (the module's definition); screens without
    both times, or with a time of zero or less, are left out."""
    ticks: dict[str, dt.datetime] = {a.item_id: a.acknowledged_at for a in consent.acknowledgements}
    start = max((s.answered_at for s in consent.screening), default=None)
    out: dict[str, float] = {}
    for step in flow.steps_for(pack):
        if step.kind is not StepKind.SECTION:
            continue
        times = [ticks[i.id] for _s, i in flow.items_on(pack, step) if i.id in ticks]
        end = max(times) if times else None
        if start is not None and end is not None and (seconds := (end - start).total_seconds()) > 0:
            out[step.id] = seconds
        start = end
    return out


def figures(pack: Pack, records: Iterable[Consent]) -> Figures:
    """Every figure of the page for one content version (the module docstring says how)."""
    mine = counted(records, pack)
    checked = [c for c in mine if c.teach_back]
    questions = []
    items: Counter[str] = Counter()
    for q in pack.teach_back:
        results = [r for c in checked for r in c.teach_back if r.question_id == q.id]
        flags = sum(r.re_explain for r in results)
        questions.append(
            QuestionFigures(
                question_id=q.id,
                answered=len(results),
                first_time_right=sum(r.first_time_right for r in results),
                right_at_last_try=sum(
                    not r.first_time_right and r.attempts[-1].right for r in results
                ),
                re_explain=flags,
            )
        )
        for item_id in q.checks:
            items[item_id] += flags
    order = {item_id: n for n, item_id in enumerate(pack.item_ids())}
    ranked = sorted(
        ((i, n) for i, n in items.items() if n), key=lambda x: (-x[1], order.get(x[0], len(order)))
    )
    times = [screen_seconds(pack, c) for c in mine]
    screens = []
    for step in flow.steps_for(pack):
        if step.kind is StepKind.SECTION:
            seen = [t[step.id] for t in times if step.id in t]
            screens.append(
                ScreenFigures(
                    step.id, step.section_ids, len(seen), statistics.median(seen) if seen else None
                )
            )
    return Figures(
        consents=len(checked),
        refusals=sum(c.decision == "decline" for c in checked),
        timed_consents=len(mine),
        questions=tuple(questions),
        re_explained_items=tuple(ranked),
        screens=tuple(screens),
    )


# --- the page's view --------------------------------------------------------------------------
@dataclass(frozen=True)
class VersionChoice:
    version: str
    language: str
    signed: int  # full consents signed on it (the versions page's count: refusals too)
    has_checks: bool  # the pack asks checks of understanding


@dataclass(frozen=True)
class QuestionRow:
    figures: QuestionFigures
    topic: str
    question: str  # the words, in the clinic's language


@dataclass(frozen=True)
class ItemRow:
    item_id: str
    section: str
    words: str  # shortened
    re_explain: int


@dataclass(frozen=True)
class ScreenRow:
    figures: ScreenFigures
    titles: str  # its sections' titles


@dataclass(frozen=True)
class QualityView:
    pack_id: str
    version: str
    language: str
    figures: Figures
    questions: tuple[QuestionRow, ...]
    items: tuple[ItemRow, ...]
    screens: tuple[ScreenRow, ...]


def versions(ctx: AppContext, staff: StaffSession | None, pack_id: str) -> list[VersionChoice]:
    """Every version of ``pack_id`` on disk by language, the clinic's first, newest first; the
    one to show first is ``default_choice``."""
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
        counts = uow.pack_activations.signed_counts(pack_id)
    clinic = ctx.settings.clinic_language
    languages = sorted(ctx.library.languages(pack_id), key=lambda lang: (lang != clinic, lang))
    out = []
    for language in languages:
        for version in reversed(ctx.library.versions(pack_id, language)):
            pack = ctx.library.get(pack_id, version, language)
            signed = counts.get((version, language, "consent"), 0)
            out.append(VersionChoice(version, language, signed, bool(pack.teach_back)))
    return out


def default_choice(choices: list[VersionChoice]) -> VersionChoice | None:
    """The newest version with signed records that asks checks; else the newest with records."""
    return (
        next((c for c in choices if c.signed and c.has_checks), None)
        or next((c for c in choices if c.signed), None)
        or (choices[0] if choices else None)
    )


def short(text: str, width: int = SHORT) -> str:
    return textwrap.shorten(" ".join(text.split()), width=width, placeholder="…")


def quality(
    ctx: AppContext, staff: StaffSession | None, pack_id: str, version: str, language: str
) -> QualityView:
    """The figures of one content version, worded from that version in the clinic's language
    (ids are the same in every language; the records' own language when the clinic's lacks it)."""
    try:
        pack = ctx.library.get(pack_id, version, language)
    except KeyError:
        raise DomainError(f"There is no content version {version} ({language}) on disk.") from None
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
        records = uow.consents.on_version(pack_id, version, language)
    numbers = figures(pack, records)
    clinic = ctx.settings.clinic_language
    if version in ctx.library.versions(pack_id, clinic):
        words = ctx.library.get(pack_id, version, clinic)
    else:
        words = pack
    values = ctx.settings.placeholder_values
    by_item = {i.id: (s, i) for s, i in words.items()}
    questions = []
    for q in numbers.questions:
        tb = next((t for t in words.teach_back if t.id == q.question_id), None)
        questions.append(
            QuestionRow(
                q,
                fill(tb.topic, values) if tb else q.question_id,
                " ".join(fill(tb.question, values).split()) if tb else q.question_id,
            )
        )
    items = []
    for item_id, n in numbers.re_explained_items:
        section, item = by_item.get(item_id, (None, None))
        items.append(
            ItemRow(
                item_id,
                fill(section.title, values) if section else "",
                short(fill(item.text, values)) if item else item_id,
                n,
            )
        )
    titles = {s.id: fill(s.title, values) for s in words.sections}
    screens = tuple(
        ScreenRow(s, " · ".join(titles.get(sid, sid) for sid in s.section_ids))
        for s in numbers.screens
    )
    return QualityView(pack_id, version, language, numbers, tuple(questions), tuple(items), screens)
