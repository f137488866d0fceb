"""The signature pad's ink as it arrives from the browser: parsed, bounded, never trusted.

``parse_strokes`` keeps plain numbers only (and at most ``MAX_POINTS``), ``decode_png`` accepts a
real PNG data URL of bounded size, ``signature`` makes the record's Signature from both.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from checklist import identity
from forms.record_parts import Point, Signature, SignerRole, Stroke

MAX_POINTS = 20_000  # a long signature has a few thousand; more is not a finger
MAX_PNG_BYTES = 2_000_000


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
