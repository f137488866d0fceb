"""Staff sessions any app server can resume (issue #18): the database row behind the cookie.

A sign-in on the tablet stores a session row and a one-time ticket; the browser trades the
ticket (in a POST body, never a URL) for an HttpOnly cookie holding a random token
(web/staff_cookie.py). A new Streamlit session, on this server or another after a server went
away, hands that token to ``resume``: the same idle timeout, the absolute lifetime and the
account checks (enabled, not locked) decide, as at sign-in. Only SHA-256 digests of the ticket
and the token are stored, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from services import auth
from services.auth import StaffSession, get_user
from services.context import AppContext

COOKIE = "consent_staff"
START_PATH = "/_consent/session"  # web/staff_cookie.py: trade a ticket for the cookie
END_PATH = "/_consent/session/end"  # web/staff_cookie.py: end the session, clear the cookie
TICKET_LIFETIME = dt.timedelta(seconds=60)  # the browser uses it at once; a minute is plenty
KEEP_ENDED = dt.timedelta(days=7)  # then the rows go; the audit trail keeps every sign-in/out
MAX_SECRET = 128  # a longer "token" is not one of ours: refused before hashing


@dataclass(frozen=True)
class Cookie:
    token: str
    max_age: int  # seconds: the session's absolute expiry, however active


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _plausible(secret: str | None) -> bool:
    return bool(secret) and len(secret or "") <= MAX_SECRET


def sign_in(ctx: AppContext, username: str, password: str) -> tuple[StaffSession, str]:
    """``auth.sign_in`` (lockout and audit as ever), then the session is stored; returns it and
    the one-time ticket the browser trades for the cookie."""
    staff = auth.sign_in(ctx, username, password)
    return staff, open_session(ctx, staff)


def open_session(ctx: AppContext, staff: StaffSession) -> str:
    """Store a just-signed-in session; the ticket (its digest is kept) lasts about a minute."""
    now = ctx.clock.now()
    ticket = secrets.token_urlsafe(32)
    with ctx.database.uow() as uow:
        uow.staff_sessions.purge(before=now - KEEP_ENDED)
        uow.staff_sessions.add(
            staff.session_id,
            staff.id,
            at=now,
            expires_at=now + dt.timedelta(hours=ctx.settings.staff_session_hours),
        )
        uow.staff_sessions.add_ticket(
            digest(ticket), staff.session_id, expires_at=now + TICKET_LIFETIME
        )
        uow.commit()
    return ticket


def redeem(ctx: AppContext, ticket: str | None) -> Cookie | None:
    """Trade a ticket, once, for a new cookie token; None if unknown, used, expired or its
    session is over."""
    if not _plausible(ticket):
        return None
    assert ticket is not None
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        session_id = uow.staff_sessions.use_ticket(digest(ticket), at=now)
        row = uow.staff_sessions.get(session_id) if session_id else None
        if row is None or row.ended_at is not None or row.expires_at <= now:
            uow.commit()  # a ticket is spent even when its session is over
            return None
        token = secrets.token_urlsafe(32)
        uow.staff_sessions.set_token(row.id, digest(token))
        uow.commit()
    return Cookie(token=token, max_age=int((row.expires_at - now).total_seconds()))


def _end(uow, row, user, *, at: dt.datetime, reason: str) -> None:
    """End a stored session, audited as a sign-out, unless something ended it already."""
    if uow.staff_sessions.end(row.id, at=at, reason=reason):
        auth.audit_user(
            uow,
            at=at,
            user=user,
            user_id=row.user_id,
            action="user.signed_out",
            new={"reason": reason},
            session_id=row.id,
        )


def resume(ctx: AppContext, token: str | None) -> StaffSession | None:
    """The session a cookie names, for a new browser session; None if there is none to resume.

    Raises ``auth.SessionExpired`` (with the usual message) if it sat idle too long: it is
    ended and audited as an idle sign-out, as the server that lost it would have done. A
    disabled or locked account ends it too.
    """
    if not _plausible(token):
        return None
    assert token is not None
    now = ctx.clock.now()
    idle = dt.timedelta(minutes=ctx.settings.staff_idle_minutes)
    with ctx.database.uow() as uow:
        row = uow.staff_sessions.by_token(digest(token))
        if row is None or row.ended_at is not None:
            return None
        user = get_user(uow, row.user_id)
        reason = None
        if row.expires_at <= now:
            reason = "expired"
        elif now - row.last_seen_at >= idle:
            reason = "idle"
        elif user is None or user.disabled:
            reason = "disabled"
        elif user.locked_at(now):
            reason = "locked"
        if reason is not None:
            _end(uow, row, user, at=now, reason=reason)
            uow.commit()
            if reason == "idle":
                raise auth.idle_signed_out(ctx)
            return None
        assert user is not None and user.id is not None
        uow.staff_sessions.seen(row.id, at=now)
        auth.audit_user(uow, at=now, user=user, action="user.session_resumed", session_id=row.id)
        uow.commit()
    return StaffSession(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset(user.roles),
        session_id=row.id,
        signed_in_at=row.created_at,
        last_seen=now,
    )


def still_open(ctx: AppContext, staff: StaffSession) -> bool:
    """Save this tab's activity and say whether its stored session is still open (not ended by
    a sign-out elsewhere, not past its absolute lifetime: that one is ended here, audited). The
    caller decides how often (ui.staff_session: about once a minute). A session that was never
    stored (signed in by a test's service call) has nothing to save and stays open."""
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        row = uow.staff_sessions.get(staff.session_id)
        if row is None:
            return True
        if row.ended_at is not None:
            return False
        if row.expires_at <= now:
            _end(uow, row, get_user(uow, row.user_id), at=now, reason="expired")
            uow.commit()
            return False
        uow.staff_sessions.seen(row.id, at=now)
        uow.commit()
    return True


def end_by_token(ctx: AppContext, token: str | None, *, reason: str) -> None:
    """The cookie is being cleared: end the session it names, if still open (audited)."""
    if not _plausible(token):
        return
    assert token is not None
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        row = uow.staff_sessions.by_token(digest(token))
        if row is not None and row.ended_at is None:
            _end(uow, row, get_user(uow, row.user_id), at=now, reason=reason)
            uow.commit()
