"""The clinic details printed on every document."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict


class ClinicInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    address: str
    phone: str
    timezone: str = "America/New_York"
    language: str = "en"  # staff sections of documents

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
