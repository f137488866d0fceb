"""A draft's moves within the treatment course (issue #14): into a visit of an open course, back
into the full consent, and onto a newer pack version whose content changed.

Pure (no Streamlit, no SQL): ``services.course_draft`` decides which move the course calls for
(``forms.course`` says where a course stands) and ``services.drafts.on_current_content`` when a
draft moves to a new version; these functions only say what each move does to the draft.
"""

from __future__ import annotations

from checklist.flow import DraftReconsent, DraftState, first_incomplete
from checklist.models import Pack

CONTENT_UPDATED = "patient.course.content_updated"


def _start_over_content(state: DraftState) -> None:
    """What the patient read and certified belongs to one flow and one text: said again."""
    state.acknowledged = {}
    state.questions = {}
    state.teach_back = {}
    state.certified_at = None


def as_visit(state: DraftState, course_consent_id: str, session: int) -> DraftState:
    """The draft becomes session ``session``'s short visit of the course."""
    new = state.model_copy(deep=True)
    if new.kind != "visit" or new.course_consent_id != course_consent_id:
        _start_over_content(new)
        new.furthest = new.step
    new.kind = "visit"
    new.course_consent_id = course_consent_id
    new.session = session
    new.reconsent = None
    new.photo_consent = new.photo_answered_at = None  # a visit asks no photo question
    return new


def as_full_consent(state: DraftState, reconsent: DraftReconsent | None) -> DraftState:
    """The draft is (again) a full consent; ``reconsent`` names the course it replaces and why.
    The health answers are kept; the visit's own answers go with the visit."""
    new = state.model_copy(deep=True)
    if new.kind != "consent":
        _start_over_content(new)
        new.furthest = new.step
    new.kind = "consent"
    new.course_consent_id = None
    new.session = None
    new.changed_since_last = new.changed_answered_at = None
    new.reconsent = reconsent
    return new


def on_new_version(state: DraftState, pack: Pack) -> DraftState:
    """Resume on ``pack`` (a newer major content line): every acknowledgement and the
    certification are asked again from the first screen still to do (the first content screen,
    or a new health question), and the patient is told why."""
    new = state.model_copy(deep=True)
    new.pack_version = pack.version
    _start_over_content(new)
    questions = {q.id for q in pack.screening.questions}
    new.screening = {q: a for q, a in new.screening.items() if q in questions}
    new.content_updated = True
    if new.details_confirmed:
        new.step = new.furthest = first_incomplete(new, pack).id
    new.notice = CONTENT_UPDATED
    return new
