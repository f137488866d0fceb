"""A small, fast text layout on top of fpdf2 for form-like documents.

fpdf2's ``multi_cell`` re-measures the whole line for every character it adds (quadratic in line
length) and its table machinery is heavier still; a consent form only needs left-aligned
paragraphs, labels and rules. Here lines are wrapped with the font's width table and drawn with
``FPDF.text``; page breaks are ours (auto page break is off), and page furniture (header, footer
with "Page X of Y") is drawn after layout, when the page count is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fpdf import FPDF
from fpdf.util import escape_parens

from forms.pdf_fonts import FAMILY, install_fonts
from forms.pdf_scripts import needs_shaping, put_shaped, visible, width_units

Color = tuple[int, int, int]
INK: Color = (20, 24, 31)
MUTED: Color = (92, 99, 112)
ACCENT: Color = (22, 58, 97)
RULE: Color = (190, 196, 204)
BAND: Color = (234, 239, 245)
STOP_RED: Color = (176, 24, 24)
REVIEW_AMBER: Color = (168, 98, 0)
OK_GREEN: Color = (26, 112, 56)

PT = 25.4 / 72  # millimetres per point
REPLACEMENT = 0xFFFD  # the replacement character, for text the fonts cannot draw


class Layout(FPDF):
    """An FPDF with our fonts, manual page breaks and wrapped-paragraph drawing."""

    def __init__(
        self, creation_date: dt.datetime, extra_codepoints: frozenset[int] = frozenset()
    ) -> None:
        super().__init__(orientation="P", unit="mm", format="letter", enforce_compliance="PDF/A-2B")
        self.set_creation_date(creation_date)
        self.set_auto_page_break(False)
        self.set_margins(18, 16, 18)
        self.c_margin = 0
        self.cmaps = install_fonts(self, extra_codepoints)  # style -> codepoints it can draw
        self.drawable = frozenset().union(*self.cmaps.values())
        self.unknown: set[int] = set()  # characters the faces could not draw
        self.top = 30.0  # content starts below the header
        self.bottom = self.h - 18.0  # content ends above the footer
        self.width = self.w - self.l_margin - self.r_margin
        self._size = 9.5
        self._style = ""
        self._widths = self.fonts[FAMILY].cw
        self._measure_cache: dict[str, dict[str, int]] = {"": {}, "B": {}}
        self._measured = self._measure_cache[""]
        self._codes: dict[int, dict[str, str]] = {}
        self._color: Color = (0, 0, 0)  # fpdf2's initial text colour
        self.on_new_page: Callable[[], None] = lambda: None

    # --- fonts and measuring -------------------------------------------------------------
    def font(self, size: float, bold: bool = False, color: Color = INK) -> None:
        style = "B" if bold else ""
        if self.font_family != FAMILY:
            self.set_font(FAMILY, style, size)
            self._size, self._style = size, style
            self._widths = self.fonts[FAMILY + style].cw
            self._measured = self._measure_cache[style]
        elif size != self._size or style != self._style:
            # What set_font does for an already-added family, without its validation overhead.
            self.font_style = style
            self.font_size_pt = size
            self.current_font = self.fonts[FAMILY + style]
            self.current_font_is_set_on_page = False
            self._size, self._style = size, style
            self._widths = self.fonts[FAMILY + style].cw
            self._measured = self._measure_cache[style]
        if color != self._color:
            self.set_text_color(*color)
            self._color = color

    def measure(self, text: str) -> float:
        """Width in mm at the current font and size (per-font widths memoised per string)."""
        cache = self._measured
        units = cache.get(text)
        if units is None:
            units = cache[text] = width_units(self, text, self._widths)
        return units * self._size / 1000 * PT

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy line breaking on spaces; a word wider than the line is cut by characters."""
        lines: list[str] = []
        space = self.measure(" ")
        for paragraph in text.split("\n"):
            words = paragraph.split()
            if not words:
                lines.append("")
                continue
            line, line_w = "", 0.0
            for word in words:
                w = self.measure(word)
                if w > width:  # an unbroken run longer than the line
                    if line:
                        lines.append(line)
                    pieces = self._cut(word, width)
                    lines.extend(pieces[:-1])
                    line, line_w = pieces[-1], self.measure(pieces[-1])
                elif not line:
                    line, line_w = word, w
                elif line_w + space + w <= width:
                    line, line_w = f"{line} {word}", line_w + space + w
                else:
                    lines.append(line)
                    line, line_w = word, w
            lines.append(line)
        return lines

    def _cut(self, word: str, width: float) -> list[str]:
        pieces, piece, piece_w = [], "", 0.0
        for ch in word:
            cw = self.measure(ch)
            if piece and piece_w + cw > width:
                pieces.append(piece)
                piece, piece_w = "", 0.0
            piece += ch
            piece_w += cw
        pieces.append(piece)
        return pieces

    # --- drawing ---------------------------------------------------------------------------
    def put(self, x: float, baseline: float, text: str) -> None:
        """Draw one line at (x, baseline); what FPDF.text does, with glyph codes memoised.

        fpdf2 re-encodes every character of every string; a form repeats the same few hundred
        characters, so each font's code for each character is looked up once per document.
        A character the current face lacks but the other face has (bold DejaVu has fewer
        glyphs) is drawn in that face rather than as a replacement mark.
        """
        if not text or needs_shaping(text):  # nothing to draw, or a line HarfBuzz draws
            return put_shaped(self, x, baseline, text)
        own = self.cmaps[self._style]
        if all(ord(ch) in own for ch in text):
            self._put_run(x, baseline, text)
            return
        other = "" if self._style == "B" else "B"
        runs: list[tuple[str, str]] = []
        for ch in visible(text):  # one mark for each emoji or cluster no face can draw
            style = other if ord(ch) not in own and ord(ch) in self.cmaps[other] else self._style
            if runs and runs[-1][0] == style:
                runs[-1] = (style, runs[-1][1] + ch)
            else:
                runs.append((style, ch))
        size, home, color = self._size, self._style, self._color
        for style, run in runs:
            self.font(size, style == "B", color)
            self._put_run(x, baseline, run)
            x += self.measure(run)
        self.font(size, home == "B", color)

    def _put_run(self, x: float, baseline: float, text: str) -> None:
        font = self.current_font
        assert font is not None
        table = self._codes.get(font.i)
        if table is None:
            table = self._codes[font.i] = {}
        encoded = []
        for ch in text:
            code = table.get(ch)
            if code is None:
                code = table[ch] = self._encode(font, ch)
            encoded.append(code)
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(font, self.font_size_pt))
        k = self.k
        op = f"BT {x * k:.2f} {(self.h - baseline) * k:.2f} Td ({''.join(encoded)}) Tj ET"
        if self.fill_color != self.text_color:
            op = f"q {self.text_color.serialize().lower()} {op} Q"
        self._out(op)

    def _encode(self, font: Any, ch: str) -> str:
        mapped = font.subset.pick(ord(ch)) if ord(ch) in self.cmaps[self._style] else None
        if mapped is None:
            if ch.isspace() or not ch.isprintable():
                return ""
            self.unknown.add(ord(ch))
            # Show that something could not be printed rather than silently dropping it.
            mapped = font.subset.pick(REPLACEMENT)
        return escape_parens(chr(mapped).encode("utf-16-be").decode("latin-1"))

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.page == 0 or self.y + height > self.bottom:
            self.new_page()

    def new_page(self) -> None:
        # The page header draws in its own fonts; text that continues onto the new page (a
        # paragraph's next line, the answer under a question) must keep the font it had.
        size, bold, color = self._size, self._style == "B", self._color
        self.add_page()
        self.y = self.top
        self.on_new_page()
        self.font(size, bold, color)

    def paragraph(
        self,
        text: str,
        *,
        size: float = 9.5,
        bold: bool = False,
        color: Color = INK,
        indent: float = 0.0,
        width: float | None = None,
        leading: float = 1.3,
        after: float = 1.2,
    ) -> None:
        """Wrapped text from the current y, breaking pages between lines."""
        self.font(size, bold, color)
        line_h = size * leading * PT
        avail = width if width is not None else self.width - indent
        x = self.l_margin + indent
        for line in self.wrap(text, avail):
            self.need(line_h)
            self.put(x, self.y + size * 0.95 * PT, line)
            self.y += line_h
        self.y += after

    def lines_height(
        self, text: str, size: float, width: float, leading: float = 1.3, bold: bool = False
    ) -> float:
        self.font(size, bold)
        return len(self.wrap(text, width)) * size * leading * PT

    def label_value(
        self, label: str, value: str, *, label_w: float = 38.0, size: float = 9.0
    ) -> None:
        """'Label   value' with the value wrapped in its own column."""
        self.font(size)
        line_h = size * 1.3 * PT
        lines = self.wrap(value, self.width - label_w) or [""]
        self.need(line_h * min(len(lines), 3))
        self.font(size, False, MUTED)
        self.put(self.l_margin, self.y + size * 0.95 * PT, label)
        self.font(size, False, INK)
        for line in lines:
            self.need(line_h)
            self.put(self.l_margin + label_w, self.y + size * 0.95 * PT, line)
            self.y += line_h
        self.y += 0.6

    def heading(self, text: str, *, size: float = 11.5, keep: float = 14.0) -> None:
        """A section heading on a tinted band, kept with ``keep`` mm of what follows."""
        band_h = size * PT + 3.2
        self.y += 2.0
        self.need(band_h + keep)
        self.set_fill_color(*BAND)
        self.rect(self.l_margin, self.y, self.width, band_h, style="F")
        self.font(size, True, ACCENT)
        self.put(self.l_margin + 2.0, self.y + band_h / 2 + size * 0.35 * PT, text)
        self.y += band_h + 2.2

    def subheading(self, text: str, *, size: float = 10.0, keep: float = 10.0) -> None:
        self.y += 1.2
        self.font(size, True, ACCENT)
        lines = self.wrap(text, self.width)
        self.need(len(lines) * size * 1.3 * PT + keep)
        self.paragraph(text, size=size, bold=True, color=ACCENT, after=0.8)

    def rule(self, color: Color = RULE, gap: float = 1.5) -> None:
        self.set_draw_color(*color)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.y, self.l_margin + self.width, self.y)
        self.y += gap

    def badge(self, x: float, y: float, text: str, color: Color, size: float = 7.0) -> float:
        """A filled label (e.g. STOP) at (x, y top); returns its width."""
        self.font(size, True, (255, 255, 255))
        w = self.measure(text) + 2.4
        h = size * PT + 1.6
        self.set_fill_color(*color)
        self.rect(x, y, w, h, style="F")
        self.put(x + 1.2, y + h / 2 + size * 0.35 * PT, text)
        return w

    @contextmanager
    def on_page(self, page: int) -> Iterator[None]:
        """Draw on an earlier page (headers and footers once the page count is known)."""
        current, y = self.page, self.y
        self.page = page
        # That page's content stream ends in whatever state it was left in: restate ours.
        self.current_font_is_set_on_page = False
        self._out(self.fill_color.serialize().lower())
        self._out(self.draw_color.serialize().upper())
        try:
            yield
        finally:
            self.page, self.y = current, y
