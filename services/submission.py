"""Signing: submit a finished draft.

``submit`` is one transaction: check the ink and the name, build the record
(``services.draft_record.to_consent``, pure), store it with its sealed PDF, close the draft.
The pad's strokes and PNG are parsed by ``services.ink``, never trusted. A visit's course is
checked again at the tap (``services.course_draft.visit_at_signing``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checklist import flow, identity
from checklist.flow import DraftState
from checklist.models import Pack
from errors import DomainError
from forms.course import CourseTerms, VisitOf
from forms.meanings import INTERPRETER_KEY
from forms.record_parts import SignerRole
from forms.records import Consent, Status
from language.i18n import t
from services import course_draft, courses, ink
from services.context import AppContext
from services.draft_record import Decision, to_consent
from services.drafts import (
    PATIENT,
    expired,
    lang_of,
    on_current_content,
    pack_of,
    update_in,
    valid_token,
)
from services.drafts import now as _now
from services.ink import decode_png, parse_strokes

__all__ = ["Decision", "course_terms", "submit", "to_consent"]


def course_terms(ctx: AppContext, pack: Pack, at: dt.datetime | None = None) -> CourseTerms:
    """The course a full consent signed at ``at`` (now) on ``pack`` covers; the sign screen
    says it before the patient signs."""
    return courses.terms_for(ctx, ctx.library.content_line(pack), at or _now(ctx))


class _CourseClosed(Exception):
    """A visit's course closed (or a new stop answer came) before the tap: nothing is stored."""


def submit(
    ctx: AppContext,
    token: str,
    *,
    typed_name: str,
    strokes: Any,
    png: str | None,
    pad_size: tuple[float, float],
    decision: Decision,
    interpreter_strokes: Any = None,
    interpreter_png: str | None = None,
    demo: bool = False,
) -> Consent:
    """Sign: one transaction builds the record, stores it with its sealed PDF, closes the draft.

    A second tap (or a reload that submits again) returns the consent the first one made.
    ``demo`` marks synthetic consents made by ``cli.py demo-data`` (part of the sealed record).
    """
    from services.documents import issue_document
    from store.errors import DuplicateSubmission

    now = _now(ctx)
    try:
        with ctx.database.uow() as uow:
            data = uow.drafts.load(token, now) if valid_token(token) else None
            if data is None:
                existing = uow.consents.find_by_draft_token(token) if valid_token(token) else None
                if existing is not None:
                    return existing
                raise expired("en")
            state = on_current_content(ctx, DraftState.from_dict(data), uow)
            lang = lang_of(state)
            pack = pack_of(ctx, state, uow)
            visit_of = None
            if state.kind == "visit" and decision == "consent":
                visit_of = course_draft.visit_at_signing(ctx, uow, state, pack)
                if visit_of is None:
                    raise _CourseClosed
            elif state.kind == "visit":
                visit_of = course_draft.refused_visit(uow, state)
            consent = _build(
                ctx,
                state,
                pack,
                now,
                typed_name,
                strokes,
                png,
                pad_size,
                decision,
                interpreter_strokes,
                interpreter_png,
                visit_of,
            )
            consent.demo = demo
            consent.move_to(Status.SUBMITTED if decision == "consent" else Status.DECLINED, now)
            uow.consents.add(consent, draft_token=token)
            new = {"status": consent.status.value, "language": lang, "sha256": consent.sha256()}
            if consent.visit_of is not None:  # ids and numbers only
                new |= {
                    "kind": "visit",
                    "course": str(consent.visit_of.consent_id),
                    "session": consent.visit_of.session,
                }
            uow.audit.append(
                at=now,
                actor_id=PATIENT,
                actor_role=PATIENT,
                action="consent.submitted" if decision == "consent" else "consent.declined",
                consent_id=str(consent.id),
                new=new,
                session_id=state.session_id,
            )
            issue_document(
                ctx, uow, consent, "submitted" if decision == "consent" else "refusal", now
            )
            uow.drafts.close(token, now)
            uow.commit()
            return consent
    except DuplicateSubmission as dup:  # two taps raced: the first one's consent stands
        with ctx.database.uow() as uow:
            return uow.consents.get(dup.existing_id)
    except _CourseClosed:
        # The draft follows the course as it stands now; the patient is told, nothing signed.
        moved = update_in(
            ctx, token, lambda s, p, at, u: course_draft.reroute(ctx, u, s, p, at), durable=True
        )
        raise DomainError(t(lang_of(moved), "patient.course.closed")) from None


def _build(
    ctx: AppContext,
    state: DraftState,
    pack: Pack,
    now: dt.datetime,
    typed_name: str,
    strokes: Any,
    png: str | None,
    pad_size: tuple[float, float],
    decision: Decision,
    interpreter_strokes: Any,
    interpreter_png: str | None,
    visit_of: VisitOf | None = None,
) -> Consent:
    lang = lang_of(state)
    if decision not in ("consent", "decline"):
        raise DomainError(t(lang, "patient.error.generic"))
    if decision == "consent":
        missing = flow.missing_before_signing(state, pack)
        if missing:
            raise DomainError(t(lang, "patient.review.incomplete", count=len(missing)))
    elif not flow.reached_review(state, pack) or not state.details_confirmed:
        raise DomainError(t(lang, "patient.decline.too_early"))
    # The pad's value is checked before anything is built or stored (ink.component_problem).
    if ink.component_problem(strokes, pad_size) or ink.component_problem(
        interpreter_strokes, pad_size
    ):
        raise DomainError(t(lang, ink.INVALID))
    pad_width = float(pad_size[0]) if pad_size else 0.0
    clean = parse_strokes(strokes)
    image = decode_png(png)
    # Every problem at once (empty name and no signature: both said), one per line.
    problems = identity.sign_problems(typed_name or "", state.legal_name, clean, pad_width)
    if image is None and not any(k.startswith("patient.sign.ink_") for k in problems):
        problems.append("patient.sign.ink_empty")
    messages = [t(lang, key) for key in problems]
    with_interpreter = state.interpreter if state.interpreter_used else None
    i_strokes = parse_strokes(interpreter_strokes) if with_interpreter else []
    i_png = decode_png(interpreter_png) if with_interpreter else None
    if with_interpreter:
        i_problem = identity.ink_problem(i_strokes, pad_width)
        if i_problem or i_png is None:
            messages.append(
                t(lang, "patient.interpreter.sign_problem")
                + (" " + t(lang, i_problem) if i_problem else "")
            )
    if messages or image is None:
        raise DomainError("\n\n".join(messages))
    signature = ink.signature(
        role=SignerRole.PATIENT,
        name=state.legal_name,
        meaning=pack.signature_meaning if decision == "consent" else pack.refusal_meaning,
        strokes=clean,
        png=image,
        pad_width=pad_width,
        now=now,
        device_id=state.session_id,
    )
    interpreter_sig = None
    if with_interpreter and i_png is not None:
        interpreter_sig = ink.signature(
            role=SignerRole.INTERPRETER,
            name=with_interpreter.name_or_id,
            meaning=t(lang, INTERPRETER_KEY),
            strokes=i_strokes,
            png=i_png,
            pad_width=pad_width,
            now=now,
            device_id=state.session_id,
        )
    return to_consent(
        state,
        pack,
        values=ctx.settings.placeholder_values,
        procedure=ctx.settings.procedure,
        now=now,
        decision=decision,
        signature=signature,
        interpreter_signature=interpreter_sig,
        course=course_terms(ctx, pack, now) if state.kind == "consent" else None,
        visit_of=visit_of,
    )
