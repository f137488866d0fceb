"""Plain helpers for the staff tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

from accounts.staff import Role
from services.context import AppContext

PASSWORD = "correct horse battery"
TEAM = {
    Role.NURSE: ("nina", "Nina Nurse"),
    Role.CLINICIAN: ("carl", "Dr. Carl Clinician"),
    Role.FRONT_DESK: ("fran", "Fran Front"),
    Role.ADMIN: ("ada", "Ada Admin"),
}


def first_stop_question(ctx: AppContext) -> str:
    pack = ctx.active_pack("en")
    return next(r.question for r in pack.screening.rules if r.flag.value == "stop")


def all_yes(ctx: AppContext) -> dict[str, tuple[str, str]]:
    return {i.id: ("yes", "") for i in ctx.active_pack("en").nurse_checklist}


def timeout_ids(ctx: AppContext) -> list[str]:
    return [i.id for i in ctx.active_pack("en").timeout]
