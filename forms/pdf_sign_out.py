"""The procedure sign-out in the document, in the clinic's language like the other staff
sections: what was injected and how much, the lot, what was treated, compression, the
observation after, adverse events, aftercare and the next visit; each problem found at signing
beside the clinician's reason; who entered it, who signed (or co-signed) it and when.

Codes are stored; words are the catalog's ``pdf.staff.sign_out.*`` and, for problems,
``forms.record_course.problem_words``. What staff typed prints as typed.
"""

from __future__ import annotations

from forms.pdf_document import DocumentBase
from forms.pdf_layout import INK, MUTED, REVIEW_AMBER, STOP_RED
from forms.record_care import sclerosant_words
from forms.record_course import problem_words
from forms.sign_out import SignOut, SignOutEntry

ROWS = (
    "agent",
    "form",
    "volume",
    "lot",
    "areas",
    "compression",
    "observation",
    "observed",
    "adverse",
    "aftercare",
    "next_visit",
)


def _ml(value: float) -> str:
    return f"{value:g} mL"


class SignOutParts(DocumentBase):
    def _sign_out(self) -> None:
        s, pdf = self.c.sign_out, self.pdf
        if s is None:
            # A course's record (new since sign-outs) says it is missing once the procedure is
            # under way; records from before courses render as they always did.
            course_record = self.c.is_visit or self.c.course is not None
            if course_record and self.c.timeout is not None:
                pdf.heading(self.st("pdf.staff.sign_out.heading"))
                missing = self.st("pdf.staff.sign_out.missing")
                pdf.paragraph(missing, size=9, bold=True, color=STOP_RED)
            return
        w = self._label_w(self.st(f"pdf.staff.sign_out.{key}") for key in ROWS)
        rows = self._rows(s.entry)
        # Read as one record: the fields stay on one page with their heading when they fit.
        fields = sum(pdf.lines_height(v, 9, pdf.width - w) + 0.6 for _k, v in rows)
        pdf.heading(
            self.st("pdf.staff.sign_out.heading"), keep=min(fields, pdf.bottom - pdf.top - 20)
        )
        for key, value in rows:
            pdf.label_value(self.st(f"pdf.staff.sign_out.{key}"), value, label_w=w)
        self._justified(s)
        self._sign_out_signers(s)

    def _rows(self, e: SignOutEntry) -> list[tuple[str, str]]:
        st, unset = self.st, self.st("pdf.staff.sign_out.not_recorded")
        agent = (
            sclerosant_words(e.agent, e.strength, self.staff_lang)
            if e.agent and e.strength
            else unset
        )
        if e.form == "foam":
            gas = st(f"care.gas.{e.gas}") if e.gas else unset
            form = st("pdf.staff.sign_out.foam_with", gas=gas, ratio=e.ratio or unset)
        else:
            form = st(f"pdf.plan.{e.form}") if e.form else unset
        legs = [
            st(f"pdf.staff.sign_out.leg.{leg}", volume=_ml(volume))
            for leg, volume in (("left", e.volume_left_ml), ("right", e.volume_right_ml))
            if volume is not None
        ]
        volume = "  ·  ".join([*legs, st("pdf.staff.sign_out.total", volume=_ml(e.total_ml))])
        lot = e.lot_number or unset
        if e.lot_expiry is not None:
            lot = st("pdf.staff.sign_out.lot_value", lot=lot, expiry=e.lot_expiry.isoformat())
        compression = unset
        if e.compression is not None:
            compression = st(f"care.compression.{e.compression}")
            if e.compression != "none" and e.compression_days is not None:
                compression = st(
                    "pdf.staff.sign_out.compression_for", what=compression, days=e.compression_days
                )
        minutes = e.observation_minutes
        observation = (
            st("pdf.staff.sign_out.minutes", minutes=minutes) if minutes is not None else unset
        )
        observed = [
            st(f"care.area.{o.area}")
            + ": "
            + (
                st("pdf.staff.sign_out.finding.none")
                if o.finding == "none"
                else st("pdf.staff.sign_out.finding.observed", note=o.note)
            )
            for o in e.observations
        ]
        if e.no_adverse_events:
            adverse = st("pdf.staff.sign_out.adverse_none")
        elif e.adverse_events:
            events = [
                st(
                    "pdf.staff.sign_out.adverse_event",
                    what=a.what,
                    severity=st(f"care.severity.{a.severity}"),
                    action=a.action,
                )
                for a in e.adverse_events
            ]
            many = len(events) > 1  # numbered, so each one's end is plain
            adverse = "\n".join(f"{n}. {x}" if many else x for n, x in enumerate(events, 1))
        else:
            adverse = unset
        aftercare = (
            unset
            if e.aftercare_explained is None
            else st("pdf.staff.sign_out.yes" if e.aftercare_explained else "pdf.staff.sign_out.no")
        )
        if e.next_visit_on is not None:
            next_visit = e.next_visit_on.isoformat()
        elif e.no_next_visit:
            next_visit = st("pdf.staff.sign_out.no_next_visit")
        else:
            next_visit = unset
        return [
            ("agent", agent),
            ("form", form),
            ("volume", volume if legs else unset),
            ("lot", lot),
            ("areas", e.areas or unset),
            ("compression", compression),
            ("observation", observation),
            ("observed", "\n".join(observed) or unset),
            ("adverse", adverse),
            ("aftercare", aftercare),
            ("next_visit", next_visit),
        ]

    def _justified(self, s: SignOut) -> None:
        """Each problem found at signing, in the clinic's words, with the clinician's reason."""
        if not s.problems_at_signing:
            return
        pdf = self.pdf
        pdf.subheading(self.st("pdf.staff.sign_out.justified"))
        for code in s.problems_at_signing:
            problem = problem_words(code, self.staff_lang)
            reason = s.justifications.get(code) or self.st("pdf.staff.no_reason")
            why = self.st("pdf.staff.sign_out.reason", reason=reason)
            pdf.need(
                pdf.lines_height(problem, 9, pdf.width, bold=True)
                + pdf.lines_height(why, 9, pdf.width - 4)
            )
            pdf.paragraph(
                problem[:1].upper() + problem[1:], size=9, bold=True, color=REVIEW_AMBER, after=0.3
            )
            pdf.paragraph(why, size=9, color=INK, indent=4)

    def _sign_out_signers(self, s: SignOut) -> None:
        pdf, st = self.pdf, self.st
        role = st(f"pdf.staff.timeout.role.{s.entered_role}")
        entered = st(
            "pdf.staff.sign_out.entered",
            name=s.entered_by_name,
            role=role,
            id=s.entered_by_id,
            time=self.when(s.entered_at),
        )
        pdf.paragraph(entered, size=8.5, color=MUTED, after=0.6)
        if s.signature is None:
            pdf.paragraph(st("pdf.staff.sign_out.unsigned"), size=9, bold=True, color=STOP_RED)
            return
        key = "pdf.staff.sign_out.cosigned" if s.cosigned else "pdf.staff.sign_out.signed"
        signed = st(key, name=s.clinician_name, id=s.clinician_id, time=self.when(s.signed_at))
        pdf.paragraph(signed, size=9, bold=True)
        self._signature_block(s.signature, st("pdf.staff.sign_out.signature"))
