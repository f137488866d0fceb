"""The signature pad's ink as it arrives from the browser: parsed, bounded, never trusted.

``component_problem`` refuses, before anything is stored, a value no real pad sends: a size or a
point that is not a finite number within range (NaN, infinity, negative, absurdly large), or
more than ``MAX_POINTS`` points. One NaN once reached the record as null and made the consent
unreadable for every list it was in. ``parse_strokes`` then keeps the plain numbers,
``decode_png`` accepts a real PNG data URL of bounded size, ``signature`` makes the record's
Signature from both.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
from typing import Any

from checklist import identity
from forms.record_parts import Point, Signature, SignerRole, Stroke

MAX_POINTS = 20_000  # a long signature has a few thousand; more is not a finger
MAX_PNG_BYTES = 2_000_000
# The pad's size in CSS pixels: a phone is about 300 wide, a large tablet about 1,400.
MIN_PAD_PX, MAX_PAD_PX = 50.0, 10_000.0
MAX_TIME_MS = 24 * 3600 * 1000.0  # milliseconds since the pad appeared; a day is already absurd
INVALID = "patient.sign.pad_invalid"


def _number(value: Any, low: float, high: float) -> bool:
    """A real, finite number (not a bool, not a string) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and low <= value <= high


def component_problem(strokes: Any, pad_size: Any) -> str | None:
    """A message key when the pad's value is not one a real pad sends, else None.

    ``strokes`` None or empty is not a problem here (nothing drawn: ``identity.ink_problem``
    says "please sign"). Points may fall a little outside the pad (a finger sliding off it).
    """
    if not isinstance(pad_size, tuple | list) or len(pad_size) != 2:
        return INVALID
    width, height = pad_size
    if strokes in (None, []) and width in (0, None) and height in (0, None):
        return None  # the pad reported nothing: nothing was drawn
    if not (_number(width, MIN_PAD_PX, MAX_PAD_PX) and _number(height, MIN_PAD_PX, MAX_PAD_PX)):
        return INVALID
    if strokes is None:
        return None
    if not isinstance(strokes, list):
        return INVALID
    reach = (-float(width), 2.0 * float(width)), (-float(height), 2.0 * float(height))
    count = 0
    for stroke in strokes:
        if not isinstance(stroke, list):
            return INVALID
        for p in stroke:
            count += 1
            if count > MAX_POINTS or not isinstance(p, dict):
                return INVALID
            if not (_number(p.get("x"), *reach[0]) and _number(p.get("y"), *reach[1])):
                return INVALID
            if "t" in p and not _number(p["t"], 0.0, MAX_TIME_MS):
                return INVALID
    return None


def parse_strokes(raw: Any) -> list[list[dict[str, float]]]:
    """The pad's strokes as plain numbers; anything malformed is dropped, never trusted."""
    out: list[list[dict[str, float]]] = []
    count = 0
    for stroke in raw if isinstance(raw, list) else []:
        points = []
        for p in stroke if isinstance(stroke, list) else []:
            if not isinstance(p, dict):
                continue
            try:
                x, y, tm = float(p["x"]), float(p["y"]), float(p.get("t", 0))
            except (KeyError, TypeError, ValueError):
                continue
            if all(v == v and abs(v) < 1e9 for v in (x, y, tm)):  # no NaN or huge
                points.append({"x": x, "y": y, "t": tm})
        count += len(points)
        if count > MAX_POINTS:
            break
        if points:
            out.append(points)
    return out


def decode_png(data_url: str | None) -> bytes | None:
    if not data_url or not isinstance(data_url, str):
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix) or len(data_url) > MAX_PNG_BYTES * 4 // 3 + 100:
        return None
    try:
        png = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return png if png.startswith(b"\x89PNG\r\n\x1a\n") else None


def signature(
    *,
    role: SignerRole,
    name: str,
    meaning: str,
    strokes: list[list[dict[str, float]]],
    png: bytes | None,
    pad_width: float,
    now: dt.datetime,
    device_id: str,
) -> Signature:
    return Signature(
        role=role,
        printed_name=name,
        meaning=meaning,
        signed_at=now,
        strokes=[
            Stroke(points=[Point(x=p["x"], y=p["y"], t=int(p["t"])) for p in s]) for s in strokes
        ],
        png=png,
        ink=identity.ink_in_widths(strokes, pad_width),
        device_id=device_id,
    )
