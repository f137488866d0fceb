"""The staff sections of the consent document: screening flags and their clinician reviews, nurse
verification and checklist, time-out, clinician attestation, filing."""

from __future__ import annotations

from checklist.models import FlagLevel
from forms.pdf_document import CHECK, DocumentBase
from forms.pdf_layout import MUTED, OK_GREEN, PT, REVIEW_AMBER, STOP_RED
from forms.record_parts import FlagReview, ScreeningAnswer
from language.placeholders import fill


class StaffParts(DocumentBase):
    """Labelled in the clinic's language (``st``); what staff recorded prints as recorded, and
    checklist and time-out items in the words of the pack the patient read."""

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
        pdf.heading(self.st("pdf.staff.attestation.heading"), keep=40)
        pdf.paragraph(a.statement, size=9.5)  # as recorded: it is what the clinician signed
        pdf.paragraph(
            self.st(
                "pdf.staff.attestation.attested",
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
