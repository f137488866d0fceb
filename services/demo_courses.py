"""Demo treatment courses (issue #14 point 6), made through the same services as every demo
consent and in the order they happened: content 1.1.0 made active months ago, a course signed
on it, 1.2.0 made active later; two courses on 1.2.0 with earlier visits weeks apart; and today
a visit of each, plus the 1.1.0 patient back for a re-consent the newer major version forces.

What it shows: a course with two visits and one with three, a re-consent (replaces, reason
new_major_version), a sign-out with foam over 10 mL justified by the clinician, and one with an
adverse event. Names and ink are synthetic (forms.synthetic).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable

from accounts.staff import Role
from forms.records import Consent
from forms.sign_out import AdverseEvent
from forms.synthetic import synthetic_name
from forms.synthetic_sign_out import sign_out_entry
from services import auth, pack_versions
from services.context import AppContext

PACK = "sclerotherapy"
FOAM_REASON = (
    "Demo: large incompetent tributaries on both legs; 12 mL needed to close them in one "
    "session. Patient observed 30 minutes: no visual, chest or neurological symptoms."
)
FAINT = AdverseEvent(
    what="Demo: felt faint (vasovagal) five minutes after the injections",
    severity="mild",
    action="Laid flat with legs raised; recovered in ten minutes; observed 30 minutes in all",
)


@dataclasses.dataclass(frozen=True)
class Patient:
    name: str
    dob: dt.date
    site: str


class _At:
    """A clock for one moment of the demo's past, moving a few seconds per read."""

    def __init__(self, start: dt.datetime, limit: dt.datetime) -> None:
        self.current, self.limit = start, limit

    def now(self) -> dt.datetime:
        self.current = min(self.current + dt.timedelta(seconds=20), self.limit)
        return self.current


def fill_courses(
    ctx: AppContext,
    passwords: dict[str, str],
    rng: random.Random,
    *,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Add the demo courses; returns what was made, by scenario."""
    from services.demo import DEMO_ACCOUNTS, _advance, patient_completes

    now = ctx.clock.now()
    language = ctx.settings.clinic_language
    made: dict[str, int] = {}

    def on(days_ago: float) -> AppContext:
        start = now - dt.timedelta(days=days_ago) if days_ago else now - dt.timedelta(hours=2)
        return dataclasses.replace(ctx, clock=_At(start, now))

    def signed_in(at: AppContext) -> dict[Role, auth.StaffSession]:
        return {role: auth.sign_in(at, u, passwords[u]) for u, _n, role in DEMO_ACCOUNTS}

    def session(
        p: Patient,
        days_ago: float,
        stage: str,
        what: str,
        **sign_out: object,
    ) -> Consent:
        at = on(days_ago)
        staff = signed_in(at)
        c = patient_completes(
            at,
            legal_name=p.name,
            date_of_birth=p.dob,
            site=p.site,
            language=language,
            rng=rng,
            demo=True,
        )
        c = _advance(at, c, stage, staff, passwords, **sign_out)  # type: ignore[arg-type]
        for s in staff.values():
            auth.sign_out(at, s)
        made[what] = made.get(what, 0) + 1
        if progress:
            progress(f"course: {what}")
        return c

    def person(site: str) -> Patient:
        dob = dt.date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
        return Patient(synthetic_name(rng), dob, site)

    history = _can_show_history(ctx, language)
    older = person("right_leg")
    if history:  # a course signed while 1.1.0 was active, before 1.2.0 replaced it
        _activate(ctx, on(130), passwords, "1.1.0")
        session(older, 100, "filed", "course on 1.1.0")
        _activate(ctx, on(75), passwords, "1.2.0")
    three, two = person("both_legs"), person("left_leg")
    session(three, 70, "filed", "course consent")
    session(three, 49, "filed", "visit")
    big = sign_out_entry(three.site, (now - dt.timedelta(days=28)).date(), foam_ml=12.0)
    session(
        three,
        28,
        "filed",
        "visit, foam over 10 mL justified",
        entry=big,
        justifications={"foam_over_max": FOAM_REASON},
    )
    faint = sign_out_entry(three.site, now.date()).model_copy(
        update={"no_adverse_events": False, "adverse_events": [FAINT], "observation_minutes": 30}
    )
    session(three, 0, "attested", "visit, adverse event", entry=faint)
    session(two, 42, "filed", "course consent")
    session(two, 21, "filed", "visit")
    session(two, 0, "submitted", "visit")
    if history:  # back today: 1.2.0 is a major change, so a full consent replaces the course
        session(older, 0, "submitted", "re-consent (newer major version)")
        newest = ctx.library.versions(PACK, language)[-1]
        if newest != "1.2.0":  # a newer version (1.3.0's checks of understanding) from now on
            _activate(ctx, dataclasses.replace(ctx, clock=_At(now, now)), passwords, newest)
    return made


def _can_show_history(ctx: AppContext, language: str) -> bool:
    """The versions' history (1.1.0 made active 130 days ago, 1.2.0 75 days ago) is written
    only on a database with no activations yet and no version pinned by the settings."""
    with ctx.database.uow() as uow:
        if uow.pack_activations.history(PACK) or ctx.settings.active_versions:
            return False
    versions = ctx.library.versions(PACK, language)
    return "1.1.0" in versions and "1.2.0" in versions


def _activate(ctx: AppContext, at: AppContext, passwords: dict[str, str], version: str) -> None:
    """The demo admin makes ``version`` active in every language that has it, at ``at``."""
    from services.demo import DEMO_ACCOUNTS

    admin = next(u for u, _n, role in DEMO_ACCOUNTS if role is Role.ADMIN)
    staff = auth.sign_in(at, admin, passwords[admin])
    for lang in ctx.library.languages(PACK):
        if version in ctx.library.versions(PACK, lang):
            pack_versions.activate(
                at, staff, pack_id=PACK, language=lang, version=version, password=passwords[admin]
            )
    auth.sign_out(at, staff)
