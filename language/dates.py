"""Dates and times as a patient reads them, in their language (CLDR data via Babel, no network).

English "March 14, 1948" and "4:42 PM"; Spanish "14 de marzo de 1948" and "16:42". Pure: no
Streamlit; the clock is the caller's (services.clock), so tests fix the time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time

DEFAULT = "en"


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT)  # a pack language CLDR does not know still gets a date


def _tidy(text: str) -> str:
    # CLDR puts a narrow no-break space before AM/PM; not every PDF font has that glyph, and a
    # plain no-break space keeps "4:42 PM" on one line just as well.
    return text.replace("\u202f", "\u00a0")


def format_date(lang: str, day: dt.date) -> str:
    """A date written out: "March 14, 1948" / "14 de marzo de 1948"."""
    return _tidy(_babel_date(day, "long", locale=_locale(lang)))


def format_time(lang: str, moment: dt.time | dt.datetime) -> str:
    """A clock time as the language writes it: "4:42 PM" / "16:42" (no seconds)."""
    clock = moment.timetz() if isinstance(moment, dt.datetime) else moment
    return _tidy(_babel_time(clock.replace(tzinfo=None), "short", locale=_locale(lang)))


def format_datetime(lang: str, moment: dt.datetime, tz: ZoneInfo | dt.tzinfo) -> str:
    """Date and time in ``tz`` with the zone's abbreviation: "March 14, 2026, 4:42 PM EDT"."""
    local = moment.astimezone(tz)
    zone = local.tzname() or ""
    text = f"{format_date(lang, local.date())}, {format_time(lang, local)}"
    return f"{text} {zone}".rstrip()


def format_date_with_iso(lang: str, day: dt.date) -> str:
    """For records read by people and machines: "March 14, 1948 (1948-03-14)"."""
    return f"{format_date(lang, day)} ({day.isoformat()})"
