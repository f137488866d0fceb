"""The sign-out form's raw values (what a page, the CLI or a test typed) turned into a
``forms.sign_out.SignOutEntry``, or a DomainError that says which field is wrong and how to
write it. Never a pydantic traceback: a volume of "abc", a ratio of "4", a date in 1900 or a
10,000-character note each get their own sentence.

The agent and strength come from the clinic's list (settings ``sclerosants``), read through
``forms.record_care.parse_sclerosant``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from errors import DomainError
from forms.record_care import parse_sclerosant, short_enough
from forms.sign_out import OBSERVED_AREAS, AdverseEvent, Observation, SignOutEntry

Raw = str | float | int | None
RawDate = dt.date | str | None

# A lot expires within a few years of being made, and the next visit is within the course:
# a date outside these is a typing mistake, not something to justify.
LOT_EXPIRY_YEARS_BACK = 5
LOT_EXPIRY_YEARS_AHEAD = 10
NEXT_VISIT_YEARS_AHEAD = 2

# How each field of the entry is named, and how to write it, when its value is refused.
FIELD_HELP = {
    "agent": "Choose the agent and strength from the clinic's list.",
    "strength": "Choose the agent and strength from the clinic's list.",
    "form": "Choose liquid or foam.",
    "gas": "Choose the foam's gas from the list.",
    "ratio": "Write the foam's liquid-to-gas ratio as two numbers with a colon, e.g. 1:4.",
    "volume_left_ml": "The left leg's volume must be a number of mL from 0 to 100.",
    "volume_right_ml": "The right leg's volume must be a number of mL from 0 to 100.",
    "lot_number": "The lot number must be 60 characters at most.",
    "lot_expiry": "Write the lot's expiry date as YYYY-MM-DD.",
    "areas": "Write the veins or areas treated (2,000 characters at most).",
    "compression": "Choose the compression applied from the list.",
    "compression_days": "How long to wear the compression must be a whole number of days, 0 to 90.",
    "observation_minutes": "The observation time must be a whole number of minutes, 0 to 240.",
    "observations": "Mark each area observed as none or observed.",
    "adverse_events": "Give each adverse event what happened, its severity and what was done.",
    "next_visit_on": "Write the next visit's date as YYYY-MM-DD.",
}


@dataclass
class SignOutForm:
    """What the sign-out form holds before it is checked: text where a person types, a list
    entry such as 'polidocanol 1%' for the sclerosant. Empty means not filled in yet."""

    sclerosant: str | None = None  # an entry of the clinic's list
    form: str | None = None
    gas: str | None = None
    ratio: str | None = None
    volume_left_ml: Raw = None
    volume_right_ml: Raw = None
    lot_number: str | None = None
    lot_expiry: RawDate = None
    areas: str | None = None
    compression: str | None = None
    compression_days: Raw = None
    observation_minutes: Raw = None
    # area -> (finding "none" | "observed" | None, note)
    observations: Mapping[str, tuple[str | None, str]] = field(default_factory=dict)
    no_adverse_events: bool | None = None
    adverse_events: Sequence[tuple[str, str | None, str]] = ()  # (what, severity, action)
    aftercare_explained: bool | None = None
    next_visit_on: RawDate = None
    no_next_visit: bool = False


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: str | None) -> str | None:
    if _blank(value):
        return None
    assert value is not None
    return short_enough(value.strip())


def _number(value: Raw, name: str, *, whole: bool = False) -> float | int | None:
    if _blank(value):
        return None
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            raise DomainError(
                f"{FIELD_HELP[name]} {value.strip()[:20]!r} is not a number."
            ) from None
    else:
        number = float(value)
    if not math.isfinite(number):
        raise DomainError(FIELD_HELP[name])
    if whole:
        if number != int(number):
            raise DomainError(FIELD_HELP[name])
        return int(number)
    return round(number, 2)


def _date(value: RawDate, name: str) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(
            f"{FIELD_HELP[name]} {str(value).strip()[:20]!r} is not a date."
        ) from None


def _years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


def _plausible(lot_expiry: dt.date | None, next_visit: dt.date | None, today: dt.date) -> None:
    if lot_expiry is not None and not (
        _years(today, -LOT_EXPIRY_YEARS_BACK) <= lot_expiry <= _years(today, LOT_EXPIRY_YEARS_AHEAD)
    ):
        raise DomainError(
            f"The lot's expiry date {lot_expiry:%Y-%m-%d} cannot be right: check the date on the "
            "vial or box."
        )
    if next_visit is not None and next_visit > _years(today, NEXT_VISIT_YEARS_AHEAD):
        raise DomainError(
            f"The next visit on {next_visit:%Y-%m-%d} is more than {NEXT_VISIT_YEARS_AHEAD} years "
            "away: check the date."
        )


def _sclerosant(choice: str | None, listed: Sequence[str]) -> tuple[str | None, str | None]:
    if _blank(choice):
        return None, None
    assert choice is not None
    if choice.strip() not in listed:
        raise DomainError("Choose the agent and strength from the clinic's list.")
    return parse_sclerosant(choice)


def _observations(values: Mapping[str, tuple[str | None, str]]) -> list[Observation]:
    found = []
    for area in OBSERVED_AREAS:  # the form's order, whatever order the caller used
        finding, note = values.get(area, (None, ""))
        if finding is None and _blank(note):
            continue
        if finding not in ("none", "observed"):
            raise DomainError(f"Mark {area} as none or observed.")
        found.append({"area": area, "finding": finding, "note": _text(note) or ""})
    unknown = set(values) - set(OBSERVED_AREAS)
    if unknown:
        raise DomainError("Observations are recorded for vision, chest, neurological and skin.")
    return [Observation.model_validate(o) for o in found]


def _adverse(rows: Sequence[tuple[str, str | None, str]]) -> list[AdverseEvent]:
    events = []
    for n, (what, severity, action) in enumerate(rows, start=1):
        if _blank(what) and _blank(severity) and _blank(action):
            continue  # an empty row of the form
        if _blank(what) or _blank(severity) or _blank(action):
            raise DomainError(
                f"Adverse event {n}: say what happened, its severity and what was done."
            )
        if severity not in ("mild", "moderate", "severe"):
            raise DomainError(f"Adverse event {n}: choose mild, moderate or severe.")
        events.append(
            AdverseEvent.model_validate(
                {"what": _text(what), "severity": severity, "action": _text(action)}
            )
        )
    return events


def entry_from(raw: SignOutForm, *, sclerosants: Sequence[str], today: dt.date) -> SignOutEntry:
    """The entry the form describes; a DomainError names the first field to correct."""
    agent, strength = _sclerosant(raw.sclerosant, sclerosants)
    lot_expiry = _date(raw.lot_expiry, "lot_expiry")
    next_visit = _date(raw.next_visit_on, "next_visit_on")
    _plausible(lot_expiry, next_visit, today)
    values = {
        "agent": agent,
        "strength": strength,
        "form": raw.form or None,
        "gas": raw.gas or None,
        "ratio": (raw.ratio or "").strip().replace(" ", "") or None,
        "volume_left_ml": _number(raw.volume_left_ml, "volume_left_ml"),
        "volume_right_ml": _number(raw.volume_right_ml, "volume_right_ml"),
        "lot_number": _text(raw.lot_number),
        "lot_expiry": lot_expiry,
        "areas": _text(raw.areas),
        "compression": raw.compression or None,
        "compression_days": _number(raw.compression_days, "compression_days", whole=True),
        "observation_minutes": _number(raw.observation_minutes, "observation_minutes", whole=True),
        "observations": _observations(raw.observations),
        "no_adverse_events": raw.no_adverse_events,
        "adverse_events": _adverse(raw.adverse_events),
        "aftercare_explained": raw.aftercare_explained,
        "next_visit_on": next_visit,
        "no_next_visit": bool(raw.no_next_visit),
    }
    return validated(values)


def validated(values: Mapping[str, object]) -> SignOutEntry:
    """``SignOutEntry`` from plain values, its ValidationError turned into plain words."""
    try:
        return SignOutEntry.model_validate(dict(values))
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        raise DomainError(FIELD_HELP.get(name, "Check the sign-out's fields.")) from None


def form_of(entry: SignOutEntry | None) -> SignOutForm:
    """The form filled in from a saved entry (to correct it), or empty."""
    if entry is None:
        return SignOutForm()
    return SignOutForm(
        sclerosant=f"{entry.agent} {entry.strength}" if entry.agent and entry.strength else None,
        form=entry.form,
        gas=entry.gas,
        ratio=entry.ratio,
        volume_left_ml=entry.volume_left_ml,
        volume_right_ml=entry.volume_right_ml,
        lot_number=entry.lot_number,
        lot_expiry=entry.lot_expiry,
        areas=entry.areas,
        compression=entry.compression,
        compression_days=entry.compression_days,
        observation_minutes=entry.observation_minutes,
        observations={o.area: (o.finding, o.note) for o in entry.observations},
        no_adverse_events=entry.no_adverse_events,
        adverse_events=[(e.what, e.severity, e.action) for e in entry.adverse_events],
        aftercare_explained=entry.aftercare_explained,
        next_visit_on=entry.next_visit_on,
        no_next_visit=entry.no_next_visit,
    )
