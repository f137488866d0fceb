"""What a staff list (queue, search) says about a consent's check of understanding (issue #15):
each re-explain flag's topic, open or cleared. Codes on the record, words from the pack version
the consent pins in the clinic's language; a list never fails on a missing pack (the question
id stands in)."""

from __future__ import annotations

from dataclasses import dataclass

from forms.records import Consent
from language.i18n import t
from services.context import AppContext


@dataclass(frozen=True)
class ReExplainNote:
    """A check the patient answered wrong at every try, and whether staff have cleared it."""

    question_id: str
    topic: str
    cleared: bool


def _topics(ctx: AppContext, consent: Consent) -> dict[str, str]:
    ref = consent.pack
    for lang in (ctx.settings.clinic_language, ref.language):
        try:
            pack = ctx.library.get(ref.pack_id, ref.version, lang)
        except KeyError:
            continue
        return {q.id: q.topic for q in pack.teach_back}
    return {}


def notes_of(ctx: AppContext, consent: Consent) -> tuple[ReExplainNote, ...]:
    flags = consent.re_explain_flags()
    if not flags:
        return ()
    topics = _topics(ctx, consent)
    return tuple(
        ReExplainNote(
            r.question_id,
            topics.get(r.question_id, r.question_id),
            cleared=consent.clearance(r.question_id) is not None,
        )
        for r in flags
    )


def re_explain_lines(notes: tuple[ReExplainNote, ...], lang: str) -> list[tuple[bool, str]]:
    """(open, words) for each flag: 'Re-explain: <topic>' for the open ones first, then
    'Re-explained: <topic>' for the cleared ones (pack order within each)."""
    key = {False: "staff.queue.re_explain", True: "staff.queue.re_explained"}
    ordered = sorted(notes, key=lambda n: n.cleared)
    return [(not n.cleared, t(lang, key[n.cleared], topic=n.topic)) for n in ordered]
