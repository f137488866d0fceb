"""Names and notes in every script the fonts have, and a visible mark for what they lack.

Arabic joins its letters and, with Hebrew, runs right to left: such a line is drawn by fpdf2's
own text path with HarfBuzz (uharfbuzz) on the full DejaVu faces, with their OpenType tables,
ordered for display by the Unicode bidi algorithm in a left-to-right document; each glyph maps
back to its letters, so the text copies and extracts (pypdf) in reading order. The full faces
are registered only in a document that has such a line (``install_shaped``): the others pay
nothing. Everything else is drawn by ``forms.pdf_layout`` with the prepared faces.

What no face can draw (an emoji the fonts lack, CJK) prints as one replacement mark per
character cluster (``visible``), never a box; the record keeps the exact text, and the tablet
refuses a *name* holding such a character (``checklist.printable``, whose data a test keeps
equal to ``coverage_ranges()``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from forms.pdf_fonts import FACES, full_codepoints

if TYPE_CHECKING:
    from forms.pdf_layout import Layout

SHAPED = "dejavu-shaped"  # the full faces, with their OpenType tables, for shaped lines


# Hebrew, Arabic, Syriac, Thaana, N'Ko (U+0590-08FF), their presentation forms, Thai and Lao,
# and the right-to-left scripts beyond the first plane.
_NEEDS_SHAPING = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u0e00-\u0eff"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def needs_shaping(text: str) -> bool:
    """Right-to-left letters (Hebrew, Arabic and their neighbours) or Thai/Lao in ``text``."""
    return _NEEDS_SHAPING.search(text) is not None


def install_shaped(pdf: Layout) -> None:
    """Register the full faces for shaped lines in ``pdf`` (once).

    Costs about 0.1 s per face per document (parse, then subset at output), paid only by a
    document holding a right-to-left or other shaped line. The caller switches HarfBuzz on
    around each shaped line only: the prepared faces have no tables to shape with.
    """
    if SHAPED in pdf.fonts:
        return
    for style, path in FACES.items():
        pdf.add_font(SHAPED, style, str(path))


REPLACEMENT_MARK = "\ufffd"
# What belongs to the cluster of the character before it: variation selectors, emoji skin
# tones, tags (flags of regions), and a zero-width joiner with whatever it joins.
_CLUSTER_TAIL = "\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\u20e3"


@lru_cache(maxsize=1)
def _undrawable() -> re.Pattern[str]:
    drawable = full_codepoints()
    ranges, start, prev = [], None, None
    for c in sorted(drawable):
        if start is None:
            start = prev = c
        elif c == prev + 1:
            prev = c
        else:
            ranges.append((start, prev))
            start = prev = c
    if start is not None:
        ranges.append((start, prev))
    # Characters outside every drawable range (spaces and controls are handled by the layout).
    kept = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    char = f"[^{kept}\\s]"
    return re.compile(f"{char}(?:[{_CLUSTER_TAIL}]|\u200d{char}?)*")


def visible(text: str) -> str:
    """``text`` with each cluster no face can draw (an emoji, a CJK character) made one
    replacement mark, so the page shows that something was there and never a box."""
    return _undrawable().sub(REPLACEMENT_MARK, text)


def coverage_ranges() -> str:
    """The drawable codepoints as "0020-007E 00A0-0377 ..." (what ``checklist.printable`` holds)."""
    cps = sorted(full_codepoints())
    out, start, prev = [], cps[0], cps[0]
    for c in [*cps[1:], -1]:
        if c != prev + 1:
            out.append(f"{start:04X}" if start == prev else f"{start:04X}-{prev:04X}")
            start = c
        prev = c
    return " ".join(out)


PT = 25.4 / 72  # millimetres per point


@contextmanager
def _shaping(pdf: Layout) -> Iterator[None]:
    """The full faces with HarfBuzz on, for one shaped line; then the layout's own face again.

    Only around that line: the prepared faces have no tables to shape with."""
    install_shaped(pdf)
    size, style, color = pdf._size, pdf._style, pdf._color
    pdf.set_font(SHAPED, style, size)
    pdf.set_text_shaping(True, direction="ltr")  # the document reads left to right
    try:
        yield
    finally:
        pdf.set_text_shaping(False)
        pdf.font_family = ""  # ``Layout.font`` restores its own face
        pdf.font(size, style == "B", color)


def width_units(pdf: Layout, text: str, widths: Mapping[int, float]) -> float:
    """Width of ``text`` in font units at size 1000 (what ``Layout.measure`` caches): the
    face's widths, or HarfBuzz's for a shaped line (joined letters are narrower)."""
    if not needs_shaping(text):
        return sum([widths[ord(c)] for c in text])
    with _shaping(pdf):
        return pdf.get_string_width(visible(text)) * 1000 / pdf._size / PT


def put_shaped(pdf: Layout, x: float, baseline: float, text: str) -> None:
    """Draw one shaped line with its baseline at (x, baseline)."""
    if not text:
        return
    x0, y0 = pdf.x, pdf.y
    with _shaping(pdf):
        pdf.set_xy(x, baseline - 0.3 * pdf._size * PT)  # a 0-high cell's baseline is there
        pdf.cell(text=visible(text), h=0)
    pdf.set_xy(x0, y0)
