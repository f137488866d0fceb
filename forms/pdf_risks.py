"""The take-home sheet's "Your risks in numbers" (issue #15): each risk with a number, its icon
array drawn as vector shapes (``forms.risk_picture``'s cells, the tablet's picture) beside the
risk's words and the picture in words, in the pack's language.

Filled circles and rectangles only: no image, no transparency, so the sheet stays PDF/A-2B.
"""

from __future__ import annotations

from checklist.models import Item, Pack
from forms.pdf_layout import ACCENT, INK, MUTED, Color, Layout
from forms.risk_picture import (
    DOT_CELL,
    DOT_DIAMETER,
    GREY,
    PERSON_BODY,
    PERSON_CELL,
    PERSON_HEAD,
    Picture,
    alt_text,
    picture_of,
)
from language.i18n import t
from language.placeholders import fill

# Millimetres per unit of the picture's grid: 100 people 22 mm wide, 1,000 dots 40 mm.
SCALE = {10: 0.32, 100: 0.22, 1000: 0.2}
EMPTY: Color = (int(GREY[1:3], 16), int(GREY[3:5], 16), int(GREY[5:7], 16))  # the tablet's grey
GAP = 6.0  # between the two columns
SPACE = 3.0  # between a picture and its words
SIZE = 9.0  # the words' size (pt)
AFTER = 4.0  # below each row


def risks_in_numbers(pdf: Layout, pack: Pack, values: dict[str, str]) -> None:
    """Two risks to a row, in pack order. Called after the call line, so aftercare, warning
    signs and the phone number stay together on the front; on a page of its own when the whole
    part does not fit below them."""
    rated = [item for _, item in pack.items() if item.rate is not None]
    if not rated:
        return
    lang = pack.language
    column = (pdf.width - GAP) / 2
    rows = [rated[i : i + 2] for i in range(0, len(rated), 2)]
    heights = [max(_height(pdf, item, lang, values, column) for item in row) for row in rows]
    intro = t(lang, "pdf.risk_picture.intro")
    whole = 16 + pdf.lines_height(intro, 9, pdf.width) + sum(heights)
    if pdf.y + whole > pdf.bottom and pdf.top + whole <= pdf.bottom:
        pdf.new_page()
    pdf.heading(t(lang, "pdf.risk_picture.heading"), keep=heights[0] + 8)
    pdf.paragraph(intro, size=9, color=MUTED, after=2.5)
    for row, height in zip(rows, heights, strict=True):
        pdf.need(height)
        top = pdf.y
        for n, item in enumerate(row):
            pdf.y = top
            _entry(pdf, item, lang, values, pdf.l_margin + n * (column + GAP), column)
        pdf.y = top + height


def _box(item: Item) -> tuple[Picture, float, float, float]:
    """The picture, its scale (mm per unit) and its size on paper."""
    assert item.rate is not None
    picture = picture_of(item.rate)
    scale = SCALE[picture.of]
    return picture, scale, picture.size[0] * scale, picture.size[1] * scale


def _height(pdf: Layout, item: Item, lang: str, values: dict[str, str], column: float) -> float:
    assert item.rate is not None
    _, _, w, h = _box(item)
    words = column - w - SPACE
    text = pdf.lines_height(fill(item.text, values), SIZE, words)
    alt = pdf.lines_height(alt_text(item.rate, lang), SIZE, words, bold=True)
    return max(h, text + alt + 1.0) + AFTER


def _entry(
    pdf: Layout, item: Item, lang: str, values: dict[str, str], x: float, column: float
) -> None:
    assert item.rate is not None
    picture, scale, w, _ = _box(item)
    _draw(pdf, picture, x, pdf.y + 0.6, scale)
    indent = x + w + SPACE - pdf.l_margin
    words = column - w - SPACE
    pdf.paragraph(
        fill(item.text, values), size=SIZE, color=INK, indent=indent, width=words, after=1.0
    )
    pdf.paragraph(
        alt_text(item.rate, lang),
        size=SIZE,
        bold=True,
        color=ACCENT,
        indent=indent,
        width=words,
        after=0,
    )


def _circle(cx: float, cy: float, r: float) -> str:
    k = KAPPA * r
    return (
        f"{_n(cx + r)} {_n(cy)} m "
        f"{_n(cx + r)} {_n(cy + k)} {_n(cx + k)} {_n(cy + r)} {_n(cx)} {_n(cy + r)} c "
        f"{_n(cx - k)} {_n(cy + r)} {_n(cx - r)} {_n(cy + k)} {_n(cx - r)} {_n(cy)} c "
        f"{_n(cx - r)} {_n(cy - k)} {_n(cx - k)} {_n(cy - r)} {_n(cx)} {_n(cy - r)} c "
        f"{_n(cx + k)} {_n(cy - r)} {_n(cx + r)} {_n(cy - k)} {_n(cx + r)} {_n(cy)} c h"
    )


def _person() -> str:
    """One person in its cell's units: the head, then the body with round shoulders."""
    left, top, width, height, r = PERSON_BODY
    k, right, foot = KAPPA * r, left + width, top + height
    body = (
        f"{_n(left)} {_n(foot)} m {_n(left)} {_n(top + r)} l "
        f"{_n(left)} {_n(top + r - k)} {_n(left + r - k)} {_n(top)} {_n(left + r)} {_n(top)} c "
        f"{_n(right - r)} {_n(top)} l "
        f"{_n(right - r + k)} {_n(top)} {_n(right)} {_n(top + r - k)} {_n(right)} {_n(top + r)} c "
        f"{_n(right)} {_n(foot)} l h"
    )
    return f"{_circle(*PERSON_HEAD)} {body}"


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


KAPPA = 0.5523  # a quarter circle as one Bezier curve
PERSON = _person()
DOT = _circle(DOT_CELL / 2, DOT_CELL / 2, DOT_DIAMETER / 2)


def _draw(pdf: Layout, picture: Picture, x: float, y: float, scale: float) -> None:
    """The figures as PDF path operators: one shape, moved into each cell. fpdf2's circle and
    rounded rectangle took about 0.2 ms a shape (1 s for a pack's pictures); this takes a few
    microseconds. All inside q/Q, so fpdf2's own colour and line state is left as it was."""
    k = pdf.k
    cell_w, cell_h = PERSON_CELL if picture.people else (DOT_CELL, DOT_CELL)
    shape = PERSON if picture.people else DOT
    ops = [f"q {_n(scale * k)} 0 0 {_n(-scale * k)} {_n(x * k)} {_n((pdf.h - y) * k)} cm"]
    for filled, color in ((True, ACCENT), (False, EMPTY)):
        ops.append(" ".join(f"{c / 255:.3f}" for c in color) + " rg")
        for row, column, on in picture.cells():
            if on == filled:
                ops.append(f"q 1 0 0 1 {_n(column * cell_w)} {_n(row * cell_h)} cm {shape} f Q")
    ops.append("Q")
    pdf._out("\n".join(ops))
