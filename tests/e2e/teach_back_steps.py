"""The checks of understanding (teach-back, issue #15) as a patient answers them in Chromium:
the part of ``patient_steps.Patient`` for those screens (kept here so that module stays short)."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from playwright.sync_api import expect
from pypdf import PdfReader

from checklist import flow
from checklist import teach_back as tb
from checklist.loader import load_library
from checklist.models import Pack
from language.i18n import t
from language.placeholders import fill
from settings import get_settings

if TYPE_CHECKING:
    from playwright.sync_api import Page


class TeachBackSteps:
    """Mixed into ``Patient``, whose page, language, words (``tr``), taps, shots, step number
    and Next it uses."""

    page: Page
    lang: str

    def on_teach_back(self) -> bool:
        return bool(
            self.page.get_by_role("heading", name=self.tr("patient.teach_back.title")).count()
        )

    def pack(self) -> Pack:
        """The content the server shows this patient: the newest on disk (no version pinned)."""
        return load_library(get_settings().placeholder_values).active("sclerotherapy", self.lang)

    def teach_back(
        self,
        wrong: Mapping[str, int] | None = None,
        *,
        on_wrong: Callable[[str, int], None] | None = None,
    ) -> int:
        """Every check of understanding from the one on screen: each question answered right,
        or wrong ``wrong[question id]`` times first (the first wrong choice the pack lists);
        ``on_wrong(question id, tries)`` is called on each wrong-answer screen. Then Next, until
        the screen is no check. Returns how many questions were answered."""
        pack, values = self.pack(), get_settings().placeholder_values
        steps = flow.steps_for(pack)
        n = 0
        while self.on_teach_back():
            question = pack.teach_back_question(steps[self.step_number() - 1].question_ids[0])
            misses = min((wrong or {}).get(question.id, 0), tb.MAX_ATTEMPTS)
            bad = next(c for c in question.choices if not question.is_right(c.id))
            right = question.choice(question.answer)
            group = self.page.get_by_role("radiogroup", name=fill(question.question, values))
            n += 1
            if n == 1:
                self.shot(f"patient-04t-teach-back-{self.lang}")
            for tries, choice in enumerate([bad] * misses + [right], start=1):
                if tries > tb.MAX_ATTEMPTS:
                    break
                self.tap_text(fill(choice.text, values), within=group)
                self.tap_button(self.tr("patient.teach_back.check"))
                if choice is right:
                    said = self.tr("patient.teach_back.right")
                elif tries < tb.MAX_ATTEMPTS:
                    said = self.tr("patient.teach_back.wrong")
                else:
                    said = self.tr("patient.teach_back.re_explain")
                expect(self.page.get_by_text(said).first).to_be_visible()
                self.settle()
                if choice is not right and on_wrong:
                    on_wrong(question.id, tries)
            self.next()
        return n

    def check_wrong_screen(self, question_id: str, tries: int) -> None:
        """What a wrong answer shows (an ``on_wrong`` for ``teach_back``): the pack's other
        words; after the first try the linked points again and a fresh choice, after the last
        the right answer, no choices and Next. A screenshot of each."""
        pack, values = self.pack(), get_settings().placeholder_values
        question = pack.teach_back_question(question_id)
        items = {i.id: i for _, i in pack.items()}
        page = self.page
        explain = " ".join(fill(question.explain, values).split()[:8])
        expect(page.get_by_text(explain).first).to_be_visible()  # the pack's other words
        large = "-large" if self.page.evaluate(LARGE_JS) else ""
        if tries < tb.MAX_ATTEMPTS:  # the points again, and a fresh choice
            expect(page.get_by_text(self.tr("patient.teach_back.wrong"))).to_be_visible()
            for item_id in question.checks:
                text = fill(items[item_id].text, values)
                expect(page.get_by_text(text, exact=False).first).to_be_visible()
            choices = page.get_by_role("radiogroup", name=fill(question.question, values))
            expect(choices.get_by_role("radio")).to_have_count(len(question.choices))
            expect(choices.get_by_role("radio", checked=True)).to_have_count(0)
            button = page.get_by_role("button", name=self.tr("patient.teach_back.check"))
            expect(button).to_be_visible()
            self.shot(f"teach-back-wrong-{self.lang}{large}")
        else:  # the tries are used: a nurse or the doctor goes over it; the right answer shown
            expect(page.get_by_text(self.tr("patient.teach_back.re_explain"))).to_be_visible()
            right = fill(question.choice(question.answer).text, values)
            expect(page.get_by_text(right, exact=True).first).to_be_visible()
            asked = fill(question.question, values)  # no third answer: no choices
            expect(page.get_by_role("radiogroup", name=asked)).to_have_count(0)
            expect(page.get_by_role("button", name=self.tr("patient.next"))).to_be_visible()
            self.shot(f"teach-back-re-explain-{self.lang}{large}")


# Large text is on: the switch in the header is checked.
LARGE_JS = "() => !!document.querySelector('[data-testid=stCheckbox] input[role=switch]:checked')"


def pdf_shows_the_check(pdf: bytes, lang: str, cleared_by: str, note: str) -> None:
    """The sealed PDF's "Check of understanding" (read with pypdf): every question in the
    patient's words, the two wrong attempts of the flagged one, who cleared it and their note."""
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )
    values = get_settings().placeholder_values
    pack = load_library(values).active("sclerotherapy", lang)
    assert t(lang, "pdf.understanding.heading") in text
    for question in pack.teach_back:
        assert " ".join(fill(question.question, values).split()) in text
    wrong = t(lang, "pdf.understanding.wrong")
    for n in range(1, tb.MAX_ATTEMPTS + 1):
        attempt = t(lang, "pdf.understanding.attempt", n=n, result=wrong, time="")
        assert attempt.split("(")[0] in text, attempt
    assert cleared_by in text and " ".join(note.split()) in text
