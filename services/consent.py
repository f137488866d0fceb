"""The patient's draft steps, one function per thing a screen does: start, answer, go on or back.

Every function takes the AppContext and saves the draft under its resume token in one unit of work
(``services.drafts.update``), so the page stays a thin description of the screen. Rules of the
flow live in ``checklist.flow``; messages come from the catalog in the patient's language. The idle
timeout is ``services.idle``; signing and the consent record are ``services.submission``; a
draft staff start for a patient is ``services.handoff``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from checklist import flow, identity
from checklist import text as text_rules
from checklist.flow import DraftInterpreter, DraftQuestion, DraftState, FlowError
from checklist.models import Answer, Pack
from checklist.sites import SITE_CHOICES
from errors import DomainError
from language.i18n import t
from services import course_draft
from services.context import AppContext
from services.drafts import (
    PATIENT,
    check_language,
    load_draft,
    new_state,
    open_draft,
    pack_of,
    update,
    update_in,
)
from services.drafts import lang_of as _lang
from services.drafts import now as _now
from store.uow import UnitOfWork

# --- starting ----------------------------------------------------------------------------


def start_consent(ctx: AppContext, *, language: str | None = None) -> str:
    """Open a new draft on the tablet; returns the resume token for the URL."""
    now = _now(ctx)
    state = new_state(ctx, now, language)
    if language:
        state = flow.go_next(state, pack_of(ctx, state), now)
    return open_draft(ctx, state, now, actor=(PATIENT, PATIENT), new={"language": state.language})


# --- each step ---------------------------------------------------------------------------


def choose_language(ctx: AppContext, token: str | None, language: str) -> str:
    """The first screen: a new draft in that language (or a language change), then go on."""
    check_language(ctx, language)
    if not load_draft(ctx, token):
        return start_consent(ctx, language=language)

    def change(state: DraftState, pack: Pack, now: dt.datetime, uow: UnitOfWork) -> DraftState:
        state = _switch(ctx, state, language, uow)
        if state.step != "language":
            return state
        return flow.go_next(state, pack_of(ctx, state, uow), now)

    update_in(ctx, token or "", change)
    return token or ""


def _switch(ctx: AppContext, state: DraftState, language: str, uow: UnitOfWork) -> DraftState:
    state.language = language
    if state.pack_version is None:
        state.pack_version = ctx.active_pack(language, uow=uow).version
    return flow.pack_changed(state, pack_of(ctx, state, uow))


def set_language(ctx: AppContext, token: str, language: str) -> DraftState:
    """Switch language mid-flow; every answer is kept (packs share their ids)."""
    check_language(ctx, language)
    return update_in(ctx, token, lambda s, _p, _n, uow: _switch(ctx, s, language, uow))


def set_large_text(ctx: AppContext, token: str, on: bool) -> DraftState:
    def change(state: DraftState, _pack: Pack, _now: dt.datetime) -> DraftState:
        state.large_text = on
        return state

    return update(ctx, token, change)


def still_here(ctx: AppContext, token: str) -> DraftState:
    """The patient answered "still there?": only the activity time changes."""
    return update(ctx, token, lambda s, _p, _n: s)


def confirm_details(
    ctx: AppContext,
    token: str,
    *,
    legal_name: str,
    date_of_birth: dt.date | None,
    mrn: str | None,
    site: str,
) -> DraftState:
    """The patient confirms who they are and the site; a returning patient within their course
    goes on to the short visit, one whose course needs a new consent to the full consent (told
    why), anyone else to the full consent (``services.course_draft.route``)."""

    def change(state: DraftState, pack: Pack, now: dt.datetime, uow: UnitOfWork) -> DraftState:
        problems = identity.patient_detail_problems(
            legal_name,
            date_of_birth,
            mrn,
            now.astimezone(ctx.settings.tz).date(),
            require_mrn=ctx.settings.require_mrn,
            mrn_pattern=ctx.settings.mrn_pattern,
        )
        if (site or "").strip() not in SITE_CHOICES:  # a code, never words
            problems.append("patient.missing.site")
        if problems:
            raise DomainError(" ".join(t(_lang(state), k) for k in problems))
        state.legal_name = text_rules.clean_name(legal_name)
        state.date_of_birth = date_of_birth
        state.mrn = (mrn or "").strip() or None
        state.site = site.strip()
        state.details_confirmed = True
        state = flow.go_next(course_draft.route(ctx, uow, state, now), pack, now)
        state.notice = course_draft.notice_for(state)
        return state

    return update_in(ctx, token, change, durable=True)


def answer_changes(ctx: AppContext, token: str, changed: bool | None) -> DraftState:
    """A visit's first question: "has anything changed in your health since your last visit?"."""

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        if changed is not None and changed != state.changed_since_last:
            state.changed_since_last = changed
            state.changed_answered_at = now
        return flow.go_next(state, pack, now)

    return update(ctx, token, change)


def answer_screening(
    ctx: AppContext, token: str, answers: Mapping[str, str | None], *, advance: bool = True
) -> DraftState:
    """Record this screen's answers (yes / no / not sure) and go on if all are answered.

    The screen also calls it with ``advance=False`` on every tap, so each answer is saved (and
    timed) as it is given. At a visit, going on with a stop answer the course's consent did not
    carry turns the draft into the full consent (``services.course_draft.check_new_stops``)."""

    def change(state: DraftState, pack: Pack, now: dt.datetime, uow: UnitOfWork) -> DraftState:
        step = flow.step_by_id(pack, state.step, state.kind)
        for qid in step.question_ids:
            value = answers.get(qid)
            if value is None:
                continue
            answer = Answer(value)
            old = state.screening.get(qid)
            if old is None or old.answer is not answer:
                state.screening[qid] = flow.DraftAnswer(answer=answer, at=now)
        if not advance or flow.missing_on(state, pack, step):
            return flow.go_next(state, pack, now) if advance else state  # says what is missing
        moved = course_draft.check_new_stops(ctx, uow, state, pack, now)
        switched = moved.kind != state.kind
        state = flow.go_next(moved, pack, now)
        if switched:  # "we need to go through the full consent with you today"
            state.notice = course_draft.notice_for(state)
        return state

    return update_in(ctx, token, change)


def acknowledge_section(
    ctx: AppContext,
    token: str,
    *,
    ticked: Mapping[str, bool],
    questions: Mapping[str, tuple[bool, str]],
    advance: bool = True,
) -> DraftState:
    """Record "I understand" per item and "I have a question" per section, then go on (a
    section screen, or a visit's screen of the key risks).

    The screen also calls it with ``advance=False`` on every tap, so each tick is saved (and
    timed) as it is made: a reload or a dropped connection loses at most the last tap, and each
    item's time is when it was ticked, not when Next was pressed.
    """

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        step = flow.step_by_id(pack, state.step, state.kind)
        for _section, item in flow.items_on(pack, step):
            if ticked.get(item.id):
                state.acknowledged.setdefault(item.id, now)
            else:
                state.acknowledged.pop(item.id, None)
        for sid in step.section_ids:
            asked, note = questions.get(sid, (False, ""))
            if asked:
                # Hidden characters (bidi controls, zero-width) are removed, never refused: the
                # patient's words are kept, and they read the same on every screen and the PDF.
                clean = text_rules.clean_note(note)
                if len(clean) > text_rules.MAX_NOTE:
                    raise DomainError(
                        t(_lang(state), "patient.section.note_too_long", max=text_rules.MAX_NOTE)
                    )
                old = state.questions.get(sid)
                state.questions[sid] = DraftQuestion(at=old.at if old else now, note=clean)
            else:
                state.questions.pop(sid, None)
        return flow.go_next(state, pack, now) if advance else state

    return update(ctx, token, change)


def answer_photos(ctx: AppContext, token: str, agree: bool | None) -> DraftState:
    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        if agree is not None and agree != state.photo_consent:
            state.photo_consent = agree
            state.photo_answered_at = now
        return flow.go_next(state, pack, now)

    return update(ctx, token, change)


def record_interpreter(
    ctx: AppContext,
    token: str,
    *,
    used: bool | None,
    name_or_id: str = "",
    language: str = "",
    mode: str | None = None,
) -> DraftState:
    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        changed = used != state.interpreter_used or state.interpreter_answered_at is None
        if used is not None and changed:  # when the patient answered, either way
            state.interpreter_answered_at = now
        state.interpreter_used = used
        if used:
            if (
                not name_or_id.strip()
                or not language.strip()
                or mode not in ("in_person", "phone", "video")
            ):
                raise DomainError(t(_lang(state), "patient.missing.interpreter_details"))
            if len(name_or_id.strip()) > 200 or len(language.strip()) > 40:
                raise DomainError(t(_lang(state), "patient.interpreter.too_long"))
            if any(text_rules.name_problem(v, legal=False) for v in (name_or_id, language)):
                raise DomainError(t(_lang(state), "patient.interpreter.name_invalid"))
            state.interpreter = DraftInterpreter(
                name_or_id=text_rules.clean_name(name_or_id),
                language=text_rules.clean_name(language),
                mode=mode,
                at=now,
            )
        else:
            state.interpreter = None
        return flow.go_next(state, pack, now)

    return update(ctx, token, change)


def certify(ctx: AppContext, token: str, certified: bool) -> DraftState:
    """The review's "I have read and understood..." tick; Sign appears only after it."""

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        if not certified:
            state.certified_at = None
            raise FlowError("patient.missing.certify")
        missing = flow.missing_before_signing(state.model_copy(update={"certified_at": now}), pack)
        if missing:
            raise FlowError("patient.review.incomplete", missing)
        state.certified_at = state.certified_at or now
        return flow.go_next(state, pack, now)

    return update(ctx, token, change)


def go_back(ctx: AppContext, token: str) -> DraftState:
    return update(ctx, token, flow.go_back)


def go_to(ctx: AppContext, token: str, step_id: str) -> DraftState:
    return update(ctx, token, lambda s, p, n: flow.go_to(s, p, step_id, n))


def go_to_decline(ctx: AppContext, token: str) -> DraftState:
    """From review: the patient wants to refuse; the sign screen in refusal mode."""

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        if not flow.reached_review(state, pack):
            raise FlowError("patient.decline.too_early")
        state.step = "sign"
        return state

    return update(ctx, token, change)
