"""The patient's part of the consent document, in the language the patient saw: who and what,
the information read, screening answers, photographs, the decision and signature, the interpreter.
"""

from __future__ import annotations

from checklist.models import Item, Section
from checklist.sites import site_label
from forms.pdf_document import CHECK, CROSS, language_name
from forms.pdf_layout import ACCENT, INK, MUTED, OK_GREEN, PT, REVIEW_AMBER, STOP_RED
from forms.pdf_staff import StaffParts
from forms.pdf_understanding import UnderstandingParts
from forms.record_parts import Acknowledgement
from forms.records import Status
from language.dates import format_date_with_iso
from language.placeholders import fill


class PatientParts(UnderstandingParts, StaffParts):
    """Patient sections; screening flags and their reviews are drawn by the staff part."""

    # --- page 1 ----------------------------------------------------------------------------
    def _title(self) -> None:
        pdf, c = self.pdf, self.c
        pdf.paragraph(self.heading, size=17, bold=True, color=INK, after=0.5)
        if self.session_line:
            pdf.paragraph(self.session_line, size=12, bold=True, color=ACCENT, after=0.5)
        if self.heading != self.doc_type:  # staff read the clinic's language: name it there too
            pdf.paragraph(self.doc_type, size=10, bold=True, color=MUTED, after=0.5)
        pdf.paragraph(self.pack.title, size=11, color=ACCENT, after=1.0)
        pdf.paragraph(
            self.st(
                "pdf.staff.record_line",
                status=self.st(f"pdf.staff.status.{c.status.value}"),
                version=c.version,
                time=self.when(self.generated_at),
            ),
            size=8,
            color=MUTED,
            after=1.5,
        )
        if self.banner is not None:
            pass  # the standing band heads every page, this one too (forms.pdf_banner)
        elif c.status is Status.ENTERED_IN_ERROR:
            reason = c.error_reason or self.st("pdf.staff.no_reason")
            self._banner(self.st("pdf.staff.entered_in_error", reason=reason), STOP_RED)
        elif c.on_hold:
            self._banner(self.st("pdf.staff.on_hold", reason=c.on_hold), REVIEW_AMBER)
        if self.refusal:
            self._banner(self.st("pdf.staff.refusal_banner"), REVIEW_AMBER)

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
        plan_keys = ("clinician", "sclerosant", "form", "appointment")
        w = self._label_w(
            [
                *(self.t(f"pdf.patient.{k}") for k in keys),
                *(self.t(f"pdf.plan.{k}") for k in plan_keys),
            ]
        )
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
        if not (c.is_visit and c.treatment is None):  # a visit's record of what is done: sign-out
            self._plan(w)

    def _site(self) -> str:
        """The recorded site code in the patient's words, with the clinic's words beside them
        when they differ (the nurse matches the side against it). An older record's text that
        is not a code prints as recorded (checklist.sites.site_label)."""
        shown = site_label(self.c.site, self.lang)
        staff = site_label(self.c.site, self.clinic.language)
        return shown if shown == staff else f"{shown} ({staff})"

    def _content_pack(self) -> None:
        pdf, ref = self.pdf, self.c.pack
        st = self.st  # for staff: which content, which version, who approved it
        keys = ("pack", "version", "language", "approved_by", "fingerprint", "values")
        w = self._label_w(st(f"pdf.staff.pack.{k}") for k in keys)
        pdf.heading(st("pdf.staff.pack.heading"))
        pdf.label_value(st("pdf.staff.pack.pack"), f"{self.pack.title} ({ref.pack_id})", label_w=w)
        effective = self.pack.effective_date.isoformat()
        version = st("pdf.staff.pack.version_value", version=ref.version, date=effective)
        pdf.label_value(st("pdf.staff.pack.version"), version, label_w=w)
        pdf.label_value(st("pdf.staff.pack.language"), language_name(ref.language), label_w=w)
        pdf.label_value(st("pdf.staff.pack.approved_by"), self.pack.approved_by, label_w=w)
        fingerprint = f"SHA-256 {ref.fingerprint}"
        pdf.label_value(st("pdf.staff.pack.fingerprint"), fingerprint, size=8, label_w=w)
        if ref.placeholder_values:
            pdf.label_value(st("pdf.staff.pack.values"), self.clinic_values(), size=8, label_w=w)

    # --- what the patient read -------------------------------------------------------------
    def _section(self, section: Section) -> None:
        pdf = self.pdf
        acks = {a.item_id: a for a in self.c.acknowledgements}
        pdf.heading(fill(section.title, self.values))
        if section.intro:
            pdf.paragraph(fill(section.intro, self.values), size=9, color=MUTED, after=1.5)
        asked = [q for q in self.c.questions if q.section_id == section.id]
        for item in section.items:
            self._item(item, acks.get(item.id))
            for q in asked:  # a question the patient asked about this one point, beside it
                if q.item_id == item.id:
                    self._question(q)
        for q in asked:  # a question about the section (how the tablet asks): after its items
            if q.item_id is None or q.item_id not in {i.id for i in section.items}:
                self._question(q)

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
            # The tablet's words for the band (one wording for screen and paper).
            details.append(self.t(f"patient.frequency.{item.frequency.value}"))
        if item.figure:
            details.append(fill(item.figure, self.values))
        if details:
            pdf.paragraph("  ·  ".join(details), size=8.5, color=ACCENT, indent=indent, after=0.2)
        if ack:
            # Only a question the patient flagged on this point marks it (older records set
            # ``question_for_doctor`` on every item of a section: that is not shown).
            line = f"{CHECK} {self.t('pdf.acknowledged')} {self.when(ack.acknowledged_at)}"
            if any(q.item_id == item.id for q in self.c.questions):
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
        self._before_signature()
        if c.patient_signature is None:
            pdf.paragraph(self.st("pdf.staff.not_signed"), size=9.5, bold=True, color=STOP_RED)
            return
        self._signature_block(
            c.patient_signature,
            self.t("pdf.patient_signature"),
            (self.t("pdf.printed_name"), self.t("pdf.signed_at"), self.t("pdf.meaning")),
            in_patient_words=True,
        )
        self._witness()

    def _before_signature(self) -> None:
        """What the patient signs with the statement (a course's terms, forms.pdf_course)."""

    def _interpreter(self) -> None:
        i, answer, pdf = self.c.interpreter, self.c.interpreter_answer, self.pdf
        if i is None and answer is None:
            return  # an older record that kept only a Yes
        pdf.heading(self.t("pdf.interpreter.heading"), keep=30)
        if answer is not None:  # the patient's answer, either way, with its time
            key = "pdf.interpreter.used" if answer.used else "pdf.interpreter.none_used"
            pdf.paragraph(self.t(key, time=self.when(answer.answered_at)), size=9.5, bold=True)
        if i is None:
            return
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
