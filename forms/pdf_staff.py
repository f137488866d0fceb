"""The staff sections of the consent document: screening flags and their clinician reviews, nurse
verification and checklist, time-out, clinician attestation, filing."""

from __future__ import annotations

from checklist.models import FlagLevel
from forms.pdf_document import CHECK, DocumentBase
from forms.pdf_layout import MUTED, OK_GREEN, PT, REVIEW_AMBER, STOP_RED
from forms.records import FlagReview, ScreeningAnswer
from language.placeholders import fill

CHECKLIST_ANSWERS = {"yes": "YES", "no": "NO", "na": "N/A"}


class StaffParts(DocumentBase):
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
