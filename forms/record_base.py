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

    # Fields added after records were first signed, one tuple per release that added some
    # (oldest first). The newest release's fields are left out of the canonical form while they
    # hold their default, so a record signed before them keeps the SHA-256 its sealed documents
    # name; ``known_sha256s`` also gives the hash each earlier release computed.
    later_fields: ClassVar[tuple[tuple[str, ...], ...]] = ()

    def _canonical(self, drop: tuple[tuple[str, ...], ...]) -> str:
        data = self.model_dump(mode="json")
        for name in (n for generation in drop for n in generation):
            default = type(self).model_fields[name].get_default(call_default_factory=True)
            if getattr(self, name) == default:
                del data[name]
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def canonical_json(self) -> str:
        """Stable JSON of the whole record (PNG as base64); a consent's hash goes in its PDF."""
        return self._canonical(self.later_fields[-1:])

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def known_sha256s(self) -> set[str]:
        """This record's SHA-256 as each release since its first computed it (today's first):
        a document sealed by an earlier release names one of these for an unchanged record."""
        gens = self.later_fields
        forms = [self.canonical_json()] + [self._canonical(gens[i:]) for i in range(len(gens))]
        return {hashlib.sha256(f.encode("utf-8")).hexdigest() for f in forms}
