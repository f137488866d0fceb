"""The staff sections of the consent document: the treatment plan, the witness to the patient's
signature, clinicians' answers to questions, screening flags and their clinician reviews, nurse
verification and checklist, time-out, clinician attestation (or a refusal's countersignature),
filing."""

from __future__ import annotations

from checklist.models import FlagLevel
from checklist.sites import site_label
from forms.meanings import NURSE_VERIFIED_AND_WITNESSED
from forms.pdf_document import CHECK, DocumentBase
from forms.pdf_layout import INK, MUTED, OK_GREEN, PT, REVIEW_AMBER, STOP_RED
from forms.record_parts import DoctorQuestion, FlagReview, ScreeningAnswer
from language.dates import format_date_with_iso
from language.placeholders import fill


class StaffParts(DocumentBase):
    """Labelled in the clinic's language (``st``); what staff recorded prints as recorded, and
    checklist and time-out items in the words of the pack the patient read. The plan on page 1
    is in the patient's words, beside their details."""

    def _plan(self, w: float) -> None:
        """Who treats, with what and when (staff set it; the clinician before attesting)."""
        plan, pdf, lang = self.c.treatment, self.pdf, self.lang
        unset = self.t("pdf.plan.not_set")
        form = plan.form if plan else None
        day = plan.appointment_on if plan else None
        rows = (
            ("clinician", (plan.clinician_name if plan else None)),
            ("sclerosant", plan.sclerosant(lang) if plan else None),
            ("form", self.t(f"pdf.plan.{form}") if form else None),
            ("appointment", format_date_with_iso(lang, day) if day else None),
        )
        for key, value in rows:
            pdf.label_value(self.t(f"pdf.plan.{key}"), value or unset, label_w=w)

    def _question(self, q: DoctorQuestion) -> None:
        """The patient's question, then the clinician's answer or note (or that none is yet)."""
        pdf = self.pdf
        key = "pdf.question_about_item" if q.item_id else "pdf.question_note"
        note = self.t(key, time=self.when(q.asked_at))
        text = f"{note}: {q.note}" if q.note else note
        a = q.answer
        if a is not None:
            reply = self.st(
                "pdf.staff.question.answer",
                name=a.by_name,
                id=a.by_id,
                time=self.when(a.at),
                text=a.text,
            )
        else:
            reply = self.st("pdf.staff.question.open")
        # One question and its answer are read as one piece: never split across pages.
        pdf.need(
            pdf.lines_height(text, 8.5, pdf.width, bold=True)
            + pdf.lines_height(reply, 8.5, pdf.width - 4)
        )
        pdf.paragraph(text, size=8.5, bold=True, color=REVIEW_AMBER, after=0.3)
        pdf.paragraph(reply, size=8.5, color=INK if a else STOP_RED, indent=4)

    def _witness(self) -> None:
        """Whether a staff member says they saw the patient sign, and when they said it."""
        pdf, c, w = self.pdf, self.c, self.c.witness
        if w is None:
            nv = c.nurse_verification
            if nv is not None and nv.signature.meaning == NURSE_VERIFIED_AND_WITNESSED:
                return  # an older record: the nurse's signature itself says it witnessed
            pdf.paragraph(self.st("pdf.staff.witness.none"), size=9, bold=True, color=REVIEW_AMBER)
            return
        said = self.st(
            f"pdf.staff.witness.{w.where}", name=w.by_name, id=w.by_id, time=self.when(w.at)
        )
        pdf.need(pdf.lines_height(said, 9, pdf.width, bold=True) + 40)  # with its signature
        pdf.paragraph(said, size=9, bold=True)
        self._signature_block(w.signature, self.st("pdf.staff.witness.signature"))

    def _flag(self, question_id: str, a: ScreeningAnswer, reviews: list[FlagReview]) -> None:
        pdf = self.pdf
        _, reasons = self.pack.flag_for(question_id, a.answer)
        stop = a.flag is FlagLevel.STOP
        label = self.st("pdf.staff.flag.stop" if stop else "pdf.staff.flag.review")
        color = STOP_RED if stop else REVIEW_AMBER
        pdf.need(5)
        w = pdf.badge(pdf.l_margin, pdf.y + 0.2, label, color)
        pdf.font(8, True, color)
        for line in pdf.wrap(
            "; ".join(reasons) or self.st("pdf.staff.flag.no_reason"), pdf.width - w - 3
        ):
            pdf.need(3.6)
            pdf.put(pdf.l_margin + w + 2, pdf.y + 8 * 0.95 * PT + 0.4, line)
            pdf.y += 8 * 1.3 * PT
        pdf.y += 0.8
        for r in reviews:
            key = "pdf.staff.flag.cleared" if r.decision == "cleared" else "pdf.staff.flag.upheld"
            text = self.st(key, name=r.by_name, id=r.by_id, time=self.when(r.at))
            if r.note:
                text += f": {r.note}"
            review_color = OK_GREEN if r.decision == "cleared" else STOP_RED
            pdf.paragraph(text, size=8, bold=True, color=review_color, after=0.4)
        if not reviews:
            pdf.paragraph(
                self.st("pdf.staff.flag.not_reviewed"), size=8, bold=True, color=color, after=0.4
            )

    def _nurse(self) -> None:
        if self.refusal and self.c.nurse_verification is None:
            return
        pdf, v = self.pdf, self.c.nurse_verification
        pdf.heading(self.st("pdf.staff.nurse.heading"))
        if v is None:
            pdf.paragraph(self.st("pdf.staff.nurse.not_verified"), size=9, color=MUTED)
            return
        texts = {i.id: i.text for i in self.pack.nurse_checklist}
        for a in v.answers:
            pdf.font(9)
            pdf.need(9)
            color = OK_GREEN if a.answer == "yes" else (MUTED if a.answer == "na" else STOP_RED)
            answer = self.st(f"pdf.staff.nurse.answer.{a.answer}")
            pdf.badge(pdf.l_margin, pdf.y + 0.3, answer, color, size=6.5)
            pdf.paragraph(
                fill(texts.get(a.item_id, a.item_id), self.values), size=9, indent=12, after=0.2
            )
            meta = self.st(
                "pdf.staff.nurse.answered",
                name=a.answered_by,
                id=a.answered_by_id,
                time=self.when(a.answered_at),
            )
            if a.note:
                meta += "  ·  " + self.st("pdf.staff.nurse.note", note=a.note)
            pdf.paragraph(meta, size=7.5, color=MUTED, indent=12, after=1.3)
        pdf.paragraph(
            self.st(
                "pdf.staff.nurse.verified",
                name=v.nurse_name,
                id=v.nurse_id,
                time=self.when(v.verified_at),
            ),
            size=9,
            bold=True,
        )
        self._signature_block(v.signature, self.st("pdf.staff.nurse.signature"))

    def _timeout(self) -> None:
        to = self.c.timeout
        pdf = self.pdf
        if to is None:
            if self.c.nurse_verification is not None:
                # A verified record without a time-out says so, rather than leaving it out.
                pdf.heading(self.st("pdf.staff.timeout.heading"))
                missing = self.st("pdf.staff.timeout.missing")
                pdf.paragraph(missing, size=9, bold=True, color=STOP_RED)
            return
        pdf.heading(self.st("pdf.staff.timeout.heading"))
        pdf.paragraph(
            self.st(
                "pdf.staff.timeout.performed",
                time=self.when(to.performed_at),
                name=to.by_name,
                id=to.by_id,
            ),
            size=9,
            bold=True,
        )
        if to.participants:  # older records kept only who recorded it
            names = "; ".join(
                f"{p.name} ({self.st(f'pdf.staff.timeout.role.{p.role}')}"
                + (f", ID {p.staff_id})" if p.staff_id is not None else ")")
                for p in to.participants
            )
            pdf.paragraph(self.st("pdf.staff.timeout.participants", names=names), size=9)
        if to.side is not None:
            side = site_label(to.side, self.clinic.language)
            pdf.paragraph(self.st("pdf.staff.timeout.side", side=side), size=9, bold=True)
        texts = {i.id: i.text for i in self.pack.timeout}
        for item_id in to.items:
            pdf.paragraph(
                f"{CHECK}  {fill(texts.get(item_id, item_id), self.values)}", size=9, indent=2
            )

    def _attestation(self) -> None:
        a, pdf = self.c.attestation, self.pdf
        if a is None:
            if self.refusal and self.c.patient_signature is not None:
                pdf.heading(self.st("pdf.staff.countersign.heading"), keep=20)
                missing = self.st("pdf.staff.countersign.missing")
                pdf.paragraph(missing, size=9, bold=True, color=STOP_RED)
            return
        part = "countersign" if a.refusal else "attestation"
        visit = self.c.is_visit and not a.refusal  # the visit statement: its own heading
        pdf.heading(self.st(f"pdf.staff.{part}.{'visit_' if visit else ''}heading"), keep=40)
        pdf.paragraph(a.statement, size=9.5)  # as recorded: it is what the clinician signed
        pdf.paragraph(
            self.st(
                "pdf.staff.countersign.signed" if a.refusal else "pdf.staff.attestation.attested",
                name=a.clinician_name,
                id=a.clinician_id,
                time=self.when(a.attested_at),
            ),
            size=9,
            bold=True,
        )
        self._signature_block(a.signature, self.st("pdf.staff.attestation.signature"))

    def _filing(self) -> None:
        f = self.c.filing
        if f is None:
            return
        pdf = self.pdf
        pdf.heading(self.st("pdf.staff.filing.heading"))
        pdf.paragraph(
            self.st(
                "pdf.staff.filing.filed",
                name=f.by_name,
                id=f.by_id,
                time=self.when(f.filed_at),
                reference=f.chart_reference,
            ),
            size=9,
        )
