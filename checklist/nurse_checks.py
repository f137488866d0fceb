"""What the nurse's checklist answers say before anyone signs: items not answered, items answered
No (the patient is not ready) and N/A with no note saying why. The record's ``Consent.check_verify``
refuses a verification on these; the verify page lists them before asking for the password."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from checklist.models import Pack

CHECK_ANSWERS = ("yes", "no", "na")


class ChecklistGaps(NamedTuple):
    missing: list[str]  # item texts not answered Yes, No or N/A
    noes: list[str]
    unexplained: list[str]  # N/A with no note


def checklist_gaps(pack: Pack, answers: Mapping[str, tuple[str | None, str]]) -> ChecklistGaps:
    """What stops a nurse signing the checklist: items not answered, answered No, and N/A with
    no note. Every item states a check done (two identifiers, allergies, site marked...): "No"
    means the patient is not ready, so it cannot be signed as verified; "N/A" needs its reason.
    """
    gaps = ChecklistGaps([], [], [])
    for item in pack.nurse_checklist:
        answer, note = answers.get(item.id, ("", ""))
        if answer not in CHECK_ANSWERS:
            gaps.missing.append(item.text)
        elif answer == "no":
            gaps.noes.append(item.text)
        elif answer == "na" and not (note or "").strip():
            gaps.unexplained.append(item.text)
    return gaps
