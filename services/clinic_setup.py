"""What the clinic runs with, for the admin: content packs (version, active, reading level,
problems) and the settings as configured (secrets only as set / not set)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.staff import Role
from services.auth import (
    StaffSession,
    load_actor,
)
from services.context import AppContext


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
    for loaded in ctx.library.all():
        p = loaded.pack
        try:
            active = ctx.active_pack(p.language, p.id).version == p.version
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
