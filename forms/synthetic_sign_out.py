"""A synthetic, complete sign-out: what the sample PDF, the demo data and the tests sign."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from forms.sign_out import LEGS, OBSERVED_AREAS, Observation, SignOutEntry

if TYPE_CHECKING:
    from forms.records import Consent


def sign_out_entry(site: str, today: dt.date, *, foam_ml: float = 4.0) -> SignOutEntry:
    """A complete, unremarkable sign-out for ``site`` (foam, ``foam_ml`` in all): what the sample
    PDF, the demo data and the tests sign."""
    legs = LEGS.get(site, ("left",))  # a site in words: the left leg
    per_leg = round(foam_ml / len(legs), 2)
    return SignOutEntry(
        agent="polidocanol",
        strength="1%",
        form="foam",
        gas="room_air",
        ratio="1:4",
        volume_left_ml=per_leg if "left" in legs else None,
        volume_right_ml=per_leg if "right" in legs else None,
        lot_number="PD-24117",
        lot_expiry=today + dt.timedelta(days=400),
        areas="Great saphenous vein tributaries, medial thigh and calf",
        compression="class_2",
        compression_days=7,
        observation_minutes=15,
        observations=[Observation(area=a, finding="none") for a in OBSERVED_AREAS],
        no_adverse_events=True,
        aftercare_explained=True,
        next_visit_on=today + dt.timedelta(days=28),
    )


def sign_out_sample(
    consent: Consent,
    nurse: tuple[str, int],
    clinician: tuple[str, int],
    entered_at: dt.datetime,
    signed_at: dt.datetime,
) -> None:
    """A nurse enters ``sign_out_entry`` and the clinician co-signs it, by the record's rules."""
    entry = sign_out_entry(consent.site, entered_at.date())
    consent.enter_sign_out(entry, by_id=nurse[1], by_name=nurse[0], role="nurse", now=entered_at)
    consent.sign_sign_out(
        {}, by_id=clinician[1], by_name=clinician[0], device_id="staff-demo", now=signed_at
    )
