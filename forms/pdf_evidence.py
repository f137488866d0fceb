"""The consent document's last page: which record it was made from, the audit trail, the seal."""

from __future__ import annotations

from forms.pdf_document import DocumentBase
from forms.pdf_layout import INK, MUTED, PT


class EvidenceParts(DocumentBase):
    def _evidence(self) -> None:
        pdf, c = self.pdf, self.c
        pdf.new_page()
        st = self.st
        pdf.paragraph(st("pdf.staff.evidence.heading"), size=15, bold=True, after=1.5)
        pdf.paragraph(st("pdf.staff.evidence.intro"), size=8.5, color=MUTED)
        pdf.heading(st("pdf.staff.evidence.record"))
        status = st(f"pdf.staff.status.{c.status.value}")
        rows = (
            ("document_id", str(c.id), 9.0),
            ("record_sha", c.sha256(), 8.0),
            ("pack_fingerprint", c.pack.fingerprint, 8.0),
            (
                "status",
                st("pdf.staff.evidence.status_value", status=status, version=c.version),
                9.0,
            ),
            ("created", self.when(c.created_at), 9.0),
            ("generated", self.when(self.generated_at), 9.0),
            ("time_zone", self.clinic.timezone, 9.0),
        )
        w = self._label_w(st(f"pdf.staff.evidence.{key}") for key, _, _ in rows)
        for key, value, size in rows:
            pdf.label_value(st(f"pdf.staff.evidence.{key}"), value, size=size, label_w=w)
        pdf.heading(st("pdf.staff.evidence.audit"), keep=20)
        self._audit_table()
        pdf.heading(st("pdf.staff.evidence.seal"), keep=12)
        pdf.paragraph(self.seal_note or st("pdf.staff.evidence.seal_note"), size=8.5)

    def _audit_table(self) -> None:
        pdf = self.pdf
        if not self.audit:
            pdf.paragraph(self.st("pdf.staff.evidence.no_audit"), size=8.5, color=MUTED)
            return
        cols = (48.0, 62.0)  # time, actor; action takes the rest
        labels = [self.st(f"pdf.staff.evidence.{k}") for k in ("time", "actor", "action")]
        size = 8.0
        line_h = size * 1.3 * PT

        def head() -> None:
            pdf.font(7.5, True, MUTED)
            x = pdf.l_margin
            for label, w in zip(labels, (*cols, 0), strict=True):
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
