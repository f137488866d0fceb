"""Who is signing: the patient's name and date of birth as entered, the typed name matching the
legal one, and whether what was drawn on the pad is a signature. Pure; each check returns a
message key (``language/messages/<lang>/patient.yaml``) or None."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import unicodedata

from checklist import text as text_rules

# --- names and details -------------------------------------------------------------------


def normalise_name(text: str) -> str:
    """NFC, case-folded, inner runs of spaces collapsed: what two spellings must share to match."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.casefold().split())


def name_matches(typed: str, legal: str) -> bool:
    """The typed name matches the legal name, ignoring case, extra spaces and Unicode form."""
    a, b = normalise_name(typed), normalise_name(legal)
    return bool(a) and a == b


MAX_NAME = text_rules.MAX_NAME


def name_problem(name: str) -> str | None:
    """A message key when a name cannot be a person's legal name, else None (see checklist.text)."""
    return text_rules.name_problem(name, legal=True)


MAX_AGE_YEARS = 120


def patient_detail_problems(
    name: str,
    date_of_birth: dt.date | None,
    mrn: str | None,
    today: dt.date,
    *,
    require_mrn: bool,
    mrn_pattern: str,
) -> list[str]:
    """Message keys for everything wrong with the details the patient (or staff) entered."""
    problems: list[str] = []
    if key := name_problem(name):
        problems.append(key)
    if date_of_birth is None:
        problems.append("patient.details.dob_missing")
    elif date_of_birth > today:
        problems.append("patient.details.dob_future")
    elif date_of_birth < oldest_birth_date(today):
        problems.append("patient.details.dob_too_old")
    mrn = (mrn or "").strip()
    if not mrn:
        if require_mrn:
            problems.append("patient.details.mrn_missing")
    elif not re.fullmatch(mrn_pattern, mrn):
        problems.append("patient.details.mrn_invalid")
    return problems


def oldest_birth_date(today: dt.date) -> dt.date:
    """The earliest date of birth accepted: today, ``MAX_AGE_YEARS`` years ago."""
    return _years_before(today, MAX_AGE_YEARS)


def birth_years(today: dt.date) -> list[int]:
    """The year-of-birth list, newest first: this year back to the oldest acceptable date's year.

    Built from the same rule that checks the date, so the list never offers a year the rule
    refuses outright (the oldest year holds only the days from that date on).
    """
    return list(range(today.year, oldest_birth_date(today).year - 1, -1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- the signature -----------------------------------------------------------------------

StrokeData = list[list[dict[str, float]]]

MIN_INK_WIDTHS = 0.35  # total stroke length, in pad widths, below which it is not a signature
MIN_SIZE_PX = 12.0  # a drawing smaller than this both ways is a dot
MIN_HEIGHT_RATIO = 0.06  # flatter than this (height / width) is a line, not a signature


def ink_length(strokes: StrokeData) -> float:
    total = 0.0
    for stroke in strokes:
        for a, b in itertools.pairwise(stroke):
            total += math.hypot(float(b["x"]) - float(a["x"]), float(b["y"]) - float(a["y"]))
    return total


def _straightness(points: list[dict[str, float]]) -> float:
    """Largest distance of a point from the chord between the ends (0 for a straight line)."""
    (x0, y0), (x1, y1) = (points[0]["x"], points[0]["y"]), (points[-1]["x"], points[-1]["y"])
    chord = math.hypot(x1 - x0, y1 - y0)
    if chord == 0:
        return max(math.hypot(p["x"] - x0, p["y"] - y0) for p in points)
    return max(abs((x1 - x0) * (y0 - p["y"]) - (x0 - p["x"]) * (y1 - y0)) / chord for p in points)


def ink_problem(strokes: StrokeData | None, pad_width: float) -> str | None:
    """A message key when a drawing is not a signature: empty, a dot, a line, or too little ink."""
    points = [p for s in strokes or [] for p in s]
    if len(points) < 2:
        return "patient.sign.ink_empty"
    xs, ys = [float(p["x"]) for p in points], [float(p["y"]) for p in points]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width < MIN_SIZE_PX and height < MIN_SIZE_PX:
        return "patient.sign.ink_dot"
    long_strokes = [s for s in strokes or [] if len(s) >= 2]
    flat = min(width, height) < MIN_HEIGHT_RATIO * max(width, height)
    straight = len(long_strokes) == 1 and _straightness(long_strokes[0]) < 0.05 * max(width, height)
    if flat or straight:
        return "patient.sign.ink_line"
    if ink_length(strokes or []) < MIN_INK_WIDTHS * max(pad_width, 1.0):
        return "patient.sign.ink_too_little"
    return None


def typed_name_problem(typed: str, legal: str) -> str | None:
    """The name typed at signing: empty, holding a hidden character, or not the legal name."""
    if not (typed or "").strip():
        return "patient.sign.name_empty"
    if text_rules.name_problem(typed, legal=False) is not None:  # hidden characters, too long
        return "patient.sign.name_invalid"
    if not name_matches(typed, legal):
        return "patient.sign.name_mismatch"
    return None


def sign_problems(
    typed: str, legal: str, strokes: StrokeData | None, pad_width: float
) -> list[str]:
    """Everything wrong at once when the patient taps Sign: the typed name and the drawing.

    A patient who typed nothing and drew nothing is told both ("type your name", "sign in the
    box"), not one and then, after fixing it, the other.
    """
    problems = []
    if key := typed_name_problem(typed, legal):
        problems.append(key)
    if key := ink_problem(strokes, pad_width):
        problems.append(key)
    return problems


def ink_in_widths(strokes: StrokeData, pad_width: float) -> float:
    return round(ink_length(strokes) / max(pad_width, 1.0), 3)
