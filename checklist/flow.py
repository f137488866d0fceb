"""The patient's path through a consent: steps, what each needs, and the checks on what they enter.

Pure (no Streamlit, no SQL): pages ask these functions "may the patient go on?" and show the
message keys they return (``language/messages/<lang>/patient.yaml``). The draft is a JSON-friendly
pydantic model the store keeps under the resume token, so a reload or a restart resumes exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from checklist import teach_back as tb
from checklist.models import Answer, Pack

# The steps themselves live in checklist.steps; pages and services reach them through here.
from checklist.steps import SCREENING_GROUP as SCREENING_GROUP
from checklist.steps import Kind as Kind
from checklist.steps import Step as Step
from checklist.steps import StepKind as StepKind
from checklist.steps import items_on as items_on
from checklist.steps import progress as progress
from checklist.steps import reconfirm_items as reconfirm_items
from checklist.steps import step_by_id as step_by_id
from checklist.steps import step_index as step_index
from checklist.steps import steps_for as steps_for

# --- the draft ---------------------------------------------------------------------------


class Draft(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DraftAnswer(Draft):
    answer: Answer
    at: dt.datetime


class DraftQuestion(Draft):
    """'I have a question about this' on one section."""

    at: dt.datetime
    note: str = ""


class DraftAttempt(Draft):
    """One answer to a check of understanding (``checklist.teach_back``): the choice and when."""

    choice: str
    at: dt.datetime


class DraftInterpreter(Draft):
    name_or_id: str
    language: str
    mode: Literal["in_person", "phone", "video"]
    at: dt.datetime


class DraftReconsent(Draft):
    """A full consent that replaces a course's consent, and why (``forms.course.ReconsentReason``
    code: checklist stands below forms, so the code is kept as text and checked there)."""

    consent_id: str
    reason: str


class DraftState(Draft):
    """Everything the patient has done so far. No personal data ever leaves it for a URL."""

    session_id: str  # the tablet session's random id (audit), never personal data
    consent_id: str  # chosen at the start so every audit event of this consent shares it
    pack_id: str = "sclerotherapy"
    pack_version: str | None = None  # pinned at the start; a language switch keeps it if it can
    language: str | None = None
    legal_name: str = ""
    date_of_birth: dt.date | None = None
    mrn: str | None = None
    site: str = ""  # a checklist.sites.SITE_CHOICES code; the words are rendered, never stored
    appointment_at: dt.datetime | None = None
    prefilled_by: int | None = None  # staff user id when staff started the consent
    treatment: dict[str, str | int | None] | None = None  # staff's plan at hand-over (forms)
    details_confirmed: bool = False
    step: str = "language"
    furthest: str = "language"
    acknowledged: dict[str, dt.datetime] = Field(default_factory=dict)  # item id -> when
    questions: dict[str, DraftQuestion] = Field(default_factory=dict)  # section id -> question
    screening: dict[str, DraftAnswer] = Field(default_factory=dict)  # question id -> answer
    # question id -> the answers given, oldest first (checks of understanding, issue #15)
    teach_back: dict[str, list[DraftAttempt]] = Field(default_factory=dict)
    photo_consent: bool | None = None
    photo_answered_at: dt.datetime | None = None
    interpreter_used: bool | None = None
    interpreter_answered_at: dt.datetime | None = None  # when the patient answered, either way
    interpreter: DraftInterpreter | None = None
    certified_at: dt.datetime | None = None
    large_text: bool = False
    # The treatment course (issue #14): a full consent, or a later session's short visit.
    kind: Kind = "consent"
    course_consent_id: str | None = None  # a visit: the course's consent
    session: int | None = None  # a visit: this session's number in the course (2 or more)
    changed_since_last: bool | None = None  # "has anything changed since your last visit?"
    changed_answered_at: dt.datetime | None = None
    reconsent: DraftReconsent | None = None  # a full consent that replaces a course's consent
    content_updated: bool = False  # the pack's content changed (major) under this draft
    notice: str | None = None  # a message key said on the next screen; moving on clears it
    created_at: dt.datetime
    last_activity: dt.datetime

    def to_dict(self) -> dict:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict) -> DraftState:
        return cls.model_validate(data)


# --- the steps ---------------------------------------------------------------------------


def current_step(state: DraftState, pack: Pack) -> Step:
    """The draft's screen, or the first one still to do when its step is not in this flow."""
    try:
        return step_by_id(pack, state.step, state.kind)
    except KeyError:
        return first_incomplete(state, pack)


def reached_review(state: DraftState, pack: Pack) -> bool:
    """The patient has seen everything up to the review (a refusal may be signed from there)."""
    return step_index(pack, state.furthest, state.kind) >= step_index(pack, "review", state.kind)


# --- what each step needs ----------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """One thing still to do before going on: a message key and, where it helps, what it is about."""

    key: str
    ref: str | None = None


def missing_on(state: DraftState, pack: Pack, step: Step) -> list[Missing]:
    """What the patient still has to do on this screen before going on."""
    match step.kind:
        case StepKind.LANGUAGE:
            return [] if state.language else [Missing("patient.missing.language")]
        case StepKind.DETAILS:
            out = [] if state.details_confirmed else [Missing("patient.missing.details")]
            return out if state.site else [*out, Missing("patient.missing.site")]
        case StepKind.SCREENING:
            return [
                Missing("patient.missing.screening", q)
                for q in step.question_ids
                if q not in state.screening
            ]
        case StepKind.SECTION | StepKind.RECONFIRM:
            return [
                Missing("patient.missing.acknowledge", item.id)
                for _, item in items_on(pack, step)
                if item.id not in state.acknowledged
            ]
        case StepKind.TEACH_BACK:
            return [
                Missing("patient.missing.teach_back", q)
                for q in step.question_ids
                if not tb.done(pack.teach_back_question(q), state.teach_back.get(q, []))
            ]
        case StepKind.CHANGES:
            return (
                [] if state.changed_since_last is not None else [Missing("patient.missing.changes")]
            )
        case StepKind.PHOTOS:
            return [] if state.photo_consent is not None else [Missing("patient.missing.photos")]
        case StepKind.INTERPRETER:
            if state.interpreter_used is None:
                return [Missing("patient.missing.interpreter")]
            if state.interpreter_used and state.interpreter is None:
                return [Missing("patient.missing.interpreter_details")]
            return []
        case StepKind.REVIEW:
            return [] if state.certified_at else [Missing("patient.missing.certify")]
        case StepKind.SIGN:
            return []
    return []  # pragma: no cover


def missing_before_signing(state: DraftState, pack: Pack) -> list[Missing]:
    """Everything not yet done: every item acknowledged, every question answered, photos, certified."""
    out: list[Missing] = []
    for step in steps_for(pack, state.kind):
        if step.kind is not StepKind.SIGN:
            out += missing_on(state, pack, step)
    return out


def may_sign(state: DraftState, pack: Pack) -> bool:
    return not missing_before_signing(state, pack)


def first_incomplete(state: DraftState, pack: Pack) -> Step:
    for step in steps_for(pack, state.kind):
        if step.kind is StepKind.SIGN or missing_on(state, pack, step):
            return step
    return steps_for(pack, state.kind)[-1]  # pragma: no cover


class FlowError(ValueError):
    """The patient may not go there yet; ``missing`` says what is left (message keys)."""

    def __init__(self, key: str, missing: list[Missing] | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.missing = missing or []


def go_next(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
    """Move to the next screen if this one is complete; raises FlowError naming what is missing."""
    kind = state.kind
    steps = steps_for(pack, kind)
    here = step_index(pack, state.step, kind)
    missing = missing_on(state, pack, steps[here])
    if missing:
        raise FlowError(missing[0].key, missing)
    if here + 1 >= len(steps):
        raise FlowError("patient.missing.nothing_after")
    new = state.model_copy(deep=True)
    new.step = steps[here + 1].id
    if step_index(pack, new.step, kind) > step_index(pack, state.furthest, kind):
        new.furthest = new.step
    new.last_activity = now
    new.notice = None
    return new


def go_back(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
    new = state.model_copy(deep=True)
    new.step = steps_for(pack, state.kind)[max(0, step_index(pack, state.step, state.kind) - 1)].id
    new.last_activity = now
    new.notice = None
    return new


def go_to(state: DraftState, pack: Pack, step_id: str, now: dt.datetime) -> DraftState:
    """Jump back to a screen already reached (review's "change"); never ahead of the furthest."""
    kind = state.kind
    if step_index(pack, step_id, kind) > step_index(pack, state.furthest, kind) or step_id not in {
        s.id for s in steps_for(pack, kind)
    }:
        raise FlowError("patient.missing.no_skipping")
    if step_id == "sign" and not may_sign(state, pack):
        raise FlowError("patient.missing.certify", missing_before_signing(state, pack))
    new = state.model_copy(deep=True)
    new.step = step_id
    new.last_activity = now
    new.notice = None
    return new


def pack_changed(state: DraftState, pack: Pack) -> DraftState:
    """After a language switch the ids are the same; make sure the step still exists."""
    if state.step not in {s.id for s in steps_for(pack, state.kind)}:
        new = state.model_copy(deep=True)
        new.step = first_incomplete(state, pack).id
        return new
    return state


# --- idle --------------------------------------------------------------------------------

IdleStatus = Literal["active", "ask", "expired"]


def idle_status(
    state: DraftState, now: dt.datetime, idle_minutes: float, grace_seconds: float = 60
) -> IdleStatus:
    """After ``idle_minutes`` ask "still there?"; after a further grace period, clear the screen."""
    idle = now - state.last_activity
    if idle >= dt.timedelta(minutes=idle_minutes, seconds=grace_seconds):
        return "expired"
    if idle >= dt.timedelta(minutes=idle_minutes):
        return "ask"
    return "active"
