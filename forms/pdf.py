"""The consent (or informed refusal) document: a pure function of record, pack, clinic and time.

Same input, same bytes: the creation date is ``generated_at``, the XMP packet is written here
(fpdf2's own stamps the current time), fonts are the same prepared faces every time. The file is
PDF/A-2B; ``forms.seal`` adds the PAdES seal afterwards.

Patient-facing labels come from the message catalog in the language the patient saw; staff
sections are labelled in English (the clinic's language).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import weakref
from collections.abc import Iterable
from html import escape
from zoneinfo import ZoneInfo

from checklist.models import FlagLevel, Item, Pack, Section
from checklist.sites import site_label
from errors import DomainError
from forms.clinic import ClinicInfo
from forms.pdf_fonts import full_codepoints
from forms.pdf_layout import (
    ACCENT,
    INK,
    MUTED,
    OK_GREEN,
    PT,
    REVIEW_AMBER,
    RULE,
    STOP_RED,
    Layout,
)
from forms.records import (
    Acknowledgement,
    AuditEntry,
    Consent,
    FlagReview,
    ScreeningAnswer,
    Signature,
    Status,
)
from language.dates import format_date_with_iso, format_datetime
from language.i18n import languages, t
from language.placeholders import fill

DOC_TYPE_CONSENT = "Consent to treatment"
DOC_TYPE_REFUSAL = "Informed refusal"
KEYWORD_PREFIX = "consent-document-id:"
PACK_KEYWORD_PREFIX = "pack-version:"
CHECK = "✓"
CROSS = "✗"
CHECKLIST_ANSWERS = {"yes": "YES", "no": "NO", "na": "N/A"}


def when(value: dt.datetime | None, tz: ZoneInfo) -> str:
    """A time in the clinic's zone with its abbreviation, e.g. 2026-11-23 09:02:13 EST."""
    if value is None:
        return "-"
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def language_name(lang: str) -> str:
    return f"{t(lang, 'pdf.language_name')} ({lang})" if lang in languages() else lang


def render_consent_pdf(
    consent: Consent,
    pack: Pack,
    clinic: ClinicInfo,
    generated_at: dt.datetime,
    audit: list[AuditEntry],
    seal_note: str = "",
) -> bytes:
    """The consent or informed-refusal document (chosen by ``consent.decision``) as PDF bytes."""
    _check_pack(consent, pack)
    doc = _ConsentDocument(consent, pack, clinic, generated_at, audit, seal_note, frozenset())
    data, unknown = doc.render()
    drawable_elsewhere = unknown & full_codepoints()
    if drawable_elsewhere:  # a rare character: build faces that include it, lay out again
        doc = _ConsentDocument(
            consent, pack, clinic, generated_at, audit, seal_note, drawable_elsewhere
        )
        data, _ = doc.render()
    return data


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


def _check_pack(consent: Consent, pack: Pack) -> None:
    ref = consent.pack
    if (ref.pack_id, ref.version, ref.language) != pack.key or ref.fingerprint != _fingerprint(
        pack
    ):
        raise DomainError(
            f"This consent was signed on content pack {ref.pack_id} {ref.version} ({ref.language}); "
            f"the pack given is {pack.id} {pack.version} ({pack.language}) with a different "
            "fingerprint. Render it with the exact pack the patient saw."
        )


class _ConsentDocument:
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
        self.values = consent.pack.placeholder_values
        self.generated_at = generated_at
        self.audit = audit
        self.seal_note = seal_note
        self.refusal = consent.decision == "decline"
        self.doc_type = DOC_TYPE_REFUSAL if self.refusal else DOC_TYPE_CONSENT
        self._labels: dict[str, str] = {}
        self.heading = self.t("pdf.doc_type.refusal" if self.refusal else "pdf.doc_type.consent")
        self.pdf = Layout(generated_at, extra)
        self.pdf.on_new_page = self._header

    def t(self, key: str, **values: object) -> str:
        if values:
            return t(self.lang, key, **values)
        text = self._labels.get(key)
        if text is None:  # i18n.t lists the catalog directory on every call: ask once per key
            text = self._labels[key] = t(self.lang, key)
        return text

    def when(self, value: dt.datetime | None) -> str:
        return when(value, self.tz)

    # --- the document --------------------------------------------------------------------
    def render(self) -> tuple[bytes, set[int]]:
        pdf = self.pdf
        self._metadata()
        pdf.new_page()
        self._title()
        self._patient()
        self._content_pack()
        for section in self.pack.sections:
            self._section(section)
        self._screening()
        self._photographs()
        self._decision()
        self._interpreter()
        self._nurse()
        self._timeout()
        self._attestation()
        self._filing()
        self._evidence()
        self._footers()
        return bytes(pdf.output()), pdf.unknown

    def _metadata(self) -> None:
        c, pdf = self.c, self.pdf
        created = self.generated_at.astimezone(dt.UTC).isoformat(timespec="seconds")
        # No patient name in the metadata: search tools index it, often outside access control.
        title = f"{self.doc_type}: {self.pack.title}"
        keywords = (
            f"{KEYWORD_PREFIX}{c.id}, pack-id:{c.pack.pack_id}, "
            f"{PACK_KEYWORD_PREFIX}{c.pack.version}, pack-language:{c.pack.language}"
        )
        description = (
            f"{self.doc_type}. Document id {c.id}. Content pack {c.pack.pack_id} version "
            f"{c.pack.version} ({c.pack.language}). {self.clinic.name}."
        )
        e = _xml
        pdf.set_xmp_metadata(
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '  <rdf:Description rdf:about=""\n'
            '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
            '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
            '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"\n'
            f'    xmp:CreateDate="{created}" xmp:ModifyDate="{created}" xmp:MetadataDate="{created}"\n'
            f'    xmp:CreatorTool="sclerotherapy e-consent"\n'
            f'    pdf:Producer="fpdf2" pdf:Keywords="{e(keywords)}">\n'
            "   <pdfaid:part>2</pdfaid:part>\n"
            "   <pdfaid:conformance>B</pdfaid:conformance>\n"
            f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt></dc:title>\n'
            f'   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(description)}</rdf:li>'
            "</rdf:Alt></dc:description>\n"
            f"   <dc:creator><rdf:Seq><rdf:li>{e(self.clinic.name)}</rdf:li></rdf:Seq></dc:creator>\n"
            f"   <dc:identifier>urn:uuid:{c.id}</dc:identifier>\n"
            f"   <dc:language><rdf:Bag><rdf:li>{e(c.pack.language)}</rdf:li></rdf:Bag></dc:language>\n"
            "  </rdf:Description>\n"
            " </rdf:RDF>\n"
            "</x:xmpmeta>"
        )
        pdf.set_lang(c.pack.language)

    def _header(self) -> None:
        pdf = self.pdf
        y = 10.0
        pdf.font(10.5, True, ACCENT)
        pdf.put(pdf.l_margin, y + 3.5, self.clinic.name)
        pdf.font(7.5, False, MUTED)
        pdf.put(pdf.l_margin, y + 7.5, f"{self.clinic.address}  ·  {self.clinic.phone}")
        right = pdf.l_margin + pdf.width
        pdf.font(10.5, True, INK)
        pdf.put(right - pdf.measure(self.heading), y + 3.5, self.heading)
        pdf.font(7.5, False, MUTED)
        sub = self.pack.procedure  # the patient's language, like the heading above it
        pdf.put(right - pdf.measure(sub), y + 7.5, sub)
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.5)
        pdf.line(pdf.l_margin, y + 10.5, right, y + 10.5)

    def _footers(self) -> None:
        pdf, c = self.pdf, self.c
        total = pdf.pages_count
        left = (
            f"{c.patient.legal_name}  ·  DOB {c.patient.date_of_birth.isoformat()}  ·  "
            f"Document {c.id}  ·  Pack {c.pack.pack_id} {c.pack.version}"
        )
        for page in range(1, total + 1):
            with pdf.on_page(page):
                y = pdf.h - 12.0
                pdf.set_draw_color(*RULE)
                pdf.set_line_width(0.2)
                pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.width, y)
                pdf.font(7.0, False, MUTED)
                number = f"Page {page} of {total}"
                number_w = pdf.measure(number)
                lines = pdf.wrap(left, pdf.width - number_w - 6)
                for i, line in enumerate(lines[:2]):
                    pdf.put(pdf.l_margin, y + 3.4 + i * 3.0, line)
                pdf.put(pdf.l_margin + pdf.width - number_w, y + 3.4, number)

    # --- page 1 ----------------------------------------------------------------------------
    def _title(self) -> None:
        pdf, c = self.pdf, self.c
        pdf.paragraph(self.heading, size=17, bold=True, color=INK, after=0.5)
        if self.heading != self.doc_type:  # staff sections are in English: name the document too
            pdf.paragraph(self.doc_type, size=10, bold=True, color=MUTED, after=0.5)
        pdf.paragraph(self.pack.title, size=11, color=ACCENT, after=1.0)
        status = c.status.value.replace("_", " ")
        pdf.paragraph(
            f"Record status: {status}  ·  Record version {c.version}  ·  "
            f"Document generated {self.when(self.generated_at)}",
            size=8,
            color=MUTED,
            after=1.5,
        )
        if c.status is Status.ENTERED_IN_ERROR:
            self._banner(f"ENTERED IN ERROR: {c.error_reason or 'no reason recorded'}", STOP_RED)
        elif c.on_hold:
            self._banner(f"ON HOLD: {c.on_hold}", REVIEW_AMBER)
        if self.refusal:
            self._banner(
                "The patient declined this treatment. This document records the information "
                "given and the patient's signed refusal.",
                REVIEW_AMBER,
            )

    def _banner(self, text: str, color: tuple[int, int, int]) -> None:
        pdf = self.pdf
        pdf.font(9, True)
        lines = pdf.wrap(text, pdf.width - 6)
        h = len(lines) * 9 * 1.3 * PT + 3
        pdf.need(h + 2)
        pdf.set_draw_color(*color)
        pdf.set_line_width(0.6)
        pdf.rect(pdf.l_margin, pdf.y, pdf.width, h)
        pdf.y += 1.5
        for line in lines:
            pdf.font(9, True, color)
            pdf.put(pdf.l_margin + 3, pdf.y + 9 * 0.95 * PT, line)
            pdf.y += 9 * 1.3 * PT
        pdf.y += 3

    def _patient(self) -> None:
        pdf, p, c = self.pdf, self.c.patient, self.c
        pdf.heading(self.t("pdf.patient.heading"))
        keys = ("legal_name", "preferred_name", "date_of_birth", "mrn", "procedure", "site")
        w = self._label_w(self.t(f"pdf.patient.{k}") for k in keys)
        pdf.label_value(self.t("pdf.patient.legal_name"), p.legal_name, label_w=w)
        if p.preferred_name:
            pdf.label_value(self.t("pdf.patient.preferred_name"), p.preferred_name, label_w=w)
        # In the patient's words, with the ISO date for anyone matching records.
        pdf.label_value(
            self.t("pdf.patient.date_of_birth"),
            format_date_with_iso(self.lang, p.date_of_birth),
            label_w=w,
        )
        pdf.label_value(
            self.t("pdf.patient.mrn"), p.mrn or self.t("pdf.patient.not_recorded"), label_w=w
        )
        # The pack's name for the procedure; the clinic's recorded name beside it when it differs.
        procedure = self.pack.procedure
        if c.procedure.strip() != procedure.strip():
            procedure = f"{procedure} ({c.procedure})"
        pdf.label_value(self.t("pdf.patient.procedure"), procedure, label_w=w)
        pdf.label_value(self.t("pdf.patient.site"), self._site(), label_w=w)

    def _label_w(self, labels: Iterable[str]) -> float:
        """A label column wide enough for the longest label (translations run longer)."""
        self.pdf.font(9.0)
        return max(38.0, max(self.pdf.measure(label) for label in labels) + 4.0)

    def _site(self) -> str:
        """The recorded site code in the patient's words, with the clinic's words beside them
        when they differ (the nurse matches the side against it). An older record's text that
        is not a code prints as recorded (checklist.sites.site_label)."""
        shown = site_label(self.c.site, self.lang)
        staff = site_label(self.c.site, self.clinic.language)
        return shown if shown == staff else f"{shown} ({staff})"

    def _content_pack(self) -> None:
        pdf, ref = self.pdf, self.c.pack
        pdf.heading("Information shown to the patient")
        pdf.label_value("Content pack", f"{self.pack.title} ({ref.pack_id})")
        pdf.label_value(
            "Version", f"{ref.version}, effective {self.pack.effective_date.isoformat()}"
        )
        pdf.label_value("Language", language_name(ref.language))
        pdf.label_value("Approved by", self.pack.approved_by)
        pdf.label_value("Fingerprint", f"SHA-256 {ref.fingerprint}", size=8)
        if ref.placeholder_values:
            values = "; ".join(f"{k} = {v}" for k, v in sorted(ref.placeholder_values.items()))
            pdf.label_value("Clinic values", values, size=8)

    # --- what the patient read -------------------------------------------------------------
    def _section(self, section: Section) -> None:
        pdf = self.pdf
        acks = {a.item_id: a for a in self.c.acknowledgements}
        pdf.heading(fill(section.title, self.values))
        if section.intro:
            pdf.paragraph(fill(section.intro, self.values), size=9, color=MUTED, after=1.5)
        for item in section.items:
            self._item(item, acks.get(item.id))
        for q in self.c.questions:
            if q.section_id == section.id:
                note = self.t("pdf.question_note", time=self.when(q.asked_at))
                text = f"{note}: {q.note}" if q.note else note
                # One question is read as one piece: never its last words alone on the next page.
                pdf.need(pdf.lines_height(text, 8.5, pdf.width, bold=True))
                pdf.paragraph(text, size=8.5, bold=True, color=REVIEW_AMBER)

    def _item(self, item: Item, ack: Acknowledgement | None) -> None:
        pdf = self.pdf
        indent = 6.0
        text = fill(item.text, self.values)
        # Keep an item on one page (unless it is longer than a page).
        height = pdf.lines_height(text, 9.5, pdf.width - indent) + 5.0
        pdf.need(min(height, pdf.bottom - pdf.top))
        mark, color = (CHECK, OK_GREEN) if ack else (CROSS, STOP_RED)
        pdf.font(10, True, color)
        pdf.put(pdf.l_margin + 1.0, pdf.y + 9.5 * 0.95 * PT, mark)
        pdf.paragraph(text, size=9.5, indent=indent, after=0.2)
        details = []
        if item.frequency is not None:
            details.append(self.t(f"pdf.freq.{item.frequency.value}"))
        if item.figure:
            details.append(fill(item.figure, self.values))
        if details:
            pdf.paragraph("  ·  ".join(details), size=8.5, color=ACCENT, indent=indent, after=0.2)
        if ack:
            line = f"{CHECK} {self.t('pdf.acknowledged')} {self.when(ack.acknowledged_at)}"
            if ack.question_for_doctor:
                line += f"  ·  {self.t('pdf.question_for_doctor')}"
            pdf.paragraph(line, size=7.5, color=MUTED, indent=indent, after=1.6)
        else:
            pdf.paragraph(
                self.t("pdf.not_acknowledged"), size=7.5, color=STOP_RED, indent=indent, after=1.6
            )

    def _answer(self, answer: str) -> str:
        return self.t(f"pdf.answer.{answer}")

    def _screening(self) -> None:
        pdf, screening = self.pdf, self.pack.screening
        answers = {a.question_id: a for a in self.c.screening}
        reviews: dict[str, list] = {}
        for r in self.c.flag_reviews:
            reviews.setdefault(r.question_id, []).append(r)
        pdf.heading(fill(screening.title, self.values))
        answer_w = 34.0
        text_w = pdf.width - answer_w - 4
        for q in screening.questions:
            a = answers.get(q.id)
            text = fill(q.text, self.values)
            block = pdf.lines_height(text, 9.5, text_w) + 4.0 + (9.0 if a and a.flag else 0.0)
            pdf.need(block)
            top = pdf.y
            answer = self._answer(a.answer.value) if a else self.t("pdf.not_answered")
            pdf.paragraph(text, size=9.5, width=text_w, after=0.3)
            pdf.font(9.5, True, INK if a else STOP_RED)
            pdf.put(pdf.l_margin + pdf.width - answer_w, top + 9.5 * 0.95 * PT, answer)
            if a is None:
                pdf.y += 1.2
                continue
            pdf.paragraph(self.when(a.answered_at), size=7.5, color=MUTED, after=0.8)
            if a.flag is not None:
                self._flag(q.id, a, reviews.get(q.id, []))
            pdf.y += 0.8

    def _flag(self, question_id: str, a: ScreeningAnswer, reviews: list[FlagReview]) -> None:
        pdf = self.pdf
        _, reasons = self.pack.flag_for(question_id, a.answer)
        label, color = ("STOP", STOP_RED) if a.flag is FlagLevel.STOP else ("REVIEW", REVIEW_AMBER)
        pdf.need(5)
        w = pdf.badge(pdf.l_margin, pdf.y + 0.2, label, color)
        pdf.font(8, True, color)
        for line in pdf.wrap(
            "; ".join(reasons) or "flagged for clinical review", pdf.width - w - 3
        ):
            pdf.need(3.6)
            pdf.put(pdf.l_margin + w + 2, pdf.y + 8 * 0.95 * PT + 0.4, line)
            pdf.y += 8 * 1.3 * PT
        pdf.y += 0.8
        for r in reviews:
            verdict = "Cleared" if r.decision == "cleared" else "Upheld (do not proceed)"
            text = f"{verdict} by clinician {r.by_name} (ID {r.by_id}) at {self.when(r.at)}"
            if r.note:
                text += f": {r.note}"
            review_color = OK_GREEN if r.decision == "cleared" else STOP_RED
            pdf.paragraph(text, size=8, bold=True, color=review_color, after=0.4)
        if not reviews:
            pdf.paragraph(
                "Not yet reviewed by a clinician.", size=8, bold=True, color=color, after=0.4
            )

    def _photographs(self) -> None:
        pdf, photo = self.pdf, self.pack.photo_consent
        text = fill(photo.text, self.values)
        # The question and the patient's answer stay on one page with their heading.
        pdf.heading(
            fill(photo.title, self.values), keep=pdf.lines_height(text, 9.5, pdf.width) + 10
        )
        pdf.paragraph(text, size=9.5)
        if self.c.photo_consent is None:
            answer, color = self.t("pdf.not_answered"), STOP_RED
        else:
            answer = self.t("pdf.photo.yes" if self.c.photo_consent else "pdf.photo.no")
            color = INK
        pdf.paragraph(answer, size=9.5, bold=True, color=color, after=1.0)

    def _decision(self) -> None:
        pdf, c = self.pdf, self.c
        pdf.heading(
            self.t("pdf.refusal_heading" if self.refusal else "pdf.consent_heading"), keep=45
        )
        if self.refusal:
            pdf.paragraph(fill(self.pack.refusal_statement, self.values), size=9.5, bold=True)
        else:
            pdf.paragraph(
                fill(self.pack.certification, self.values), size=9.5, bold=True, after=0.4
            )
            if c.certified_at:
                pdf.paragraph(
                    f"{CHECK} {self.t('pdf.confirmed_at', time=self.when(c.certified_at))}",
                    size=7.5,
                    color=MUTED,
                )
        if c.patient_signature is None:
            pdf.paragraph("Not signed by the patient.", size=9.5, bold=True, color=STOP_RED)
            return
        self._signature_block(
            c.patient_signature,
            self.t("pdf.patient_signature"),
            (self.t("pdf.printed_name"), self.t("pdf.signed_at"), self.t("pdf.meaning")),
            in_patient_words=True,
        )

    def _interpreter(self) -> None:
        i = self.c.interpreter
        if i is None:
            return
        pdf = self.pdf
        pdf.heading(self.t("pdf.interpreter.heading"), keep=30)
        keys = ("name", "language", "mode")
        w = self._label_w(self.t(f"pdf.interpreter.{k}") for k in keys)
        pdf.label_value(self.t("pdf.interpreter.name"), i.name_or_id, label_w=w)
        pdf.label_value(self.t("pdf.interpreter.language"), language_name(i.language), label_w=w)
        mode = self.t(f"patient.interpreter.mode.{i.mode}")
        pdf.label_value(self.t("pdf.interpreter.mode"), mode, label_w=w)
        if i.signature:
            # Signed on the patient's screen, beside the patient: labelled and dated the same way.
            self._signature_block(
                i.signature,
                self.t("pdf.interpreter.signature"),
                (self.t("pdf.printed_name"), self.t("pdf.signed_at"), self.t("pdf.meaning")),
                in_patient_words=True,
            )

    # --- staff -------------------------------------------------------------------------------
    def _nurse(self) -> None:
        if self.refusal and self.c.nurse_verification is None:
            return
        pdf, v = self.pdf, self.c.nurse_verification
        pdf.heading("Nurse pre-procedure verification")
        if v is None:
            pdf.paragraph("Not yet verified by a nurse.", size=9, color=MUTED)
            return
        texts = {i.id: i.text for i in self.pack.nurse_checklist}
        for a in v.answers:
            pdf.font(9)
            pdf.need(9)
            color = OK_GREEN if a.answer == "yes" else (MUTED if a.answer == "na" else STOP_RED)
            pdf.badge(pdf.l_margin, pdf.y + 0.3, CHECKLIST_ANSWERS[a.answer], color, size=6.5)
            pdf.paragraph(
                fill(texts.get(a.item_id, a.item_id), self.values), size=9, indent=12, after=0.2
            )
            meta = f"{a.answered_by} (ID {a.answered_by_id})  ·  {self.when(a.answered_at)}"
            if a.note:
                meta += f"  ·  Note: {a.note}"
            pdf.paragraph(meta, size=7.5, color=MUTED, indent=12, after=1.3)
        pdf.paragraph(
            f"Verified by {v.nurse_name} (ID {v.nurse_id}) at {self.when(v.verified_at)}",
            size=9,
            bold=True,
        )
        self._signature_block(v.signature, "Nurse signature")

    def _timeout(self) -> None:
        to = self.c.timeout
        pdf = self.pdf
        if to is None:
            if self.c.nurse_verification is not None:
                # A verified record without a time-out says so, rather than leaving it out.
                pdf.heading("Time-out before the first injection")
                pdf.paragraph(
                    "Not recorded when this document was made.", size=9, bold=True, color=STOP_RED
                )
            return
        pdf.heading("Time-out before the first injection")
        pdf.paragraph(
            f"Performed at {self.when(to.performed_at)} by {to.by_name} (ID {to.by_id})",
            size=9,
            bold=True,
        )
        texts = {i.id: i.text for i in self.pack.timeout}
        for item_id in to.items:
            pdf.paragraph(
                f"{CHECK}  {fill(texts.get(item_id, item_id), self.values)}", size=9, indent=2
            )

    def _attestation(self) -> None:
        a = self.c.attestation
        if a is None:
            return
        pdf = self.pdf
        pdf.heading("Clinician attestation", keep=40)
        pdf.paragraph(a.statement, size=9.5)
        pdf.paragraph(
            f"Attested by {a.clinician_name} (ID {a.clinician_id}) at {self.when(a.attested_at)}",
            size=9,
            bold=True,
        )
        self._signature_block(a.signature, "Clinician signature")

    def _filing(self) -> None:
        f = self.c.filing
        if f is None:
            return
        pdf = self.pdf
        pdf.heading("Filing")
        pdf.paragraph(
            f"Filed in the chart by {f.by_name} (ID {f.by_id}) at {self.when(f.filed_at)}; "
            f"chart reference {f.chart_reference}.",
            size=9,
        )

    # --- signatures --------------------------------------------------------------------------
    def _signature_block(
        self,
        sig: Signature,
        title: str,
        labels: tuple[str, str, str] = ("Printed name", "Date and time", "Meaning"),
        *,
        in_patient_words: bool = False,
    ) -> None:
        pdf = self.pdf
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
            pdf.put(
                pdf.l_margin + 3, top + box_h / 2, "Signed electronically (password re-entered)"
            )
        x = pdf.l_margin + box_w + 6
        col_w = pdf.width - box_w - 6
        rows = [
            (labels[0], sig.printed_name),
            (labels[1], self._signed_when(sig.signed_at, in_patient_words)),
            (labels[2], sig.meaning),
        ]
        if sig.staff_user_id is not None:
            rows.append(("Staff ID", f"{sig.staff_user_id} (password re-entered at signing)"))
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

    # --- evidence ----------------------------------------------------------------------------
    def _evidence(self) -> None:
        pdf, c = self.pdf, self.c
        pdf.new_page()
        pdf.paragraph("Evidence", size=15, bold=True, after=1.5)
        pdf.paragraph(
            "This page identifies the electronic record this document was produced from. The "
            "document carries a digital seal; any change to the file breaks it.",
            size=8.5,
            color=MUTED,
        )
        pdf.heading("Record")
        pdf.label_value("Document ID", str(c.id))
        pdf.label_value("Record SHA-256", c.sha256(), size=8)
        pdf.label_value("Pack fingerprint", c.pack.fingerprint, size=8)
        pdf.label_value(
            "Record status", f"{c.status.value.replace('_', ' ')} (version {c.version})"
        )
        pdf.label_value("Created", self.when(c.created_at))
        pdf.label_value("Generated", self.when(self.generated_at))
        pdf.label_value("Clinic time zone", self.clinic.timezone)
        pdf.heading("Audit trail", keep=20)
        self._audit_table()
        pdf.heading("Seal", keep=12)
        note = self.seal_note or (
            "Sealed with a PAdES digital signature covering the whole file. "
            "Check it with: python cli.py verify FILE.pdf"
        )
        pdf.paragraph(note, size=8.5)

    def _audit_table(self) -> None:
        pdf = self.pdf
        if not self.audit:
            pdf.paragraph("No audit events recorded.", size=8.5, color=MUTED)
            return
        cols = (48.0, 62.0)  # time, actor; action takes the rest
        size = 8.0
        line_h = size * 1.3 * PT

        def head() -> None:
            pdf.font(7.5, True, MUTED)
            x = pdf.l_margin
            for label, w in zip(("Time", "Actor (role)", "Action"), (*cols, 0), strict=True):
                pdf.put(x, pdf.y + 2.6, label)
                x += w
            pdf.y += 3.8
            pdf.rule(gap=1.0)

        head()
        for e in self.audit:
            pdf.font(size)
            actor = pdf.wrap(f"{e.actor} ({e.role})", cols[1] - 3)
            action = pdf.wrap(e.action, pdf.width - sum(cols))
            rows = max(len(actor), len(action), 1)
            if pdf.y + rows * line_h > pdf.bottom:
                pdf.new_page()
                head()
            pdf.font(size, False, INK)
            base = pdf.y + size * 0.95 * PT
            pdf.put(pdf.l_margin, base, self.when(e.at))
            for i, line in enumerate(actor):
                pdf.put(pdf.l_margin + cols[0], base + i * line_h, line)
            for i, line in enumerate(action):
                pdf.put(pdf.l_margin + sum(cols), base + i * line_h, line)
            pdf.y += rows * line_h + 0.6


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


def _xml(value: str) -> str:
    return escape(value, quote=True)


def document_digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def render_patient_copy(pack: Pack, clinic: ClinicInfo, values: dict[str, str]) -> bytes:
    """The patient's take-home sheet: aftercare and warning signs, in the pack's language."""
    created = dt.datetime.combine(pack.effective_date, dt.time(0, 0), tzinfo=dt.UTC)
    pdf = Layout(created)
    lang = pack.language

    def header() -> None:
        pdf.font(10.5, True, ACCENT)
        pdf.put(pdf.l_margin, 13.5, clinic.name)
        pdf.font(7.5, False, MUTED)
        pdf.put(pdf.l_margin, 17.5, f"{clinic.address}  ·  {clinic.phone}")
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.5)
        pdf.line(pdf.l_margin, 20.5, pdf.l_margin + pdf.width, 20.5)

    pdf.on_new_page = header
    pdf.set_lang(lang)
    pdf.new_page()
    pdf.paragraph(t(lang, "pdf.copy_title"), size=15, bold=True, after=0.8)
    pdf.paragraph(pack.title, size=9.5, color=ACCENT, after=2.0)
    for section in pack.sections:
        if section.kind.value not in ("aftercare", "warning_signs"):
            continue
        pdf.heading(fill(section.title, values))
        if section.intro:
            pdf.paragraph(fill(section.intro, values), size=9, color=MUTED)
        for item in section.items:
            urgent = item.urgency is not None and item.urgency.value == "emergency"
            mark_color = STOP_RED if urgent else ACCENT
            pdf.font(9.5)
            pdf.need(5)
            pdf.font(9.5, True, mark_color)
            pdf.put(pdf.l_margin + 1, pdf.y + 9.5 * 0.95 * PT, "!" if urgent else "•")
            pdf.paragraph(fill(item.text, values), size=9.5, indent=5, bold=urgent, after=1.0)
    pdf.y += 2
    pdf.paragraph(
        t(lang, "pdf.copy_call", clinic_name=clinic.name, phone=clinic.phone), size=10.5, bold=True
    )
    total = pdf.pages_count
    for page in range(1, total + 1):
        with pdf.on_page(page):
            pdf.font(7, False, MUTED)
            text = f"{pack.id} {pack.version} ({lang})  ·  " + t(
                lang, "pdf.copy_page", page=page, total=total
            )
            pdf.put(pdf.l_margin, pdf.h - 9, text)
    pdf.set_xmp_metadata(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        f'    xmp:CreateDate="{created.isoformat()}" xmp:ModifyDate="{created.isoformat()}">\n'
        "   <pdfaid:part>2</pdfaid:part>\n"
        "   <pdfaid:conformance>B</pdfaid:conformance>\n"
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml(t(lang, "pdf.copy_title"))}'
        "</rdf:li></rdf:Alt></dc:title>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>"
    )
    return bytes(pdf.output())
