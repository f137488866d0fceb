"""DejaVu Sans for consent PDFs, parsed once per process and reused by every document.

fpdf2 parses the 700 KB TrueType file in ``add_font`` (about 55 ms per face) and subsets it with
fontTools in ``output`` (about 50 ms per face) for every document. Both are wasted work for a
form that uses the same few hundred characters each time, so here we:

1. subset each face once per process to a *working set* (Latin with every accent, Vietnamese,
   Greek, Cyrillic, punctuation and the marks the form draws, about 1,600 glyphs);
2. parse that working face once into a template fpdf2 ``TTFFont`` and split it into per-glyph
   outlines (``_Glyphs``);
3. give each document a cheap copy whose ``ttfont`` is a ``_DocumentFace``: at output it writes a
   TrueType file holding only the outlines the document used (glyph ids unchanged, others empty),
   in about a millisecond instead of fontTools' 50. Same glyphs in, same bytes out.

Measured here: first document of a process about 1 s (steps 1-2), then about 35 ms CPU to render
a 9-page consent, with about 20 KB of embedded font.

A document that needs a character outside the working set (a rare name) gets a face built for it
(working set + those characters), cached in a small LRU.

Scripts that need shaping (Arabic, Hebrew) and what no face can draw: ``forms.pdf_scripts``.
"""

from __future__ import annotations

import copy
import io
import struct
import sys
import threading
from array import array
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FACES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
FAMILY = "dejavu"


def _ranges(*spans: tuple[int, int]) -> frozenset[int]:
    return frozenset(c for lo, hi in spans for c in range(lo, hi + 1))


WORKING_SET: frozenset[int] = _ranges(
    (0x20, 0x7E),  # ASCII
    (0xA0, 0x24F),  # Latin-1, Latin Extended-A and -B
    (0x250, 0x2FF),  # IPA, spacing modifiers (ʻokina, ˈ)
    (0x300, 0x36F),  # combining accents (names typed in decomposed form)
    (0x370, 0x3FF),  # Greek
    (0x400, 0x4FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # punctuation: dashes, quotes, bullets, ellipsis
    (0x20A0, 0x20BF),  # currency
    (0x2100, 0x215F),  # letterlike, fractions
    (0x2190, 0x21FF),  # arrows
    (0x2212, 0x2265),  # minus, ≤ ≥
    (0x25A0, 0x25CF),  # squares, circles
    (0x2610, 0x2612),  # ballot boxes
    (0x26A0, 0x26A0),  # warning sign
    (0x2713, 0x2718),  # check marks, crosses
    (0xFFFD, 0xFFFD),  # replacement character, printed for what no face can draw
)


class _Glyphs:
    """A working face split into parts, so each document can embed only the glyphs it uses.

    Glyph ids stay those of the working face (unused glyphs become empty outlines), so the
    widths and codes fpdf2 computed from the template stay valid and nothing is renumbered.
    """

    KEEP = ("OS/2", "cmap", "head", "hhea", "hmtx", "maxp", "name", "post")

    def __init__(self, data: bytes) -> None:
        font = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False)
        self.order: list[str] = font.getGlyphOrder()
        self.ids = {name: i for i, name in enumerate(self.order)}
        self.tables = {tag: font.reader[tag] for tag in self.KEEP}
        loca = font["loca"]
        raw_glyf = font.reader["glyf"]
        glyf = font["glyf"]
        self.outlines: list[bytes] = []
        self.components: list[tuple[int, ...]] = []
        for gid, name in enumerate(self.order):
            raw = raw_glyf[loca[gid] : loca[gid + 1]]
            self.outlines.append(raw + b"\0" * (-len(raw) % 4))
            glyph = glyf[name]
            parts = glyph.getComponentNames(glyf) if glyph.isComposite() else []
            self.components.append(tuple(self.ids[c] for c in parts))
        font.close()

    def closure(self, names: Iterable[str]) -> set[int]:
        todo = [0] + [self.ids[n] for n in names if n in self.ids]
        seen: set[int] = set()
        while todo:
            gid = todo.pop()
            if gid not in seen:
                seen.add(gid)
                todo.extend(self.components[gid])
        return seen

    def build(self, names: Iterable[str]) -> bytes:
        """A TrueType file with outlines only for ``names`` (and their components)."""
        used = self.closure(names)
        glyf = bytearray()
        offsets = array("I", [0])
        for gid, outline in enumerate(self.outlines):
            if gid in used:
                glyf += outline
            offsets.append(len(glyf))
        if sys.byteorder == "little":
            offsets.byteswap()
        head = bytearray(self.tables["head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
        head[50:52] = struct.pack(">h", 1)  # long loca offsets
        tables = {
            **self.tables,
            "head": bytes(head),
            "glyf": bytes(glyf),
            "loca": offsets.tobytes(),
        }
        font = _sfnt(tables)
        adjust = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
        head_at = font.index(tables["head"][:8] + b"\0\0\0\0")  # the head table's body
        return font[: head_at + 8] + struct.pack(">I", adjust) + font[head_at + 12 :]


def _checksum(data: bytes) -> int:
    words = array("I", data + b"\0" * (-len(data) % 4))
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


def _sfnt(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(
        ">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16
    )
    offset = 12 + 16 * count
    records, bodies = [], []
    for tag in tags:
        body = tables[tag]
        records.append(
            struct.pack(">4sIII", tag.encode("latin-1"), _checksum(body), offset, len(body))
        )
        padded = body + b"\0" * (-len(body) % 4)
        bodies.append(padded)
        offset += len(padded)
    return header + b"".join(records) + b"".join(bodies)


class _DocumentFace:
    """What fpdf2's output step needs from a fontTools TTFont, for one document.

    fpdf2 runs fontTools' Subsetter on ``font.ttfont`` and then ``save()``s it. With this object
    the subsetter finds no tables to prune and hands over the glyph names in use
    (``setGlyphOrder``); ``save`` then writes a file with just those outlines (``_Glyphs.build``).
    """

    def __init__(self, glyphs: _Glyphs) -> None:
        self._glyphs = glyphs
        self._used: list[str] = []

    # --- used by fontTools' Subsetter.subset (finds nothing to prune) ---
    def keys(self) -> list[str]:
        return []

    def __contains__(self, tag: object) -> bool:
        return False

    def getGlyphOrder(self) -> list[str]:
        return self._glyphs.order

    def setGlyphOrder(self, order: list[str]) -> None:
        self._used = list(order)  # the glyphs this document uses

    def getReverseGlyphMap(self, rebuild: bool = False) -> dict[str, int]:
        return self._glyphs.ids

    # --- used by fpdf2's output step ---
    def getGlyphID(self, name: str) -> int:
        return self._glyphs.ids[name]

    def save(self, out: io.BytesIO) -> None:
        out.write(self._glyphs.build(self._used))

    def close(self) -> None:
        pass


def _subset_bytes(path: Path, codepoints: Iterable[int]) -> bytes:
    font = ttLib.TTFont(str(path), recalcTimestamp=False)
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, hinting=False)
    options.layout_features = []  # no shaping: plain left-to-right text
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "hdmx", "MATH"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _Face:
    """One prepared face: a template TTFFont and the shared output stand-in."""

    def __init__(self, style: str, codepoints: frozenset[int]) -> None:
        data = _subset_bytes(FACES[style], codepoints)
        scratch = FPDF()
        # fontTools reads from any file object; the template is never written out itself.
        template = TTFFont(scratch, io.BytesIO(data), FAMILY + style, style)  # type: ignore[arg-type]
        self.template = template
        self.glyphs = _Glyphs(data)
        self.codepoints = frozenset(template.cmap)
        template.ttfont.close()

    def install(self, pdf: FPDF) -> None:
        """Register a fresh per-document copy of this face in ``pdf``."""
        tpl = self.template
        font = copy.copy(tpl)  # shallow: cmap, cw, glyph_ids are read-only and shared
        font.i = len(pdf.fonts) + 1
        font.desc = copy.copy(tpl.desc)  # output sets its name and object id
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        font.ttfont = _DocumentFace(self.glyphs)  # type: ignore[assignment]
        pdf.fonts[tpl.fontkey] = font


_lock = threading.Lock()


@lru_cache(maxsize=8)
def _faces(extra: frozenset[int]) -> dict[str, _Face]:
    return {style: _Face(style, WORKING_SET | extra) for style in FACES}


def faces(extra: frozenset[int] = frozenset()) -> dict[str, _Face]:
    """The prepared faces (built on first use; ``extra`` adds characters beyond the working set)."""
    with _lock:  # one build at a time; later calls hit the cache
        return _faces(extra)


def install_fonts(pdf: FPDF, text_codepoints: Iterable[int] = ()) -> dict[str, frozenset[int]]:
    """Add the regular and bold faces to ``pdf``; returns, per style, the codepoints it can draw."""
    missing = frozenset(c for c in text_codepoints if c not in WORKING_SET and c >= 0x20)
    chosen = faces(missing)
    for face in chosen.values():
        face.install(pdf)
    return {style: face.codepoints for style, face in chosen.items()}


def warm_up() -> None:
    """Build the shared faces and read the full faces' character map now (at server start,
    ``services.context.warm_documents``) rather than on the first document."""
    faces()
    full_codepoints()


@lru_cache(maxsize=1)
def full_codepoints() -> frozenset[int]:
    """Every character the full DejaVu faces can draw (read once)."""
    cps: set[int] = set()
    for path in FACES.values():
        font = ttLib.TTFont(str(path), lazy=True)
        cps.update(font.getBestCmap())
        font.close()
    return frozenset(cps)
