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
    # How an EHR knows the clinic and its patients (FHIR identifier systems and the clinic's
    # own identifier, e.g. its NPI): settings, see forms/fhir_parties.py.
    identifier_system: str | None = None
    identifier: str | None = None
    mrn_system: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
