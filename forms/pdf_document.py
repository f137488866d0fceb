"""What every part of the consent document shares: the record, the page, the two languages
(``t``: the patient's, for what the patient read and signed; ``st``: the clinic's, for staff
sections, page furniture and evidence), times in the clinic's zone, and the signature block.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import weakref
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from checklist.models import Pack
from errors import DomainError
from forms.clinic import ClinicInfo
from forms.pdf_banner import Banner, banner_of, document_type
from forms.pdf_layout import ACCENT, INK, MUTED, PT, RULE, Layout
from forms.record_parts import AuditEntry, Signature
from forms.records import Consent
from language.dates import format_datetime
from language.i18n import REFERENCE, catalog, languages, t

CHECK = "✓"
CROSS = "✗"


def when(value: dt.datetime | None, tz: ZoneInfo) -> str:
    """A time in the clinic's zone with its abbreviation, e.g. 2026-11-23 09:02:13 EST."""
    if value is None:
        return "-"
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def language_name(lang: str) -> str:
    return f"{t(lang, 'pdf.language_name')} ({lang})" if lang in languages() else lang


_fingerprints: dict[int, tuple[weakref.ref[Pack], str]] = {}


def _fingerprint(pack: Pack) -> str:
    """Pack.fingerprint re-serialises the whole pack; packs are frozen, so remember it per object."""
    known = _fingerprints.get(id(pack))
    if known is not None and known[0]() is pack:
        return known[1]
    value = pack.fingerprint
    key = id(pack)
    _fingerprints[key] = (weakref.ref(pack, lambda _ref: _fingerprints.pop(key, None)), value)
    return value


def check_pack(consent: Consent, pack: Pack) -> None:
    """The pack given is the exact one the patient saw (id, version, language, fingerprint)."""
    ref = consent.pack
    if (ref.pack_id, ref.version, ref.language) != pack.key or ref.fingerprint != _fingerprint(
        pack
    ):
        raise DomainError(
            f"This consent was signed on content pack {ref.pack_id} {ref.version} ({ref.language}); "
            f"the pack given is {pack.id} {pack.version} ({pack.language}) with a different "
            "fingerprint. Render it with the exact pack the patient saw."
        )


class DocumentBase:
    """The state of one rendering; the parts (patient, staff, evidence) are mixins on it."""

    def __init__(
        self,
        consent: Consent,
        pack: Pack,
        clinic: ClinicInfo,
        generated_at: dt.datetime,
        audit: list[AuditEntry],
        seal_note: str,
        extra: frozenset[int],
    ) -> None:
        self.c = consent
        self.pack = pack
        self.clinic = clinic
        self.tz = clinic.tz
        self.lang = pack.language
        self.staff_lang = clinic.language
        self.values = consent.pack.placeholder_values
        self.generated_at = generated_at
        self.audit = audit
        self.seal_note = seal_note
        self.refusal = consent.decision == "decline"
        self._labels: dict[tuple[str, str], str] = {}
        doc_key = "pdf.doc_type.refusal" if self.refusal else "pdf.doc_type.consent"
        if consent.is_visit and not self.refusal:
            doc_key = "pdf.doc_type.visit"
        self.heading = self.t(doc_key)  # the patient's words
        self.doc_type = self.st(doc_key)  # the clinic's words
        visit = consent.visit_of
        # A visit's title says which session of the course it is (forms.pdf_course).
        self.session_line = self.t("pdf.visit.session", session=visit.session) if visit else ""
        # Entered in error, on hold, hold released: a band on every page (forms.pdf_banner).
        self.banner: Banner | None = banner_of(consent, audit)
        self.type_code = document_type(consent, self.banner)
        self.type_words = self.doc_type  # the document's type with its standing, for staff
        if self.banner is not None:
            state = self.st(f"pdf.staff.banner.state.{self.banner.standing.value}")
            self.type_words = f"{self.doc_type} ({state})"
        self.pdf = Layout(generated_at, extra)
        self.pdf.on_new_page = self._header  # every new page starts with the header

    def _header(self) -> None:
        """The page header; the full document (forms.pdf) draws it."""

    def t(self, key: str, **values: object) -> str:
        """A label in the patient's language."""
        return self._label(self.lang, key, values)

    def st(self, key: str, **values: object) -> str:
        """A label in the clinic's language (staff sections)."""
        return self._label(self.staff_lang, key, values)

    def _label(self, lang: str, key: str, values: dict[str, object]) -> str:
        if values:
            return t(lang, key, **values)
        text = self._labels.get((lang, key))
        if text is None:  # a document asks for the same labels many times: look up once
            text = self._labels[lang, key] = t(lang, key)
        return text

    def when(self, value: dt.datetime | None) -> str:
        return when(value, self.tz)

    def clinic_values(self) -> str:
        """The clinic's values the pack's texts were filled with, one a line, in words
        ("Compression stockings: 7 days"); a value without words of its own prints by name."""
        lines = []
        for name, value in sorted(self.values.items()):
            key = f"pdf.staff.value.{name}"
            if key in catalog(REFERENCE):
                lines.append(self.st(key, value=value))
            else:
                label = name.replace("_", " ").capitalize()
                lines.append(self.st("pdf.staff.value.other", name=label, value=value))
        return "\n".join(lines)

    def _label_w(self, labels: Iterable[str]) -> float:
        """A label column wide enough for the longest label (translations run longer)."""
        self.pdf.font(9.0)
        return max(38.0, max(self.pdf.measure(label) for label in labels) + 4.0)

    # --- signatures --------------------------------------------------------------------------
    def _signature_block(
        self,
        sig: Signature,
        title: str,
        labels: tuple[str, str, str] | None = None,
        *,
        in_patient_words: bool = False,
    ) -> None:
        """The ink (or "signed electronically"), then name, time and meaning as recorded.
        Labels are the clinic's unless given (the patient's and interpreter's blocks)."""
        pdf = self.pdf
        if labels is None:
            keys = ("pdf.staff.sign.printed_name", "pdf.staff.sign.signed_at")
            labels = (self.st(keys[0]), self.st(keys[1]), self.st("pdf.staff.sign.meaning"))
        box_w, box_h = 78.0, 26.0
        pdf.need(box_h + 10)
        pdf.font(8.5, True, ACCENT)
        pdf.put(pdf.l_margin, pdf.y + 8.5 * 0.95 * PT, title)
        pdf.y += 4.5
        top = pdf.y
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.25)
        pdf.rect(pdf.l_margin, top, box_w, box_h)
        _draw_signature(pdf, sig, pdf.l_margin, top, box_w, box_h)
        if not sig.strokes and not sig.png:
            pdf.font(8, False, MUTED)
            # Wrapped inside the box: the Spanish words are wider than the box.
            lines, line = [], ""
            for word in self.st("pdf.staff.sign.electronic").split():
                if line and pdf.get_string_width(f"{line} {word}") > box_w - 6:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}".strip()
            lines.append(line)
            for n, text in enumerate(lines):
                pdf.put(pdf.l_margin + 3, top + box_h / 2 + (n - (len(lines) - 1) / 2) * 3.6, text)
        x = pdf.l_margin + box_w + 6
        col_w = pdf.width - box_w - 6
        rows = [
            (labels[0], sig.printed_name),
            (labels[1], self._signed_when(sig.signed_at, in_patient_words)),
            (labels[2], sig.meaning),
        ]
        if sig.staff_user_id is not None:
            staff_id = self.st("pdf.staff.sign.staff_id_value", id=sig.staff_user_id)
            rows.append((self.st("pdf.staff.sign.staff_id"), staff_id))
        y = top + 1
        for label, value in rows:
            pdf.font(7, False, MUTED)
            pdf.put(x, y + 2.5, label)
            y += 3.2
            pdf.font(9.5, label == labels[0], INK)
            for line in pdf.wrap(value, col_w):
                pdf.put(x, y + 3.2, line)
                y += 4.2
            y += 0.8
        pdf.y = max(top + box_h, y) + 3

    def _signed_when(self, at: dt.datetime, in_patient_words: bool) -> str:
        """The patient's signing time as they write dates ("23 de noviembre de 2026, 9:00 EST"),
        then the exact time to the second; staff signatures keep the exact time only."""
        if not in_patient_words:
            return self.when(at)
        return f"{format_datetime(self.lang, at, self.tz)} ({self.when(at)})"


def _draw_signature(pdf: Layout, sig: Signature, x: float, y: float, w: float, h: float) -> None:
    """The drawn strokes as vector paths (crisp at any resolution), else the PNG, fitted in the box."""
    strokes = [
        [(p.x, p.y) for p in s.points if math.isfinite(p.x) and math.isfinite(p.y)]
        for s in sig.strokes
    ]
    points = [pt for stroke in strokes for pt in stroke]
    if points:
        pad = 2.5
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        min_x, min_y = min(xs), min(ys)
        span_x, span_y = max(max(xs) - min_x, 1.0), max(max(ys) - min_y, 1.0)
        scale = min((w - 2 * pad) / span_x, (h - 2 * pad) / span_y)
        off_x = x + (w - span_x * scale) / 2
        off_y = y + (h - span_y * scale) / 2
        k, page_h = pdf.k, pdf.h
        ops = ["q 0.08 0.12 0.35 RG 1 J 1 j", f"{0.45 * k:.2f} w"]
        for stroke in strokes:
            pts = [
                ((off_x + (px - min_x) * scale) * k, (page_h - off_y - (py - min_y) * scale) * k)
                for px, py in stroke
            ]
            if not pts:
                continue
            if len(pts) == 1:  # a dot: a zero-length segment with round caps
                pts.append((pts[0][0] + 0.01, pts[0][1]))
            ops.append(f"{pts[0][0]:.2f} {pts[0][1]:.2f} m")
            ops.extend(f"{px:.2f} {py:.2f} l" for px, py in pts[1:])
            ops.append("S")
        ops.append("Q")
        pdf._out("\n".join(ops))
    elif sig.png:
        pdf.image(io.BytesIO(sig.png), x=x + 2, y=y + 2, w=w - 4, h=h - 4, keep_aspect_ratio=True)
