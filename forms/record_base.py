"""What every consent record part shares: the base model (strict, hashable as canonical JSON)
and the field types (aware times, names, notes), and reading a consent number. Pure.
``forms.record_parts`` re-exports them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from errors import DomainError


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("time must carry a time zone")
    return value


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


def as_consent_id(value: uuid.UUID | str) -> uuid.UUID:
    """A consent number as staff typed or a link carried it; a clear refusal for anything else."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise DomainError("That is not a consent number this clinic issued.") from None


class Record(BaseModel):
    # Bytes (signature PNGs) travel as base64 in JSON, so canonical_json() works and round-trips.
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, ser_json_bytes="base64", val_json_bytes="base64"
    )

    # Fields added after records were first signed: left out of the canonical form while they
    # hold their default, so an older record's SHA-256 stays the one its sealed documents name.
    later_fields: ClassVar[tuple[str, ...]] = ()

    def canonical_json(self) -> str:
        """Stable JSON of the whole record (PNG as base64); a consent's hash goes in its PDF."""
        data = self.model_dump(mode="json")
        for name in self.later_fields:
            default = type(self).model_fields[name].get_default(call_default_factory=True)
            if getattr(self, name) == default:
                del data[name]
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
