"""Administration of staff accounts (the audit trail: services/audit_trail.py; packs and settings:
services/clinic_setup.py).

Accounts are disabled, never deleted, and their ids are never reused (the store assigns them).
The command line acts as the server's administrator (``actor=None`` with ``via_cli=True``):
whoever can run ``python cli.py`` on the server already holds the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError

from accounts.staff import Role, StaffUser
from errors import DomainError
from services.auth import (
    ROLE_LABELS,
    StaffSession,
    get_user,
    hash_password,
    load_actor,
    password_problem,
)
from services.context import AppContext

CLI_ACTOR = "cli"


@dataclass(frozen=True)
class _Actor:
    actor_id: str
    role: str
    session_id: str | None


def _actor(uow, staff: StaffSession | None, via_cli: bool) -> _Actor:
    if via_cli:
        return _Actor(CLI_ACTOR, Role.ADMIN.value, None)
    user, role = load_actor(uow, staff, Role.ADMIN)
    assert staff is not None
    return _Actor(str(user.id), role.value, staff.session_id)


def _audit(ctx: AppContext, uow, actor: _Actor, action: str, user: StaffUser, old=None, new=None):
    uow.audit.append(
        at=ctx.clock.now(),
        actor_id=actor.actor_id,
        actor_role=actor.role,
        action=action,
        old=old,
        new={"user_id": user.id, "username": user.username, **(new or {})},
        session_id=actor.session_id,
    )


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    roles = set()
    for value in values:
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            roles.add(Role(key))
        except ValueError:
            names = ", ".join(r.value for r in Role)
            raise DomainError(f"Unknown role {value!r}. Roles are: {names}.") from None
    if not roles:
        raise DomainError("Give the account at least one role.")
    return frozenset(roles)


# --- accounts -----------------------------------------------------------------------------
def list_users(ctx: AppContext, staff: StaffSession | None) -> list[StaffUser]:
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
        return sorted(uow.users.list(), key=lambda u: u.id or 0)


def add_user(
    ctx: AppContext,
    staff: StaffSession | None,
    *,
    username: str,
    display_name: str,
    roles: Iterable[Role | str],
    password: str,
    demo: bool = False,
    via_cli: bool = False,
) -> StaffUser:
    username = (username or "").strip().lower()
    display_name = " ".join((display_name or "").split()) or username
    role_set = parse_roles(r.value if isinstance(r, Role) else r for r in roles)
    if problem := password_problem(password, username):
        raise DomainError(problem)
    try:
        user = StaffUser(
            username=username,
            display_name=display_name,
            roles=role_set,
            password_hash=hash_password(ctx, password),
            created_at=ctx.clock.now(),
            demo=demo,
        )
    except ValidationError:
        raise DomainError(
            "Usernames are 2 to 60 characters: lower-case letters, digits, dot, dash or "
            "underscore, starting with a letter or digit. The display name is at most 120."
        ) from None
    with ctx.database.uow() as uow:
        actor = _actor(uow, staff, via_cli)
        if uow.users.by_username(username) is not None:
            raise DomainError(
                f"The username {username} is already taken (disabled accounts keep theirs)."
            )
        user = uow.users.add(user)
        _audit(
            ctx,
            uow,
            actor,
            "user.created",
            user,
            new={"roles": sorted(r.value for r in role_set), "display_name": display_name},
        )
        uow.commit()
        return user


def _get(uow, user_id: int | str) -> StaffUser:
    user = None
    if isinstance(user_id, str) and not user_id.isdigit():
        user = uow.users.by_username(user_id.strip().lower())
    else:
        user = get_user(uow, int(user_id))
    if user is None:
        raise DomainError(f"No staff account {user_id}.")
    return user


def _active_admins(uow) -> list[StaffUser]:
    return [u for u in uow.users.list() if not u.disabled and u.has(Role.ADMIN)]


def set_disabled(
    ctx: AppContext,
    staff: StaffSession | None,
    user_id: int | str,
    disabled: bool,
    *,
    via_cli: bool = False,
) -> StaffUser:
    with ctx.database.uow() as uow:
        actor = _actor(uow, staff, via_cli)
        user = _get(uow, user_id)
        if user.disabled == disabled:
            return user
        if disabled and user.has(Role.ADMIN) and len(_active_admins(uow)) <= 1:
            raise DomainError("Keep at least one active administrator.")
        user.disabled = disabled
        if not disabled:
            user.failed_attempts = 0
            user.locked_until = None
        uow.users.update(user)
        _audit(ctx, uow, actor, "user.disabled" if disabled else "user.enabled", user)
        uow.commit()
        return user


def reset_password(
    ctx: AppContext,
    staff: StaffSession | None,
    user_id: int | str,
    new_password: str,
    *,
    via_cli: bool = False,
) -> StaffUser:
    """A new password, and the lockout lifted. The password itself is never logged."""
    with ctx.database.uow() as uow:
        actor = _actor(uow, staff, via_cli)
        user = _get(uow, user_id)
        if problem := password_problem(new_password, user.username):
            raise DomainError(problem)
        user.password_hash = hash_password(ctx, new_password)
        user.failed_attempts = 0
        user.locked_until = None
        uow.users.update(user)
        _audit(ctx, uow, actor, "user.password_reset", user)
        uow.commit()
        return user


def set_roles(
    ctx: AppContext,
    staff: StaffSession | None,
    user_id: int | str,
    roles: Iterable[Role | str],
    *,
    via_cli: bool = False,
) -> StaffUser:
    role_set = parse_roles(r.value if isinstance(r, Role) else r for r in roles)
    with ctx.database.uow() as uow:
        actor = _actor(uow, staff, via_cli)
        user = _get(uow, user_id)
        old = sorted(r.value for r in user.roles)
        if (
            user.has(Role.ADMIN)
            and Role.ADMIN not in role_set
            and not user.disabled
            and len(_active_admins(uow)) <= 1
        ):
            raise DomainError("Keep at least one active administrator.")
        user.roles = role_set
        uow.users.update(user)
        _audit(
            ctx,
            uow,
            actor,
            "user.roles_changed",
            user,
            old={"roles": old},
            new={"roles": sorted(r.value for r in role_set)},
        )
        uow.commit()
        return user


def role_label(role: Role) -> str:
    return ROLE_LABELS[role]
