"""The check of understanding (teach-back, issue #15) in the consent document.

In the patient's language, as the tablet asked it: each question in the words of the pack the
record pins, every answer the patient chose (right or wrong) with its time, the explanation the
tablet showed after a wrong answer, and where the question ended. A re-explain flag (wrong at
every try) is a staff matter, labelled in the clinic's language like a screening flag: who went
over it again with the patient, when and their note, or that nobody has yet.

Never more or less than happened: a record without results (a pack without teach-back, a refusal
signed before the check) prints no section; a refusal signed part-way prints what was answered.
"""

from __future__ import annotations

from checklist import teach_back as tb
from checklist.models import TeachBack
from forms.pdf_document import CHECK, CROSS, DocumentBase
from forms.pdf_layout import ACCENT, MUTED, OK_GREEN, PT, REVIEW_AMBER, STOP_RED
from forms.record_understanding import TeachBackResult
from language.placeholders import fill

INDENT = 6.0  # the answers sit under their question, a mark in the margin (as items do)


class UnderstandingParts(DocumentBase):
    def _understanding(self) -> None:
        results = self.c.teach_back
        if not results:
            return
        pdf = self.pdf
        intro = self.t("pdf.understanding.intro")
        pdf.heading(self.t("pdf.understanding.heading"), keep=30)
        pdf.paragraph(intro, size=8.5, color=MUTED, after=1.5)
        for result in results:
            self._check(result)

    def _question_of(self, result: TeachBackResult) -> TeachBack | None:
        try:
            return self.pack.teach_back_question(result.question_id)
        except KeyError:  # cannot happen with the pinned pack (check_pack); print the codes
            return None

    def _check(self, result: TeachBackResult) -> None:
        pdf, q = self.pdf, self._question_of(result)
        topic = fill(q.topic, self.values) if q else result.question_id
        question = fill(q.question, self.values) if q else result.question_id
        # The question and its first answer stay together on one page.
        pdf.need(
            pdf.lines_height(topic, 8, pdf.width, bold=True)
            + pdf.lines_height(question, 9.5, pdf.width, bold=True)
            + 12
        )
        pdf.paragraph(topic, size=8, bold=True, color=ACCENT, after=0.2)
        pdf.paragraph(question, size=9.5, bold=True, after=0.8)
        explained = False
        for n, attempt in enumerate(result.attempts, start=1):
            words = self._choice_words(q, attempt.choice)
            pdf.need(pdf.lines_height(words, 9.5, pdf.width - INDENT) + 4)
            mark, color = (CHECK, OK_GREEN) if attempt.right else (CROSS, STOP_RED)
            pdf.font(10, True, color)
            pdf.put(pdf.l_margin + 1.0, pdf.y + 9.5 * 0.95 * PT, mark)
            pdf.paragraph(words, size=9.5, indent=INDENT, after=0.2)
            verdict = self.t(
                "pdf.understanding.right" if attempt.right else "pdf.understanding.wrong"
            )
            line = self.t(
                "pdf.understanding.attempt", n=n, result=verdict, time=self.when(attempt.at)
            )
            pdf.paragraph(line, size=7.5, color=MUTED, indent=INDENT, after=1.0)
            if not attempt.right and not explained and q is not None:
                explained = True  # the tablet showed the pack's explanation after a wrong answer
                text = self.t("pdf.understanding.explained", text=fill(q.explain, self.values))
                pdf.paragraph(text, size=8.5, color=MUTED, indent=INDENT, after=1.0)
        self._outcome(result)
        if result.re_explain:
            self._re_explain(result)
        pdf.y += 1.6

    def _choice_words(self, q: TeachBack | None, choice_id: str) -> str:
        try:
            return fill(q.choice(choice_id).text, self.values) if q else choice_id
        except KeyError:
            return choice_id

    def _outcome(self, result: TeachBackResult) -> None:
        outcome, n = result.outcome, len(result.attempts)
        if outcome is tb.Outcome.RIGHT:
            first = result.first_time_right
            key = (
                "pdf.understanding.outcome.right_first"
                if first
                else "pdf.understanding.outcome.right_later"
            )
            right_at = next(i for i, a in enumerate(result.attempts, start=1) if a.right)
            text, color = self.t(key, n=right_at), OK_GREEN
        elif outcome is tb.Outcome.RE_EXPLAIN:
            text, color = self.t("pdf.understanding.outcome.re_explain", n=n), REVIEW_AMBER
        else:  # wrong once, and the patient signed before trying again (a refusal)
            text, color = self.t("pdf.understanding.outcome.unfinished"), MUTED
        self.pdf.paragraph(text, size=9, bold=True, color=color, after=0.8)

    def _re_explain(self, result: TeachBackResult) -> None:
        """The flag in the clinic's language, and who cleared it (as a screening flag's review)."""
        pdf = self.pdf
        cleared = self.c.clearance(result.question_id)
        label = self.st("pdf.staff.re_explain.badge")
        if cleared is None:
            text, color = self.st("pdf.staff.re_explain.open"), STOP_RED
        else:
            text = self.st(
                f"pdf.staff.re_explain.cleared.{cleared.by_role}",
                name=cleared.by_name,
                id=cleared.by_id,
                time=self.when(cleared.at),
            )
            text += f": {cleared.note}"  # as recorded
            color = OK_GREEN
        pdf.font(7.0, True)
        badge_w = pdf.measure(label) + 2.4  # as Layout.badge draws it
        pdf.font(8, True)
        lines = pdf.wrap(text, pdf.width - badge_w - 3)
        pdf.need(len(lines) * 8 * 1.3 * PT + 2)  # the flag and its clearance on one page
        pdf.badge(pdf.l_margin, pdf.y + 0.2, label, REVIEW_AMBER)
        pdf.font(8, True, color)
        for line in lines:
            pdf.put(pdf.l_margin + badge_w + 2, pdf.y + 8 * 0.95 * PT + 0.4, line)
            pdf.y += 8 * 1.3 * PT
        pdf.y += 0.8
