"""A risk's number as an icon array (issue #15): ``affected`` of ``of`` figures filled.

Risks given as numbers with a picture are understood better than words alone. One model serves
the tablet (an SVG string, ``svg``) and the patient's take-home sheet (``forms.pdf`` draws the
same cells with fpdf2); the text alternative (``alt_text``) comes from the message catalog in the
patient's language, so a screen reader, the caption and the printed sheet say the same words.

Pure and deterministic: the same rate and language give the same string, so the UI can cache it.
Figures fill row by row from the top left, the usual reading of an icon array.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from checklist.models import Rate
from errors import DomainError
from language.i18n import t

ACCENT = "#1f4e79"  # the patient screens' accent (their primary buttons)
GREY = "#b8bec7"  # light, yet 4.6:1 against the accent: filled and empty are told apart

# Grid shape per denominator: (rows, columns, person figures or small dots).
SHAPES: dict[int, tuple[int, int, bool]] = {
    10: (1, 10, True),
    100: (10, 10, True),
    1000: (25, 40, False),
}

# One person in a 10 x 12 cell: a round head, then shoulders and body (a second subpath, drawn
# relative to the head's start so each figure is one absolute "M" and the rest fixed text).
PERSON_CELL = (10.0, 12.0)
PERSON_HEAD = (5.0, 2.0, 2.0)  # centre x, centre y, radius
PERSON_BODY = (2.0, 4.5, 6.0, 6.5, 2.0)  # left, top, width, height, corner radius
_PERSON_REST = (
    "a2 2 0 1 0 4 0a2 2 0 1 0-4 0z"  # the head, from its leftmost point
    "m-1 9v-4.5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2v4.5z"  # the body, from its foot
)
# A dot in a 5 x 5 cell: a zero-length line with round caps is a filled circle of the stroke's
# width; ten characters a dot keeps 1,000 of them small enough to send on every tap.
DOT_CELL = 5.0
DOT_DIAMETER = 4.0

# On screen: wide enough to count, small enough to sit beside a caption (rem: large text grows it).
WIDTH_REM = {10: 13.0, 100: 9.0, 1000: 18.0}


@dataclass(frozen=True)
class Picture:
    """The icon array for one rate: ``rows`` x ``columns`` cells, the first ``affected`` filled."""

    affected: int
    of: int
    rows: int
    columns: int
    people: bool  # person figures (10, 100) or small dots (1,000)

    @property
    def others(self) -> int:
        return self.of - self.affected

    def cells(self) -> Iterator[tuple[int, int, bool]]:
        """(row, column, filled) for every figure, in reading order."""
        for index in range(self.of):
            row, column = divmod(index, self.columns)
            yield row, column, index < self.affected

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in the SVG's own units (the viewBox)."""
        cell_w, cell_h = PERSON_CELL if self.people else (DOT_CELL, DOT_CELL)
        return self.columns * cell_w, self.rows * cell_h


def picture_of(rate: Rate) -> Picture:
    if rate.affected > rate.of:
        raise DomainError(
            f"A risk's number says {rate.affected} in {rate.of}: it cannot be more than {rate.of}."
        )
    rows, columns, people = SHAPES[rate.of]
    return Picture(rate.affected, rate.of, rows, columns, people)


def _number(lang: str, n: int) -> str:
    # 1,000 in English, 1000 in Spanish (the RAE writes four digits without a separator).
    return f"{n:,}".replace(",", t(lang, "patient.risk_picture.digit_group"))


def alt_text(rate: Rate, lang: str) -> str:
    """The picture in words, e.g. "40 out of 100 people get this. 60 do not."."""
    picture = picture_of(rate)
    if picture.others == 0:
        key = "patient.risk_picture.alt_all"
    elif picture.affected == 1:
        key = "patient.risk_picture.alt_one"
    else:
        key = "patient.risk_picture.alt"
    return t(
        lang,
        key,
        affected=_number(lang, picture.affected),
        of=_number(lang, picture.of),
        others=_number(lang, picture.others),
    )


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _figure_path(picture: Picture, filled: bool) -> str:
    parts = []
    for row, column, on in picture.cells():
        if on != filled:
            continue
        if picture.people:
            x = column * PERSON_CELL[0] + PERSON_HEAD[0] - PERSON_HEAD[2]
            y = row * PERSON_CELL[1] + PERSON_HEAD[1]
            parts.append(f"M{_num(x)} {_num(y)}{_PERSON_REST}")
        else:
            x, y = column * DOT_CELL, row * DOT_CELL  # centres: the viewBox starts half a cell out
            parts.append(f"M{_num(x)} {_num(y)}h0")
    return "".join(parts)


def _paint(picture: Picture, color: str) -> str:
    if picture.people:
        return f'fill="{color}"'
    return (
        f'fill="none" stroke="{color}" stroke-width="{_num(DOT_DIAMETER)}" stroke-linecap="round"'
    )


def svg(rate: Rate, lang: str) -> str:
    """The icon array as one ``<svg>``: two paths (filled figures, then the others), a
    ``role="img"`` with the text alternative as its ``aria-label`` and ``<title>``."""
    picture = picture_of(rate)
    alt = escape(alt_text(rate, lang))
    w, h = picture.size
    x0 = 0.0 if picture.people else -DOT_CELL / 2  # whole numbers in every dot's "M"
    paths = "".join(
        f'<path {_paint(picture, color)} d="{d}"/>'
        for color, d in (
            (ACCENT, _figure_path(picture, True)),
            (GREY, _figure_path(picture, False)),
        )
        if d
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_num(x0)} {_num(x0)} {_num(w)} {_num(h)}" '
        f'role="img" aria-label="{alt}" '
        f'style="width:{_num(WIDTH_REM[picture.of])}rem;max-width:100%;height:auto;flex:none">'
        f"<title>{alt}</title>{paths}</svg>"
    )
