"""The audit trail as an admin reads it: filtered rows, a CSV, and the hash chain's check."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from accounts.staff import Role
from language.spreadsheet import csv_bytes
from services.auth import (
    StaffSession,
    load_actor,
)
from services.context import AppContext


# -----------------------------------------------------------------------------
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


AUDIT_COLUMNS = ("id", "time", "actor", "role", "action", "consent_id", "old", "new")


def audit_csv(rows: list[AuditRow]) -> bytes:
    """The rows as CSV; a cell a spreadsheet would run as a formula is escaped (a staff name
    or a reason inside old/new is typed by people)."""
    return csv_bytes(
        AUDIT_COLUMNS,
        (
            [r.id, r.at.isoformat(), r.actor, r.role, r.action, r.consent_id, r.old, r.new]
            for r in rows
        ),
    )


def audit_chain(ctx: AppContext, staff: StaffSession | None):
    with ctx.database.uow() as uow:
        load_actor(uow, staff, Role.ADMIN)
        return uow.audit.check_chain()
