"""The consent document's last page: which record it was made from, the audit trail, the seal."""

from __future__ import annotations

from forms.pdf_document import DocumentBase
from forms.pdf_layout import INK, MUTED, PT


class EvidenceParts(DocumentBase):
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
