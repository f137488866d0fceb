"""The consent (or informed refusal) document: a pure function of record, pack, clinic and time.

Same input, same bytes: the creation date is ``generated_at``, the XMP packet is written here
(fpdf2's own stamps the current time), fonts are the same prepared faces every time. The file is
PDF/A-2B; ``forms.seal`` adds the PAdES seal afterwards.

Labels come from the message catalog: what the patient read and signed in the language the
patient saw, staff sections, page furniture and the evidence page in the clinic's language
(``ClinicInfo.language``); what was recorded (meanings, statements, notes) prints as recorded.
The parts live beside this module:
``pdf_patient`` (what the patient read and signed), ``pdf_course`` (a course's terms; a visit's
course consent, re-confirmation and signature), ``pdf_staff`` (nurse, time-out, flags,
attestation, filing), ``pdf_sign_out`` (the procedure sign-out), ``pdf_evidence`` (the last
page), ``pdf_document`` (what they share).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from html import escape

from checklist.models import Pack
from forms.clinic import ClinicInfo
from forms.pdf_banner import COLORS, banner_text, draw_band
from forms.pdf_course import CourseParts
from forms.pdf_document import check_pack, language_name, when
from forms.pdf_evidence import ChainAnchor, EvidenceParts, evidence_xmp
from forms.pdf_fonts import full_codepoints
from forms.pdf_info import WithDocInfo
from forms.pdf_layout import ACCENT, INK, MUTED, PT, RULE, STOP_RED, Layout
from forms.pdf_risks import risks_in_numbers
from forms.pdf_sign_out import SignOutParts
from forms.record_parts import AuditEntry
from forms.records import Consent
from language.i18n import t
from language.placeholders import fill

__all__ = ["document_digest", "language_name", "render_consent_pdf", "render_patient_copy", "when"]

KEYWORD_PREFIX = "consent-document-id:"
CREATOR = "sclerotherapy e-consent"
PRODUCER = "fpdf2"
PACK_KEYWORD_PREFIX = "pack-version:"


def render_consent_pdf(
    consent: Consent,
    pack: Pack,
    clinic: ClinicInfo,
    generated_at: dt.datetime,
    audit: list[AuditEntry],
    seal_note: str = "",
    anchor: ChainAnchor | None = None,
) -> bytes:
    """The consent or informed-refusal document (chosen by ``consent.decision``) as PDF bytes.

    ``anchor``: the audit chain's head as the document is issued (printed, and put in the XMP
    with the record's digests, for check-all); a preview or re-render without it is unchanged."""
    check_pack(consent, pack)
    doc = _ConsentDocument(consent, pack, clinic, generated_at, audit, seal_note, frozenset())
    doc.anchor = anchor
    data, unknown = doc.render()
    drawable_elsewhere = unknown & full_codepoints()
    if drawable_elsewhere:  # a rare character: build faces that include it, lay out again
        doc = _ConsentDocument(
            consent, pack, clinic, generated_at, audit, seal_note, drawable_elsewhere
        )
        doc.anchor = anchor
        data, _ = doc.render()
    return data


class _ConsentDocument(CourseParts, SignOutParts, EvidenceParts):
    """One rendering: the parts in reading order, the page header and footers, the metadata."""

    # --- the document --------------------------------------------------------------------
    def render(self) -> tuple[bytes, set[int]]:
        pdf = self.pdf
        self._metadata()
        pdf.new_page()
        self._title()
        self._patient()
        if self.c.is_visit:  # a later session of a course: what was re-confirmed today
            self._visit_body()
        else:
            self._content_pack()
            for section in self.pack.sections:
                self._section(section)
            self._understanding()  # the check of understanding, after what it checks
            self._screening()
            self._photographs()
            self._decision()
        self._interpreter()
        self._nurse()
        self._timeout()
        self._attestation()
        self._sign_out()
        self._filing()
        self._evidence()
        self._footers()
        return bytes(pdf.output(output_producer_class=WithDocInfo)), pdf.unknown

    def _metadata(self) -> None:
        c, pdf = self.c, self.pdf
        created = self.generated_at.astimezone(dt.UTC).isoformat(timespec="seconds")
        # No patient name in the metadata: search tools index it, often outside access control.
        title = f"{self.type_words}: {self.pack.title}"
        keywords = (
            f"{KEYWORD_PREFIX}{c.id}, pack-id:{c.pack.pack_id}, "
            f"{PACK_KEYWORD_PREFIX}{c.pack.version}, pack-language:{c.pack.language}"
        )
        description = (
            f"{self.doc_type}. Document id {c.id}. Content pack {c.pack.pack_id} version "
            f"{c.pack.version} ({c.pack.language}). {self.clinic.name}."
        )
        e = _xml
        evidence, schema = evidence_xmp(c, self.anchor)
        pdf.set_xmp_metadata(
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '  <rdf:Description rdf:about=""\n'
            '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
            '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
            '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"\n'
            f'    xmp:CreateDate="{created}" xmp:ModifyDate="{created}" xmp:MetadataDate="{created}"\n'
            f'    xmp:CreatorTool="{CREATOR}"\n'
            f'    pdf:Producer="{PRODUCER}" pdf:Keywords="{e(keywords)}"{evidence}>\n'
            "   <pdfaid:part>2</pdfaid:part>\n"
            "   <pdfaid:conformance>B</pdfaid:conformance>\n"
            f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt></dc:title>\n'
            f'   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(description)}</rdf:li>'
            "</rdf:Alt></dc:description>\n"
            f"   <dc:creator><rdf:Seq><rdf:li>{e(self.clinic.name)}</rdf:li></rdf:Seq></dc:creator>\n"
            f"   <dc:identifier>urn:uuid:{c.id}</dc:identifier>\n"
            f"   <dc:language><rdf:Bag><rdf:li>{e(c.pack.language)}</rdf:li></rdf:Bag></dc:language>\n"
            f"{schema}"
            "  </rdf:Description>\n"
            " </rdf:RDF>\n"
            "</x:xmpmeta>"
        )
        pdf.set_lang(c.pack.language)
        # The same words in the document information dictionary, which PDF viewers and file
        # managers show as the title (PDF/A-2 allows it where it matches the XMP above). No
        # Producer there: the seal rewrites the XMP's, and would append to this one.
        pdf.set_title(title)
        pdf.set_subject(description)
        pdf.set_author(self.clinic.name)
        pdf.set_keywords(keywords)
        pdf.set_creator(CREATOR)

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
        if self.banner is not None:  # entered in error, on hold, released: on every page
            text = banner_text(self.banner, self.st, self.when)
            continued = "" if pdf.page == 1 else self.st("pdf.staff.banner.continued")
            pdf.y = max(
                pdf.y, draw_band(pdf, text, COLORS[self.banner.standing], continued=continued)
            )

    def _footers(self) -> None:
        pdf, c = self.pdf, self.c
        total = pdf.pages_count
        left = self.st(
            "pdf.staff.footer",
            name=c.patient.legal_name,
            dob=c.patient.date_of_birth.isoformat(),
            id=c.id,
            pack=c.pack.pack_id,
            version=c.pack.version,
        )
        signed = c.patient_signature.signed_at if c.patient_signature else None
        # What the document is, in which language the patient read it, and when they signed.
        second = self.st(
            "pdf.staff.footer_document",
            type=self.type_words,
            language=language_name(c.pack.language),
            signed=self.when(signed),
        )
        for page in range(1, total + 1):
            with pdf.on_page(page):
                y = pdf.h - 13.5
                pdf.set_draw_color(*RULE)
                pdf.set_line_width(0.2)
                pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.width, y)
                pdf.font(7.0, False, MUTED)
                number = self.st("pdf.staff.page", page=page, total=total)
                number_w = pdf.measure(number)
                width = pdf.width - number_w - 6
                lines = (pdf.wrap(left, width) + pdf.wrap(second, width))[:3]
                for i, line in enumerate(lines):
                    pdf.put(pdf.l_margin, y + 3.2 + i * 2.9, line)
                pdf.put(pdf.l_margin + pdf.width - number_w, y + 3.2, number)


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
    risks_in_numbers(pdf, pack, values)  # the risks with a number, as pictures
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
