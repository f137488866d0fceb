"""Staff sign-in, lockout, idle logoff, password re-entry for e-signatures, role checks.

Passwords are hashed with argon2id at the cost the settings give (CONSENT_ARGON2_*; by default
argon2-cffi's, RFC 9106 low-memory profile). Each hash carries its own parameters, so a hash made
at another cost still verifies; a successful sign-in re-hashes it at the configured cost. A
signed-in person is a ``StaffSession``; every service call reloads the account from the store
(``load_actor``), so a disabled account or a removed role stops working at once, whatever the
menu of an open browser tab still shows.

It is over 300 lines because sign-in, lockout, idle logoff and re-entry at signing share the
same account checks and audit events (21 CFR 11.300 controls in one place).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, replace
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accounts.staff import Role, StaffUser
from errors import DomainError
from services.context import AppContext
from settings import Settings

MIN_PASSWORD_LENGTH = 10
ROLE_LABELS: dict[Role, str] = {
    Role.NURSE: "Nurse",
    Role.CLINICIAN: "Clinician",
    Role.FRONT_DESK: "Front desk",
    Role.ADMIN: "Administrator",
}


class NotAllowed(DomainError):
    """The caller is not signed in, is disabled, or lacks the role for this action."""


class SignInFailed(DomainError):
    """Wrong username or password, a locked or a disabled account."""


class AccountLocked(SignInFailed):
    pass


class AccountDisabled(SignInFailed):
    pass


class SessionExpired(DomainError):
    """The staff session was idle too long."""


class WrongPassword(DomainError):
    """Password re-entry for an e-signature failed; nothing was signed."""


@dataclass(frozen=True)
class StaffSession:
    """Who is signed in on this browser tab. Kept in st.session_state; holds no secret."""

    id: int  # the StaffUser id
    username: str
    display_name: str
    roles: frozenset[Role]
    session_id: str  # random, per sign-in; goes into audit events
    signed_in_at: dt.datetime
    last_seen: dt.datetime

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def role_names(self) -> str:
        return ", ".join(ROLE_LABELS[r] for r in Role if r in self.roles)


# --- passwords ------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def _hasher(settings: Settings) -> PasswordHasher:
    """The argon2id hasher for the configured cost, built once per parameter set."""
    return _hasher_for(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


@lru_cache(maxsize=8)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the username is unknown, so a wrong name costs as long as a wrong
    password (made on first use: importing this module hashes nothing)."""
    return hasher.hash("not a real password " + secrets.token_hex(8))


def hash_password(ctx: AppContext, password: str) -> str:
    return _hasher(ctx.settings).hash(password)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters for the password."
    if username and password.strip().lower() == username.lower():
        return "The password must not be the username."
    if password != password.strip():
        return "The password must not start or end with a space."
    return None


def _matches(ctx: AppContext, password_hash: str, password: str) -> bool:
    try:
        return _hasher(ctx.settings).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _fmt_time(ctx: AppContext, when: dt.datetime) -> str:
    return when.astimezone(ctx.settings.tz).strftime("%H:%M %Z")  # the clinic zone, e.g. 07:23 EST


# --- role checks ----------------------------------------------------------------------------
def require(user: StaffSession | StaffUser | None, *roles: Role) -> Role:
    """The first of ``roles`` the user holds; NotAllowed if none (or nobody is signed in)."""
    if user is None:
        raise NotAllowed("Please sign in as staff first.")
    if isinstance(user, StaffUser) and user.disabled:
        raise NotAllowed("This account is disabled. Ask an administrator.")
    for role in roles:
        if user.has(role):
            return role
    wanted = " or ".join(ROLE_LABELS[r].lower() for r in roles)
    raise NotAllowed(f"Only a {wanted} can do this. You are signed in as {user.display_name}.")


def load_actor(uow, staff: StaffSession | None, *roles: Role) -> tuple[StaffUser, Role]:
    """Reload the signed-in account inside ``uow`` and check it may act in one of ``roles``."""
    if staff is None:
        raise NotAllowed("Please sign in as staff first.")
    user = get_user(uow, staff.id)
    if user is None:
        raise NotAllowed("This staff account no longer exists. Sign in again.")
    return user, require(user, *roles)


def get_user(uow, user_id: int) -> StaffUser | None:
    from store.errors import NotFound

    try:
        return uow.users.get(user_id)
    except NotFound:
        return None


# --- sign-in --------------------------------------------------------------------------------
def new_session_id() -> str:
    return secrets.token_urlsafe(16)


def session_roles(roles) -> str:
    """The account's roles for a session event ("clinician+nurse"): no one role is acting yet."""
    return "+".join(sorted(r.value for r in roles)) or "staff"


def audit_user(
    uow,
    *,
    at,
    user: StaffUser | StaffSession | None,
    action: str,
    session_id,
    new=None,
    user_id: int | None = None,
) -> None:
    """A sign-in event (signed in, out, resumed, locked...) as the account's roles; an account
    gone since is named by ``user_id`` when known."""
    fallback = str(user_id) if user_id is not None else "unknown"
    uow.audit.append(
        at=at,
        actor_id=str(user.id) if user is not None else fallback,
        actor_role=session_roles(user.roles) if user is not None else "staff",
        action=action,
        new=new,
        session_id=session_id,
    )


def sign_in(
    ctx: AppContext, username: str, password: str, *, session_id: str | None = None
) -> StaffSession:
    """Check the password; count failures and lock after ``lockout_attempts`` (audited)."""
    now = ctx.clock.now()
    session_id = session_id or new_session_id()
    name = (username or "").strip().lower()
    with ctx.database.uow() as uow:
        user = uow.users.by_username(name) if name else None
        if user is None:
            _matches(ctx, _dummy_hash(_hasher(ctx.settings)), password or "")
            # The typed name is not stored: it may be a password typed into the wrong box.
            audit_user(
                uow,
                at=now,
                user=None,
                action="user.sign_in_failed",
                session_id=session_id,
                new={"reason": "unknown username"},
            )
            uow.commit()
            raise SignInFailed("Wrong username or password. Check both and try again.")
        if user.locked_at(now):
            audit_user(
                uow,
                at=now,
                user=user,
                action="user.sign_in_failed",
                session_id=session_id,
                new={"reason": "locked"},
            )
            uow.commit()
            raise AccountLocked(
                "This account is locked after too many wrong passwords. Try again after "
                f"{_fmt_time(ctx, user.locked_until)} or ask an administrator to reset it."
            )
        if not _matches(ctx, user.password_hash, password or ""):
            _record_failure(ctx, uow, user, now, session_id, "wrong password")
            uow.commit()
            raise SignInFailed(_failure_message(ctx, user))
        if user.disabled:
            audit_user(
                uow,
                at=now,
                user=user,
                action="user.sign_in_failed",
                session_id=session_id,
                new={"reason": "disabled"},
            )
            uow.commit()
            raise AccountDisabled("This account is disabled. Ask an administrator.")
        user.failed_attempts = 0
        user.locked_until = None
        hasher = _hasher(ctx.settings)
        if hasher.check_needs_rehash(user.password_hash):  # made at another cost: bring it to ours
            user.password_hash = hasher.hash(password)
        uow.users.update(user)
        audit_user(uow, at=now, user=user, action="user.signed_in", session_id=session_id)
        uow.commit()
    assert user.id is not None
    return StaffSession(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset(user.roles),
        session_id=session_id,
        signed_in_at=now,
        last_seen=now,
    )


def _record_failure(ctx: AppContext, uow, user: StaffUser, now, session_id, reason: str) -> None:
    user.failed_attempts += 1
    audit_user(
        uow,
        at=now,
        user=user,
        action="user.sign_in_failed",
        session_id=session_id,
        new={"reason": reason, "failed_attempts": user.failed_attempts},
    )
    if user.failed_attempts >= ctx.settings.lockout_attempts:
        user.locked_until = now + dt.timedelta(minutes=ctx.settings.lockout_minutes)
        user.failed_attempts = 0
        audit_user(
            uow,
            at=now,
            user=user,
            action="user.locked",
            session_id=session_id,
            new={"locked_until": user.locked_until.isoformat()},
        )
    uow.users.update(user)


def _failure_message(ctx: AppContext, user: StaffUser) -> str:
    if user.locked_at(ctx.clock.now()):
        return (
            f"Wrong password. The account is now locked for {ctx.settings.lockout_minutes} "
            "minutes; an administrator can reset it sooner."
        )
    left = ctx.settings.lockout_attempts - user.failed_attempts
    tries = "try locks" if left == 1 else "tries lock"
    return f"Wrong username or password. {left} more wrong {tries} the account."


def reauthenticate(ctx: AppContext, staff: StaffSession | None, password: str) -> StaffUser:
    """Password re-entry for an e-signature (21 CFR 11.200: ID + password at signing).

    Runs in its own transaction so a wrong password is counted and audited even though the
    signing itself does not happen.
    """
    now = ctx.clock.now()
    if staff is None:
        raise NotAllowed("Please sign in as staff first.")
    with ctx.database.uow() as uow:
        user = get_user(uow, staff.id)
        if user is None or user.disabled:
            raise NotAllowed("This account is disabled. Ask an administrator.")
        if user.locked_at(now):
            raise WrongPassword(
                "This account is locked after too many wrong passwords; nothing was signed."
            )
        if not password or not _matches(ctx, user.password_hash, password):
            _record_failure(ctx, uow, user, now, staff.session_id, "wrong password at signing")
            uow.commit()
            raise WrongPassword("That password is not right, so nothing was signed. Try again.")
        if user.failed_attempts:
            user.failed_attempts = 0
            uow.users.update(user)
            uow.commit()
        return user


# --- idle logoff ----------------------------------------------------------------------------
def idle_for(ctx: AppContext, staff: StaffSession) -> dt.timedelta:
    return ctx.clock.now() - staff.last_seen


def is_expired(ctx: AppContext, staff: StaffSession) -> bool:
    return idle_for(ctx, staff) >= dt.timedelta(minutes=ctx.settings.staff_idle_minutes)


def touch(ctx: AppContext, staff: StaffSession) -> StaffSession:
    """Mark activity now; SessionExpired (and an audited sign-out) if the session sat idle."""
    if is_expired(ctx, staff):
        sign_out(ctx, staff, reason="idle")
        raise idle_signed_out(ctx)
    return replace(staff, last_seen=ctx.clock.now())


def idle_signed_out(ctx: AppContext) -> SessionExpired:
    """The one message for a session that sat idle, on this server or resumed on another."""
    minutes = ctx.settings.staff_idle_minutes
    return SessionExpired(
        f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} without "
        "activity. Sign in again."
    )


def sign_out(ctx: AppContext, staff: StaffSession, *, reason: str = "user") -> None:
    """Audited; the stored session (services.staff_sessions) ends too, so its cookie no longer
    signs anyone in on any server."""
    now = ctx.clock.now()
    with ctx.database.uow() as uow:
        uow.staff_sessions.end(staff.session_id, at=now, reason=reason)
        audit_user(
            uow,
            at=now,
            user=staff,
            action="user.signed_out",
            new={"reason": reason},
            session_id=staff.session_id,
        )
        uow.commit()


def has_any_user(ctx: AppContext) -> bool:
    with ctx.database.uow() as uow:
        return bool(uow.users.list())
