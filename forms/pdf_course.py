"""The treatment course in the document, in the patient's language: on a course's consent the
terms signed (sessions, last valid day) and the consent it replaces; on a later session's visit
the course's consent it continues, the "anything changed?" answer, the re-confirmed key risks
with their times, the patient's questions and the signature for the session.

A record without a course, a visit or a replacement renders exactly as before.
"""

from __future__ import annotations

from checklist.flow import reconfirm_items
from checklist.models import Item, Section
from forms.pdf_document import CHECK
from forms.pdf_layout import ACCENT, INK, MUTED, STOP_RED
from forms.pdf_patient import PatientParts
from forms.record_parts import DoctorQuestion
from language.dates import format_date_with_iso, format_datetime
from language.placeholders import fill

SIGNATURE_H = 40.0  # the patient's signature block: its title, the ink box and a gap


class CourseParts(PatientParts):
    # --- a course's consent ------------------------------------------------------------------
    def _before_signature(self) -> None:
        """The course's terms and what the consent replaces, in a box just above the signature."""
        c = self.c
        lines: list[tuple[str, bool]] = []
        if c.course is not None and not self.refusal:
            until = format_date_with_iso(self.lang, c.course.valid_until)
            terms = self.t("pdf.course.terms", sessions=c.course.sessions, date=until)
            lines.append((terms, True))
        if c.replaces is not None:
            reason = self.t(f"pdf.course.reason.{c.replaces.reason.value}")
            lines.append(
                (self.t("pdf.course.replaces", id=c.replaces.consent_id, reason=reason), False)
            )
        if lines:  # kept on the page of the signature it stands beside
            self._box(self.t("pdf.course.heading"), lines, keep=SIGNATURE_H)

    def _box(self, title: str, lines: list[tuple[str, bool]], keep: float = 0.0) -> None:
        """A titled box in the accent colour, kept on one page with ``keep`` mm after it."""
        pdf = self.pdf
        inner = pdf.width - 6
        height = 4.2 + sum(
            pdf.lines_height(text, 9, inner, bold=bold) + 0.8 for text, bold in lines
        )
        pdf.need(height + 4 + keep)
        top = pdf.y + 0.8
        pdf.y = top + 1.6
        pdf.paragraph(title, size=8, bold=True, color=ACCENT, indent=3, width=inner, after=0.4)
        for text, bold in lines:
            pdf.paragraph(text, size=9, bold=bold, indent=3, width=inner, after=0.8)
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.35)
        pdf.rect(pdf.l_margin, top, pdf.width, pdf.y - top + 0.6)
        pdf.y += 3.0

    # --- a later session's visit --------------------------------------------------------------
    def _visit_body(self) -> None:
        """What the patient did at this session, in place of the full consent's sections."""
        self._visit_course()
        self._content_pack()
        self._changed()
        self._screening()
        self._reconfirmed()
        self._visit_questions()
        if self.c.photo_consent is not None:
            self._photographs()
        self._visit_decision()

    def _visit_course(self) -> None:
        """Which course's consent this visit continues: its id, when it was signed, its content."""
        v, pdf = self.c.visit_of, self.pdf
        if v is None:
            return
        keys = ("consent", "signed", "version")
        w = self._label_w(self.t(f"pdf.visit.course.{k}") for k in keys)
        pdf.heading(self.t("pdf.visit.course.heading"))
        pdf.label_value(self.t("pdf.visit.course.consent"), str(v.consent_id), label_w=w)
        signed = f"{format_datetime(self.lang, v.consent_signed_at, self.tz)} ({self.when(v.consent_signed_at)})"
        pdf.label_value(self.t("pdf.visit.course.signed"), signed, label_w=w)
        pdf.label_value(self.t("pdf.visit.course.version"), v.consent_pack_version, label_w=w)
        pdf.paragraph(self.t("pdf.visit.course.note"), size=8.5, color=MUTED, after=0.6)

    def _changed(self) -> None:
        """The patient's answer to "has anything changed since your last visit?", with its time,
        in the tablet's own words (``patient.changes.*``)."""
        v, pdf = self.c.visit_of, self.pdf
        if v is None:
            return
        question = self.t("patient.changes.question")
        pdf.heading(
            self.t("patient.changes.title"),
            keep=pdf.lines_height(question, 9.5, pdf.width) + 10,
        )
        pdf.paragraph(question, size=9.5, after=0.4)
        if v.changed_since_last is None:
            pdf.paragraph(self.t("pdf.not_answered"), size=9.5, bold=True, color=STOP_RED)
            return
        key = "patient.changes.yes" if v.changed_since_last else "patient.changes.no"
        pdf.paragraph(self.t(key), size=9.5, bold=True, color=INK, after=0.3)
        pdf.paragraph(self.when(v.changed_answered_at), size=7.5, color=MUTED, after=1.0)

    def _reconfirmed(self) -> None:
        """Only the points asked again at this visit (``checklist.flow.reconfirm_items``, and any
        the record acknowledges), each with its time and the patient's question beside it."""
        pdf = self.pdf
        acked = {a.item_id: a for a in self.c.acknowledgements}
        pdf.heading(self.t("pdf.visit.reconfirmed.heading"))
        pdf.paragraph(self.t("pdf.visit.reconfirmed.intro"), size=8.5, color=MUTED, after=1.5)
        asked = self._asked_again()
        groups: dict[str, tuple[Section, list[Item]]] = {}
        for section, item in self.pack.items():
            if item.id in asked or item.id in acked:
                groups.setdefault(section.id, (section, []))[1].append(item)
        if not groups:
            pdf.paragraph(self.t("pdf.visit.reconfirmed.none"), size=9, color=MUTED)
        for section, items in groups.values():
            pdf.subheading(fill(section.title, self.values))
            for item in items:
                self._item(item, acked.get(item.id))
                for q in self.c.questions:
                    if q.item_id == item.id:
                        self._question(q)

    def _asked_again(self) -> set[str]:
        """The items the tablet asks a visit to re-confirm (checklist.flow, the one rule)."""
        return {item.id for _section, item in reconfirm_items(self.pack)}

    def _visit_questions(self) -> None:
        """The patient's questions not already shown beside a re-confirmed point."""
        shown = self._asked_again() | {a.item_id for a in self.c.acknowledgements}
        rest: list[DoctorQuestion] = [q for q in self.c.questions if q.item_id not in shown]
        if not rest:
            return
        self.pdf.heading(self.t("pdf.visit.questions"))
        for q in rest:
            self._question(q)

    def _visit_decision(self) -> None:
        """The patient's signature for this session (its meaning as recorded)."""
        pdf, c = self.pdf, self.c
        if self.refusal:
            self._decision()  # a refusal at a visit reads as any refusal, with its statement
            return
        pdf.heading(self.t("pdf.visit.signature_heading"), keep=45)
        if c.certified_at:
            confirmed = self.t("pdf.confirmed_at", time=self.when(c.certified_at))
            pdf.paragraph(f"{CHECK} {confirmed}", size=7.5, color=MUTED)
        if c.patient_signature is None:
            pdf.paragraph(self.st("pdf.staff.not_signed"), size=9.5, bold=True, color=STOP_RED)
            return
        session = c.visit_of.session if c.visit_of else 0
        self._signature_block(
            c.patient_signature,
            self.t("pdf.visit.patient_signature", session=session),
            (self.t("pdf.printed_name"), self.t("pdf.signed_at"), self.t("pdf.meaning")),
            in_patient_words=True,
        )
        self._witness()
