"""The procedure sign-out (WHO phase 3, for sclerotherapy): what was injected, how much, the lot,
what was treated, compression, the observation after, adverse events, aftercare and the next
visit. Entered by the clinician, or by a nurse for the clinician to co-sign.

``SignOutEntry`` is what the form holds; ``problems`` is the one list of what blocks signing:
foam over the session maximum, an expired lot, a missing field. Each blocks until corrected or
justified by the clinician with a reason (the record keeps both). ``errors`` are what no reason
can justify (a volume on a leg the consent does not name, an observation marked with no note).
Pure: no Streamlit, no SQL. Codes are stored; words are the message catalog's
(``language/messages/<lang>/care.yaml``), rendered at the edge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from checklist.text import MAX_NOTE
from forms.record_base import AwareDatetime, Name, Record
from forms.record_care import AGENT_CODE, STRENGTH
from forms.record_parts import Signature

FOAM_MAX_ML = 10.0  # per session: larger foam volumes are linked to thrombotic events
GASES = ("room_air", "co2", "co2_o2")
COMPRESSION_CLASSES = ("class_1", "class_2", "class_3", "bandage", "none")
OBSERVED_AREAS = ("vision", "chest", "neurological", "skin")
SEVERITIES = ("mild", "moderate", "severe")
LEGS = {"left_leg": ("left",), "right_leg": ("right",), "both_legs": ("left", "right")}
# Every field the sign-out needs, in the form's order: a missing one is problem "missing.<f>".
REQUIRED = (
    "sclerosant",
    "form",
    "gas",
    "ratio",
    "volume",
    "lot_number",
    "lot_expiry",
    "areas",
    "compression",
    "compression_days",
    "observation_minutes",
    "observations",
    "adverse_events",
    "aftercare_explained",
    "next_visit",
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class Observation(Record):
    area: Literal["vision", "chest", "neurological", "skin"]
    finding: Literal["none", "observed"]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE)] = ""
    # what was observed (required when observed)


class AdverseEvent(Record):
    what: Text
    severity: Literal["mild", "moderate", "severe"]
    action: Text  # what was done about it


class SignOutEntry(Record):
    """The sign-out form's values. Every field may be empty while it is being filled in;
    ``problems`` names what is still missing."""

    agent: Annotated[str, StringConstraints(pattern=AGENT_CODE)] | None = None
    strength: Annotated[str, StringConstraints(pattern=STRENGTH)] | None = None
    form: Literal["liquid", "foam"] | None = None
    gas: Literal["room_air", "co2", "co2_o2"] | None = None  # foam only
    ratio: Annotated[str, StringConstraints(pattern=r"^\d{1,2}:\d{1,2}$")] | None = None  # foam
    volume_left_ml: float | None = Field(default=None, ge=0, le=100)
    volume_right_ml: float | None = Field(default=None, ge=0, le=100)
    lot_number: Short | None = None
    lot_expiry: dt.date | None = None
    areas: Text | None = None  # the veins or areas treated
    compression: Literal["class_1", "class_2", "class_3", "bandage", "none"] | None = None
    compression_days: int | None = Field(default=None, ge=0, le=90)
    observation_minutes: int | None = Field(default=None, ge=0, le=240)
    observations: list[Observation] = Field(default_factory=list)
    no_adverse_events: bool | None = None  # True: none; False: each one below
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    aftercare_explained: bool | None = None
    next_visit_on: dt.date | None = None
    no_next_visit: bool = False  # the course ends here: no next visit to book

    @property
    def total_ml(self) -> float:
        return round((self.volume_left_ml or 0.0) + (self.volume_right_ml or 0.0), 2)

    def _missing(self, site: str) -> list[str]:
        volumes = {"left": self.volume_left_ml, "right": self.volume_right_ml}
        # A site recorded as words before codes names no leg for sure: one volume is enough.
        legs = LEGS.get(site)
        no_volume = (
            any(volumes[leg] is None for leg in legs)
            if legs
            else all(v is None for v in volumes.values())
        )
        foam = self.form == "foam"
        gaps = {
            "sclerosant": self.agent is None or self.strength is None,
            "form": self.form is None,
            "gas": foam and self.gas is None,
            "ratio": foam and self.ratio is None,
            "volume": no_volume,
            "lot_number": self.lot_number is None,
            "lot_expiry": self.lot_expiry is None,
            "areas": self.areas is None,
            "compression": self.compression is None,
            "compression_days": self.compression not in (None, "none")
            and self.compression_days is None,
            "observation_minutes": self.observation_minutes is None,
            "observations": {o.area for o in self.observations} != set(OBSERVED_AREAS),
            "adverse_events": self.no_adverse_events is None
            or (self.no_adverse_events is False and not self.adverse_events),
            "aftercare_explained": self.aftercare_explained is not True,
            "next_visit": self.next_visit_on is None and not self.no_next_visit,
        }
        return [f"missing.{name}" for name in REQUIRED if gaps[name]]

    def problems(self, *, site: str, today: dt.date) -> list[str]:
        """Codes of what blocks signing until corrected or justified: ``foam_over_max``,
        ``lot_expired``, ``missing.<field>`` (``REQUIRED``'s order)."""
        found = []
        if self.form == "foam" and self.total_ml > FOAM_MAX_ML:
            found.append("foam_over_max")
        if self.lot_expiry is not None and self.lot_expiry < today:
            found.append("lot_expired")
        return found + self._missing(site)

    def errors(self, *, site: str, today: dt.date) -> list[str]:
        """Codes of what must be corrected (no reason justifies it)."""
        found = []
        legs = LEGS.get(site, ("left", "right"))  # words, not a code: either leg may be named
        if "left" not in legs and self.volume_left_ml:
            found.append("volume_other_leg.left")
        if "right" not in legs and self.volume_right_ml:
            found.append("volume_other_leg.right")
        if self.form == "liquid" and (self.gas or self.ratio):
            found.append("gas_for_liquid")
        if any(o.finding == "observed" and not o.note.strip() for o in self.observations):
            found.append("observation_note")
        if len({o.area for o in self.observations}) != len(self.observations):
            found.append("observation_twice")
        if self.no_adverse_events and self.adverse_events:
            found.append("adverse_both")
        if self.next_visit_on is not None and self.next_visit_on < today:
            found.append("next_visit_past")
        if self.next_visit_on is not None and self.no_next_visit:
            found.append("next_visit_both")
        return found


class SignOut(Record):
    """The sign-out on a consent or visit record: the entry, who entered it, and once signed
    the clinician's justifications (each problem's code and reason) and signature."""

    entry: SignOutEntry
    entered_by_id: int
    entered_by_name: Name
    entered_role: Literal["nurse", "clinician"]
    entered_at: AwareDatetime
    problems_at_signing: list[str] = Field(default_factory=list)
    justifications: dict[str, Text] = Field(default_factory=dict)  # problem code -> reason
    clinician_id: int | None = None
    clinician_name: Name | None = None
    signed_at: AwareDatetime | None = None
    signature: Signature | None = None

    @property
    def signed(self) -> bool:
        return self.signature is not None

    @property
    def cosigned(self) -> bool:
        """Entered by a nurse and signed by a clinician."""
        return self.signed and self.entered_role == "nurse"


@dataclass(frozen=True)
class Check:
    """The sign-out form's standing for the screen: what must be corrected and what must be
    corrected or justified."""

    errors: list[str]
    problems: list[str]

    @property
    def clean(self) -> bool:
        return not self.errors and not self.problems
