"""Staff accounts and roles (domain side; the store persists them, services/auth checks them)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    NURSE = "nurse"
    CLINICIAN = "clinician"
    FRONT_DESK = "front_desk"
    ADMIN = "admin"


class StaffUser(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: int | None = None  # assigned by the store; never reused
    username: str = Field(min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    display_name: str = Field(min_length=1, max_length=120)
    roles: frozenset[Role]
    password_hash: str
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None
    created_at: dt.datetime
    demo: bool = False

    def has(self, role: Role) -> bool:
        return role in self.roles

    def locked_at(self, now: dt.datetime) -> bool:
        """Locked out by wrong passwords at ``now`` (until ``locked_until``)."""
        return self.locked_until is not None and self.locked_until > now
