"""The checks of understanding (teach-back, issue #15) as a patient answers them in Chromium:
the part of ``patient_steps.Patient`` for those screens (kept here so that module stays short)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from checklist import flow
from checklist import teach_back as tb
from checklist.loader import load_library
from checklist.models import Pack
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
