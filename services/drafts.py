"""The patient's draft under its resume token: load, save, and one step's transaction.

Shared by the patient's use cases (``services.consent`` for each screen's step, ``services.idle``
for the idle timeout, ``services.submission`` for signing, ``services.handoff`` for staff): a new
draft and its token, the token check, the draft's time to live, the pack a draft is pinned to
(and ``on_current_content``, the one rule for a draft whose version was replaced), and
``update`` (load, apply one change, save).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from checklist import course_flow
from checklist.flow import DraftReconsent, DraftState, FlowError
from checklist.models import Pack
from errors import DomainError
from forms.course import ReconsentReason
from language.i18n import t
from services.context import AppContext

if TYPE_CHECKING:
    from store.uow import UnitOfWork

PATIENT = "patient"
TOKEN_BYTES = 24  # 192 random bits; the token says nothing about the patient
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")


def now(ctx: AppContext) -> dt.datetime:
    return ctx.clock.now()


def ttl(ctx: AppContext) -> dt.timedelta:
    return dt.timedelta(minutes=ctx.settings.draft_ttl_minutes)


def lang_of(state: DraftState | None) -> str:
    """The draft's language, English before the patient has chosen one."""
    return (state.language if state else None) or "en"


def languages(ctx: AppContext, pack_id: str = "sclerotherapy") -> list[str]:
    """Languages the patient may choose: those with a pack on disk."""
    return ctx.library.languages(pack_id)


def pack_of(ctx: AppContext, state: DraftState, uow: UnitOfWork | None = None) -> Pack:
    """The pack this draft is pinned to, in the draft's language (``uow``: the caller's open
    unit of work, if any)."""
    lang = lang_of(state)
    if state.pack_version:
        try:
            return ctx.library.get(state.pack_id, state.pack_version, lang)
        except KeyError:
            pass  # a language without that version: fall back to the active one below
    return ctx.active_pack(lang, state.pack_id, uow=uow)


def on_current_content(
    ctx: AppContext, state: DraftState, uow: UnitOfWork | None = None
) -> DraftState:
    """The draft's version rule (issue #14 point 3), the one place it is decided: a draft pinned
    to a version that is no longer the active one resumes on the active version when its content
    line differs (a major change: read and acknowledge again, and a visit of a course signed on
    the old line becomes a full consent); after a minor change it finishes on its own version."""
    if not state.pack_version or not state.language:
        return state
    try:
        pinned = ctx.library.get(state.pack_id, state.pack_version, state.language)
        active = ctx.active_pack(state.language, state.pack_id, uow=uow)
    except KeyError:
        return state  # pack_of falls back to the active version by itself
    if active.version == pinned.version or (
        ctx.library.content_line(active) == ctx.library.content_line(pinned)
    ):
        return state
    if state.kind == "visit" and state.course_consent_id:
        reason = ReconsentReason.NEW_MAJOR_VERSION.value
        state = course_flow.as_full_consent(
            state, DraftReconsent(consent_id=state.course_consent_id, reason=reason)
        )
    return course_flow.on_new_version(state, active)


def check_language(ctx: AppContext, language: str) -> None:
    if language not in languages(ctx):
        raise DomainError(t("en", "patient.error.language"))


def new_state(ctx: AppContext, at: dt.datetime, language: str | None) -> DraftState:
    """A fresh draft, pinned to the active pack of ``language`` when one is chosen already."""
    state = DraftState(
        session_id=secrets.token_hex(16),
        consent_id=str(uuid.uuid4()),
        created_at=at,
        last_activity=at,
    )
    if language:
        check_language(ctx, language)
        state.language = language
        state.pack_version = ctx.active_pack(language).version
    return state


def open_draft(
    ctx: AppContext, state: DraftState, at: dt.datetime, *, actor: tuple[str, str], new: Any
) -> str:
    """Save a new draft under a fresh resume token, audited as ``consent.started``."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with ctx.database.uow() as uow:
        uow.drafts.create(token, state.to_dict(), at, ttl(ctx))
        uow.audit.append(
            at=at,
            actor_id=actor[0],
            actor_role=actor[1],
            action="consent.started",
            consent_id=state.consent_id,
            new=new,
            session_id=state.session_id,
        )
        uow.commit()
    return token


def audit_patient(
    uow: UnitOfWork, state: DraftState, at: dt.datetime, action: str, new: dict[str, Any]
) -> None:
    """One audit event of the patient's draft (ids and codes only, never personal data)."""
    uow.audit.append(
        at=at,
        actor_id=PATIENT,
        actor_role=PATIENT,
        action=action,
        consent_id=state.consent_id,
        new=new,
        session_id=state.session_id,
    )


def reconsent_audit(uow: UnitOfWork, state: DraftState, at: dt.datetime) -> None:
    """Why this returning patient goes through the full consent (the queue shows the code)."""
    assert state.reconsent is not None
    audit_patient(
        uow,
        state,
        at,
        "consent.reconsent_required",
        {"reason": state.reconsent.reason, "replaces": state.reconsent.consent_id},
    )


def valid_token(token: str | None) -> bool:
    return bool(token) and bool(_TOKEN.match(token or ""))


def load_draft(ctx: AppContext, token: str | None) -> DraftState | None:
    """The draft under this token, or None when missing, expired, closed or malformed."""
    if not valid_token(token):
        return None
    with ctx.database.uow(read_only=True) as uow:  # one SELECT by token, no write lock
        data = uow.drafts.load(token, now(ctx))
    if data is None:
        return None
    try:
        state = DraftState.from_dict(data)
    except ValueError:
        return None  # an unreadable draft (e.g. from an incompatible version) starts afresh
    return on_current_content(ctx, state)


def save_draft(ctx: AppContext, token: str, state: DraftState) -> None:
    """Replace an open draft's state (one UPDATE); a closed or expired one is refused."""
    at = now(ctx)
    with ctx.database.uow(durable=False) as uow:  # a draft step, never a consent
        if not uow.drafts.update(token, state.to_dict(), at, ttl(ctx)):
            raise expired(lang_of(state))
        uow.commit()


def expired(lang: str) -> DomainError:
    return DomainError(t(lang, "patient.error.expired"))


def update(
    ctx: AppContext, token: str, change: Callable[[DraftState, Pack, dt.datetime], DraftState]
) -> DraftState:
    """Load the draft, apply one change, save it: one step of the flow, one transaction of
    two statements (a SELECT by token, an UPDATE by token of an open draft)."""
    return update_in(ctx, token, lambda state, pack, at, _uow: change(state, pack, at))


def update_in(
    ctx: AppContext,
    token: str,
    change: Callable[[DraftState, Pack, dt.datetime, UnitOfWork], DraftState],
    *,
    durable: bool = False,
) -> DraftState:
    """``update`` for a step that also reads records or audits in the same transaction (the
    course a returning patient has); ``durable`` for a step that audits a change of flow."""
    at = now(ctx)
    with ctx.database.uow(durable=durable) as uow:  # a draft step, never a consent
        data = uow.drafts.load(token, at) if valid_token(token) else None
        if data is None:
            raise expired("en")
        loaded = DraftState.from_dict(data)
        state = on_current_content(ctx, loaded, uow)
        if state.kind != loaded.kind and state.reconsent is not None:
            reconsent_audit(uow, state, at)  # a visit whose pack line was replaced
        pack = pack_of(ctx, state, uow)
        try:
            new = change(state, pack, at, uow)  # freshly parsed: nobody else holds it
        except FlowError as exc:
            raise DomainError(t(lang_of(state), exc.key, count=len(exc.missing))) from exc
        new.last_activity = at
        if not uow.drafts.update(token, new.to_dict(), at, ttl(ctx)):
            raise expired(lang_of(new))  # closed meanwhile (PostgreSQL; SQLite holds the lock)
        uow.commit()
    return new
