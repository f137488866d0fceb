"""Administration: staff accounts, the audit trail, content packs, settings as configured.

Accounts are disabled, never deleted, and their ids are never reused (the store assigns them).
The command line acts as the server's administrator (``actor=None`` with ``via_cli=True``):
whoever can run ``python cli.py`` on the server already holds the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
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
            password_hash=hash_password(password),
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
        user.password_hash = hash_password(new_password)
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


# --- audit trail --------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor: str  # display name, "patient", "cli" or "unknown"
    role: str
    action: str
    consent_id: str
    old: str
    new: str


def audit_trail(
    ctx: AppContext,
    staff: StaffSession | None,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    actor_id: str | None = None,
    action: str | None = None,
    consent_id: str | None = None,
) -> list[AuditRow]:
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
        names = {str(u.id): u.display_name for u in uow.users.list()}
        events = uow.audit.query(
            date_from=date_from,
            date_to=date_to,
            actor_id=(actor_id or None),
            action=(action or None),
            consent_id=(consent_id or None),
        )
    tz = ctx.settings.tz
    return [
        AuditRow(
            id=e.id,
            at=e.at.astimezone(tz),
            actor=names.get(e.actor_id, e.actor_id),
            role=e.actor_role,
            action=e.action,
            consent_id=str(e.consent_id or ""),
            old=json.dumps(e.old, sort_keys=True, ensure_ascii=False) if e.old else "",
            new=json.dumps(e.new, sort_keys=True, ensure_ascii=False) if e.new else "",
        )
        for e in events
    ]


def audit_csv(rows: list[AuditRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "time", "actor", "role", "action", "consent_id", "old", "new"])
    for r in rows:
        writer.writerow(
            [r.id, r.at.isoformat(), r.actor, r.role, r.action, r.consent_id, r.old, r.new]
        )
    return out.getvalue().encode("utf-8")


def audit_chain(ctx: AppContext, staff: StaffSession | None):
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
        return uow.audit.check_chain()


# --- content packs and settings ---------------------------------------------------------
@dataclass(frozen=True)
class PackRow:
    pack_id: str
    version: str
    language: str
    active: bool
    effective_date: dt.date
    approved_by: str
    fingerprint: str
    hardest_section: str  # reading level, e.g. "grade 6.1 (Risks)"


def _reading(pack, values) -> str:
    try:
        from checklist.readability import score_pack
    except ImportError:  # readability is optional
        return ""
    try:
        scores = score_pack(pack, values)
    except Exception:  # a measure failing must not hide the pack list
        return "not measured"
    graded = [s for s in scores if s.grade is not None]
    if graded:
        worst = max(graded, key=lambda s: s.grade or 0)
        return f"grade {worst.grade:.1f} at most ({worst.title})"
    spanish = [s for s in scores if s.fernandez_huerta is not None]
    if spanish:
        worst = min(spanish, key=lambda s: s.fernandez_huerta or 0)
        return f"Fernández-Huerta {worst.fernandez_huerta:.0f} at least ({worst.title})"
    return "no measure for this language"


def pack_list(ctx: AppContext, staff: StaffSession | None) -> list[PackRow]:
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
    rows = []
    lib = ctx.library
    for loaded in lib.all():
        p = loaded.pack
        try:
            active = lib.active(p.id, p.language, ctx.settings.active_versions).version == p.version
        except KeyError:
            active = False
        rows.append(
            PackRow(
                p.id,
                p.version,
                p.language,
                active,
                p.effective_date,
                p.approved_by,
                p.fingerprint[:12],
                _reading(p, ctx.settings.placeholder_values),
            )
        )
    return rows


def pack_problems(ctx: AppContext, staff: StaffSession | None) -> list[str]:
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
    return list(ctx.library.problems)


SECRET_SETTINGS = {"encryption_key", "seal_p12_password", "database_url"}


def settings_view(ctx: AppContext, staff: StaffSession | None) -> list[tuple[str, str]]:
    """Settings as configured (environment / secrets.toml); secrets shown only as set or not."""
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
    s = ctx.settings
    rows = []
    for name in type(s).model_fields:
        value = getattr(s, name)
        if name in SECRET_SETTINGS:
            shown = "set" if value else "not set"
        else:
            shown = str(value) if value not in (None, {}, "") else "—"
        rows.append((name, shown))
    rows.append(("database", s.resolved_database_url.split(":", 1)[0]))
    return rows


def role_label(role: Role) -> str:
    return ROLE_LABELS[role]
