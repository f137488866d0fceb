"""Synthetic checks of understanding (teach-back, issue #15): what the sample PDF, the tests and
the benchmarks record for a pack with teach-back, through the record's own rules.

By default every check is answered right first time; the question ids named wrong are answered
wrong twice (a re-explain flag), and the flag is cleared when the consent reaches the stage
named: by the nurse at verification or after the time-out, or by the clinician just before
attesting (attestation waits for it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Literal

from checklist.models import Pack
from forms.record_parts import AuditEntry
from forms.record_understanding import ClearedBy, TeachBackResult, results_from
from forms.records import Consent

ClearedAt = Literal["verified", "timeout", "attested"]
RE_EXPLAIN_NOTE = (
    "Went over it again with the leaflet; the patient now says it back in their own words."
)


def teach_back_results(
    pack: Pack,
    wrong: Collection[str],
    answered: int | None,
    tick: Callable[[int], dt.datetime],
) -> list[TeachBackResult]:
    """The patient's answers to the first ``answered`` checks (all by default), as recorded."""
    unknown = set(wrong) - {q.id for q in pack.teach_back}
    if unknown:
        raise ValueError(f"no such teach-back question in the pack: {sorted(unknown)}")
    attempts: dict[str, list[tuple[str, dt.datetime]]] = {}
    for question in pack.teach_back[:answered]:
        if question.id in wrong:  # the first wrong choice, twice: the flag is raised
            choice = next(c.id for c in question.choices if not question.is_right(c.id))
            tries = [choice, choice]
        else:
            tries = [question.answer]
        attempts[question.id] = [(c, tick(12)) for c in tries]
    return results_from(pack, attempts)  # as the service records a draft's answers


def clear_re_explain(
    consent: Consent,
    audit: list[AuditEntry],
    tick: Callable[[int], dt.datetime],
    who: tuple[str, int, ClearedBy],
) -> None:
    """Every open re-explain flag cleared by ``who`` (name, id, role), with a note, audited."""
    name, uid, role = who
    for result in consent.open_re_explain():
        at = tick(5 * 60)
        consent.clear_re_explain(
            result.question_id, RE_EXPLAIN_NOTE, by_id=uid, by_name=name, by_role=role, now=at
        )
        audit.append(
            AuditEntry(
                at=at, actor=f"{name} (#{uid})", role=role, action="consent.re_explain_cleared"
            )
        )
