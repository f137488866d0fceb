"""The patient's use cases: start, save each step, submit (or decline), close when idle.

Every function takes the AppContext, opens one unit of work, and saves the draft under its resume
token, so the page stays a thin description of the screen. Rules of the flow live in
``checklist.flow``; messages come from the catalog in the patient's language.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import secrets
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal

from accounts.staff import StaffUser
from checklist import flow
from checklist import text as text_rules
from checklist.flow import DraftInterpreter, DraftQuestion, DraftState, FlowError
from checklist.models import Answer, Pack
from errors import DomainError
from forms.meanings import INTERPRETER_KEY
from forms.records import (
    Acknowledgement,
    Consent,
    DoctorQuestion,
    Interpreter,
    PackRef,
    Patient,
    Point,
    ScreeningAnswer,
    Signature,
    SignerRole,
    Status,
    Stroke,
)
from language.i18n import t
from services.context import AppContext

PATIENT = "patient"
TOKEN_BYTES = 24  # 192 random bits; the token says nothing about the patient
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")
MAX_POINTS = 20_000  # a long signature has a few thousand; more is not a finger
MAX_PNG_BYTES = 2_000_000
Decision = Literal["consent", "decline"]


def _now(ctx: AppContext) -> dt.datetime:
    return ctx.clock.now()


def _ttl(ctx: AppContext) -> dt.timedelta:
    return dt.timedelta(minutes=ctx.settings.draft_ttl_minutes)


def _lang(state: DraftState | None) -> str:
    return (state.language if state else None) or "en"


def languages(ctx: AppContext, pack_id: str = "sclerotherapy") -> list[str]:
    """Languages the patient may choose: those with a pack on disk."""
    return ctx.library.languages(pack_id)


def pack_of(ctx: AppContext, state: DraftState) -> Pack:
    """The pack this draft is pinned to, in the draft's language."""
    lang = _lang(state)
    if state.pack_version:
        try:
            return ctx.library.get(state.pack_id, state.pack_version, lang)
        except KeyError:
            pass  # a language without that version: fall back to the active one below
    return ctx.library.active(state.pack_id, lang, ctx.settings.active_versions)


def _new_state(ctx: AppContext, now: dt.datetime, language: str | None) -> DraftState:
    state = DraftState(
        session_id=secrets.token_hex(16),
        consent_id=str(uuid.uuid4()),
        created_at=now,
        last_activity=now,
    )
    if language:
        _check_language(ctx, language)
        state.language = language
        state.pack_version = ctx.active_pack(language).version
    return state


def _check_language(ctx: AppContext, language: str) -> None:
    if language not in languages(ctx):
        raise DomainError(t("en", "patient.error.language"))


# --- starting ----------------------------------------------------------------------------


def start_consent(ctx: AppContext, *, language: str | None = None) -> str:
    """Open a new draft on the tablet; returns the resume token for the URL."""
    now = _now(ctx)
    state = _new_state(ctx, now, language)
    if language:
        state = flow.go_next(state, pack_of(ctx, state), now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with ctx.database.uow() as uow:
        uow.drafts.save(token, state.to_dict(), now, _ttl(ctx))
        uow.audit.append(
            at=now,
            actor_id=PATIENT,
            actor_role=PATIENT,
            action="consent.started",
            consent_id=state.consent_id,
            new={"language": state.language},
            session_id=state.session_id,
        )
        uow.commit()
    return token


def prefill_draft(
    ctx: AppContext,
    *,
    staff: StaffUser,
    legal_name: str | None = None,
    date_of_birth: dt.date | None = None,
    mrn: str | None = None,
    site: str | None = None,
    appointment_at: dt.datetime | None = None,
    language: str | None = None,
) -> str:
    """Staff start a consent for a patient and hand over the tablet; the patient confirms."""
    now = _now(ctx)
    if legal_name is not None or date_of_birth is not None:
        problems = flow.patient_detail_problems(
            legal_name or "",
            date_of_birth,
            mrn,
            now.astimezone(ctx.settings.tz).date(),
            require_mrn=ctx.settings.require_mrn,
            mrn_pattern=ctx.settings.mrn_pattern,
        )
        if problems:
            raise DomainError(" ".join(t(language or "en", k) for k in problems))
    state = _new_state(ctx, now, language)
    state.legal_name = text_rules.clean_name(legal_name or "")
    state.date_of_birth = date_of_birth
    state.mrn = (mrn or "").strip() or None
    state.site = (site or "").strip()
    state.appointment_at = appointment_at
    state.prefilled_by = staff.id
    if language:  # the patient starts at "are these your details?"
        state = flow.go_next(state, pack_of(ctx, state), now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    role = sorted(r.value for r in staff.roles)[0] if staff.roles else "staff"
    with ctx.database.uow() as uow:
        uow.drafts.save(token, state.to_dict(), now, _ttl(ctx))
        uow.audit.append(
            at=now,
            actor_id=str(staff.id),
            actor_role=role,
            action="consent.started",
            consent_id=state.consent_id,
            new={"prefilled": True, "language": state.language},
            session_id=state.session_id,
        )
        uow.commit()
    return token


# --- drafts ------------------------------------------------------------------------------


def valid_token(token: str | None) -> bool:
    return bool(token) and bool(_TOKEN.match(token or ""))


def load_draft(ctx: AppContext, token: str | None) -> DraftState | None:
    """The draft under this token, or None when missing, expired, closed or malformed."""
    if not valid_token(token):
        return None
    with ctx.database.uow() as uow:
        data = uow.drafts.load(token, _now(ctx))
    if data is None:
        return None
    try:
        return DraftState.from_dict(data)
    except ValueError:
        return None  # an unreadable draft (e.g. from an incompatible version) starts afresh


def save_draft(ctx: AppContext, token: str, state: DraftState) -> None:
    now = _now(ctx)
    with ctx.database.uow(durable=False) as uow:  # a draft step, never a consent
        uow.drafts.save(token, state.to_dict(), now, _ttl(ctx))
        uow.commit()


def _expired(lang: str) -> DomainError:
    return DomainError(t(lang, "patient.error.expired"))


def _update(
    ctx: AppContext, token: str, change: Callable[[DraftState, Pack, dt.datetime], DraftState]
) -> DraftState:
    """Load the draft, apply one change, save it: one step of the flow, one transaction."""
    now = _now(ctx)
    with ctx.database.uow(durable=False) as uow:  # a draft step, never a consent
        data = uow.drafts.load(token, now) if valid_token(token) else None
        if data is None:
            raise _expired("en")
        state = DraftState.from_dict(data)
        pack = pack_of(ctx, state)
        try:
            new = change(state, pack, now)  # freshly parsed: nobody else holds it
        except FlowError as exc:
            raise DomainError(t(_lang(state), exc.key, count=len(exc.missing))) from exc
        new.last_activity = now
        uow.drafts.save(token, new.to_dict(), now, _ttl(ctx))
        uow.commit()
    return new


# --- each step ---------------------------------------------------------------------------


def choose_language(ctx: AppContext, token: str | None, language: str) -> str:
    """The first screen: a new draft in that language (or a language change), then go on."""
    _check_language(ctx, language)
    if not load_draft(ctx, token):
        return start_consent(ctx, language=language)

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        state = _switch(ctx, state, language)
        return flow.go_next(state, pack_of(ctx, state), now) if state.step == "language" else state

    _update(ctx, token or "", change)
    return token or ""


def _switch(ctx: AppContext, state: DraftState, language: str) -> DraftState:
    state.language = language
    if state.pack_version is None:
        state.pack_version = ctx.active_pack(language).version
    return flow.pack_changed(state, pack_of(ctx, state))


def set_language(ctx: AppContext, token: str, language: str) -> DraftState:
    """Switch language mid-flow; every answer is kept (packs share their ids)."""
    _check_language(ctx, language)
    return _update(ctx, token, lambda s, _p, _n: _switch(ctx, s, language))


def set_large_text(ctx: AppContext, token: str, on: bool) -> DraftState:
    def change(state: DraftState, _pack: Pack, _now: dt.datetime) -> DraftState:
        state.large_text = on
        return state

    return _update(ctx, token, change)


def still_here(ctx: AppContext, token: str) -> DraftState:
    """The patient answered "still there?": only the activity time changes."""
    return _update(ctx, token, lambda s, _p, _n: s)


def confirm_details(
    ctx: AppContext,
    token: str,
    *,
    legal_name: str,
    date_of_birth: dt.date | None,
    mrn: str | None,
    site: str,
) -> DraftState:
    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        problems = flow.patient_detail_problems(
            legal_name,
            date_of_birth,
            mrn,
            now.astimezone(ctx.settings.tz).date(),
            require_mrn=ctx.settings.require_mrn,
            mrn_pattern=ctx.settings.mrn_pattern,
        )
        if not (site or "").strip():
            problems.append("patient.missing.site")
        if problems:
            raise DomainError(" ".join(t(_lang(state), k) for k in problems))
        state.legal_name = text_rules.clean_name(legal_name)
        state.date_of_birth = date_of_birth
        state.mrn = (mrn or "").strip() or None
        state.site = site.strip()
        state.details_confirmed = True
        return flow.go_next(state, pack, now)

    return _update(ctx, token, change)


def answer_screening(
    ctx: AppContext, token: str, answers: Mapping[str, str | None], *, advance: bool = True
) -> DraftState:
    """Record this screen's answers (yes / no / not sure) and go on if all are answered.

    The screen also calls it with ``advance=False`` on every tap, so each answer is saved (and
    timed) as it is given."""

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        step = flow.step_by_id(pack, state.step)
        for qid in step.question_ids:
            value = answers.get(qid)
            if value is None:
                continue
            answer = Answer(value)
            old = state.screening.get(qid)
            if old is None or old.answer is not answer:
                state.screening[qid] = flow.DraftAnswer(answer=answer, at=now)
        return flow.go_next(state, pack, now) if advance else state

    return _update(ctx, token, change)


def acknowledge_section(
    ctx: AppContext,
    token: str,
    *,
    ticked: Mapping[str, bool],
    questions: Mapping[str, tuple[bool, str]],
    advance: bool = True,
) -> DraftState:
    """Record "I understand" per item and "I have a question" per section, then go on.

    The screen also calls it with ``advance=False`` on every tap, so each tick is saved (and
    timed) as it is made: a reload or a dropped connection loses at most the last tap, and each
    item's time is when it was ticked, not when Next was pressed.
    """

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        step = flow.step_by_id(pack, state.step)
        for sid in step.section_ids:
            for item in pack.section(sid).items:
                if ticked.get(item.id):
                    state.acknowledged.setdefault(item.id, now)
                else:
                    state.acknowledged.pop(item.id, None)
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

    return _update(ctx, token, change)


def answer_photos(ctx: AppContext, token: str, agree: bool | None) -> DraftState:
    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        if agree is not None and agree != state.photo_consent:
            state.photo_consent = agree
            state.photo_answered_at = now
        return flow.go_next(state, pack, now)

    return _update(ctx, token, change)


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

    return _update(ctx, token, change)


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

    return _update(ctx, token, change)


def go_back(ctx: AppContext, token: str) -> DraftState:
    return _update(ctx, token, flow.go_back)


def go_to(ctx: AppContext, token: str, step_id: str) -> DraftState:
    return _update(ctx, token, lambda s, p, n: flow.go_to(s, p, step_id, n))


def go_to_decline(ctx: AppContext, token: str) -> DraftState:
    """From review: the patient wants to refuse; the sign screen in refusal mode."""

    def change(state: DraftState, pack: Pack, now: dt.datetime) -> DraftState:
        if flow.step_index(pack, state.furthest) < flow.step_index(pack, "review"):
            raise FlowError("patient.decline.too_early")
        state.step = "sign"
        return state

    return _update(ctx, token, change)


IDLE_GRACE = dt.timedelta(seconds=60)  # how long "still there?" waits before the screen clears


def idle_after(ctx: AppContext) -> dt.timedelta:
    """How long without a tap before the patient is asked "still there?" (settings)."""
    return dt.timedelta(minutes=ctx.settings.patient_idle_minutes)


def idle_grace(ctx: AppContext) -> dt.timedelta:
    """The prompt's time on screen: a minute, or the idle time itself when that is shorter."""
    return min(IDLE_GRACE, idle_after(ctx))


def _idle_at(ctx: AppContext, state: DraftState, now: dt.datetime) -> flow.IdleStatus:
    return flow.idle_status(
        state, now, ctx.settings.patient_idle_minutes, idle_grace(ctx).total_seconds()
    )


def idle_status(ctx: AppContext, state: DraftState) -> flow.IdleStatus:
    return _idle_at(ctx, state, _now(ctx))


def close_idle(ctx: AppContext, token: str) -> bool:
    """Idle timeout: close the draft so nobody else sees it; True if this call closed it.

    Judged on the stored draft, not the screen's copy: a tap saved since (another tab, a
    "still here" that raced the timer) keeps it open. Audited as ``consent.abandoned`` in the
    same transaction, with the step reached and nothing about the patient.
    """
    if not valid_token(token):
        return False
    now = _now(ctx)
    with ctx.database.uow() as uow:
        data = uow.drafts.load(token, now)
        if data is None:
            return False
        try:
            state: DraftState | None = DraftState.from_dict(data)
        except ValueError:
            state = None  # unreadable: close it all the same, and say what little is known
        if state is not None and _idle_at(ctx, state, now) != "expired":
            return False
        uow.drafts.close(token, now)
        uow.audit.append(
            at=now,
            actor_id=PATIENT,
            actor_role=PATIENT,
            action="consent.abandoned",
            consent_id=state.consent_id if state else None,
            new={"reason": "idle", "step": state.step if state else None},
            session_id=state.session_id if state else None,
        )
        uow.commit()
    return True


# --- submitting --------------------------------------------------------------------------


def parse_strokes(raw: Any) -> list[list[dict[str, float]]]:
    """The pad's strokes as plain numbers; anything malformed is dropped, never trusted."""
    out: list[list[dict[str, float]]] = []
    count = 0
    for stroke in raw if isinstance(raw, list) else []:
        points = []
        for p in stroke if isinstance(stroke, list) else []:
            if not isinstance(p, dict):
                continue
            try:
                x, y, tm = float(p["x"]), float(p["y"]), float(p.get("t", 0))
            except (KeyError, TypeError, ValueError):
                continue
            if all(v == v and abs(v) < 1e9 for v in (x, y, tm)):  # no NaN or huge
                points.append({"x": x, "y": y, "t": tm})
        count += len(points)
        if count > MAX_POINTS:
            break
        if points:
            out.append(points)
    return out


def decode_png(data_url: str | None) -> bytes | None:
    if not data_url or not isinstance(data_url, str):
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix) or len(data_url) > MAX_PNG_BYTES * 4 // 3 + 100:
        return None
    try:
        png = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return png if png.startswith(b"\x89PNG\r\n\x1a\n") else None


def _signature(
    *,
    role: SignerRole,
    name: str,
    meaning: str,
    strokes: list[list[dict[str, float]]],
    png: bytes | None,
    pad_width: float,
    now: dt.datetime,
    device_id: str,
) -> Signature:
    return Signature(
        role=role,
        printed_name=name,
        meaning=meaning,
        signed_at=now,
        strokes=[
            Stroke(points=[Point(x=p["x"], y=p["y"], t=int(p["t"])) for p in s]) for s in strokes
        ],
        png=png,
        ink=flow.ink_in_widths(strokes, pad_width),
        device_id=device_id,
    )


SITE_TEXT_KEY = "patient.site.{}"


def site_text(site: str, language: str) -> str:
    """A site code in the clinic's language, or staff's free text as typed."""
    return t(language, SITE_TEXT_KEY.format(site)) if site in flow.SITE_CHOICES else site


def to_consent(
    state: DraftState,
    pack: Pack,
    *,
    values: dict[str, str],
    procedure: str,
    site: str,
    now: dt.datetime,
    decision: Decision,
    signature: Signature,
    interpreter_signature: Signature | None = None,
) -> Consent:
    """The consent record from a finished draft (pure: tested without a database)."""
    if state.date_of_birth is None:
        raise DomainError(t(_lang(state), "patient.details.dob_missing"))
    questions = state.questions
    asked_items = {i.id for sid in questions for i in pack.section(sid).items if _has(pack, sid)}
    consent = Consent(
        id=uuid.UUID(state.consent_id),
        patient=Patient(
            legal_name=state.legal_name, date_of_birth=state.date_of_birth, mrn=state.mrn
        ),
        pack=PackRef.of(pack, values),
        procedure=procedure,
        site=site,
        created_at=state.created_at,
        updated_at=now,
        acknowledgements=[
            Acknowledgement(item_id=iid, acknowledged_at=at, question_for_doctor=iid in asked_items)
            for iid, at in sorted(state.acknowledged.items(), key=lambda kv: (kv[1], kv[0]))
            if iid in set(pack.item_ids())
        ],
        questions=[
            DoctorQuestion(section_id=sid, asked_at=q.at, note=q.note)
            for sid, q in questions.items()
        ],
        screening=[
            ScreeningAnswer(
                question_id=q.id,
                answer=state.screening[q.id].answer,
                flag=pack.flag_for(q.id, state.screening[q.id].answer)[0],
                answered_at=state.screening[q.id].at,
            )
            for q in pack.screening.questions
            if q.id in state.screening
        ],
        photo_consent=state.photo_consent,
        certified_at=state.certified_at,
        decision=decision,
        patient_signature=signature,
    )
    if state.interpreter_used and state.interpreter:
        consent.interpreter = Interpreter(
            name_or_id=state.interpreter.name_or_id,
            language=state.interpreter.language,
            mode=state.interpreter.mode,
            signature=interpreter_signature,
        )
    return consent


def _has(pack: Pack, section_id: str) -> bool:
    try:
        pack.section(section_id)
    except KeyError:
        return False
    return True


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
                raise _expired("en")
            state = DraftState.from_dict(data)
            lang = _lang(state)
            pack = pack_of(ctx, state)
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
            )
            consent.demo = demo
            consent.move_to(Status.SUBMITTED if decision == "consent" else Status.DECLINED, now)
            uow.consents.add(consent, draft_token=token)
            uow.audit.append(
                at=now,
                actor_id=PATIENT,
                actor_role=PATIENT,
                action="consent.submitted" if decision == "consent" else "consent.declined",
                consent_id=str(consent.id),
                new={"status": consent.status.value, "language": lang, "sha256": consent.sha256()},
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
) -> Consent:
    lang = _lang(state)
    if decision not in ("consent", "decline"):
        raise DomainError(t(lang, "patient.error.generic"))
    if decision == "consent":
        missing = flow.missing_before_signing(state, pack)
        if missing:
            raise DomainError(t(lang, "patient.review.incomplete", count=len(missing)))
    elif (
        flow.step_index(pack, state.furthest) < flow.step_index(pack, "review")
        or not state.details_confirmed
    ):
        raise DomainError(t(lang, "patient.decline.too_early"))
    pad_width = float(pad_size[0]) if pad_size else 0.0
    clean = parse_strokes(strokes)
    image = decode_png(png)
    # Every problem at once (empty name and no signature: both said), one per line.
    problems = flow.sign_problems(typed_name or "", state.legal_name, clean, pad_width)
    if image is None and not any(k.startswith("patient.sign.ink_") for k in problems):
        problems.append("patient.sign.ink_empty")
    messages = [t(lang, key) for key in problems]
    with_interpreter = state.interpreter if state.interpreter_used else None
    i_strokes = parse_strokes(interpreter_strokes) if with_interpreter else []
    i_png = decode_png(interpreter_png) if with_interpreter else None
    if with_interpreter:
        i_problem = flow.ink_problem(i_strokes, pad_width)
        if i_problem or i_png is None:
            messages.append(
                t(lang, "patient.interpreter.sign_problem")
                + (" " + t(lang, i_problem) if i_problem else "")
            )
    if messages or image is None:
        raise DomainError("\n\n".join(messages))
    signature = _signature(
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
        interpreter_sig = _signature(
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
        site=site_text(state.site, ctx.settings.clinic_language),
        now=now,
        decision=decision,
        signature=signature,
        interpreter_signature=interpreter_sig,
    )
