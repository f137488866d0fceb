"""A drawn signature as the pad's PNG: dark ink on a transparent background (synthetic ink for
previews, demo data and tests; ``forms.synthetic`` draws the strokes)."""

from __future__ import annotations

import itertools
import math
import struct
import zlib
from collections.abc import Iterable

from forms.record_parts import Stroke

PAD = (600.0, 200.0)  # the signature pad's CSS size the strokes are drawn on


def _png_rgba(width: int, height: int, pixels: bytearray) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    stride = width * 4
    raw = b"".join(b"\x00" + bytes(pixels[y * stride : (y + 1) * stride]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def strokes_png(
    strokes: Iterable[Stroke], width: int = int(PAD[0]), height: int = int(PAD[1])
) -> bytes:
    """The strokes in dark ink on a transparent background, as the pad would send them."""
    pixels = bytearray(width * height * 4)
    ink = b"\x1a\x23\x7e\xff"

    def dot(cx: float, cy: float) -> None:
        for dy in range(-1, 2):
            py = int(cy) + dy
            if 0 <= py < height:
                left, right = max(int(cx) - 1, 0), min(int(cx) + 2, width)
                if left < right:
                    pixels[(py * width + left) * 4 : (py * width + right) * 4] = ink * (
                        right - left
                    )

    for stroke in strokes:
        for a, b in itertools.pairwise(stroke.points):
            steps = max(1, int(math.hypot(b.x - a.x, b.y - a.y)))
            for s in range(steps + 1):
                f = s / steps
                dot(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f)
    return _png_rgba(width, height, pixels)
