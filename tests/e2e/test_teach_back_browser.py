"""The checks of understanding (teach-back, issue #15) in Chromium on a tablet-sized touch screen,
English and Spanish: a patient answers one question wrong twice, reads the explanation, is shown
the right answer, goes on and signs; the stored record keeps every attempt and the re-explain flag.

``signed_with_a_flag`` is the hook for the staff side (the nurse's queue, the clearance, the PDF):
it returns the patient and the stored consent, so a test can carry on from there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from patient_steps import Patient
from playwright.sync_api import expect

from checklist import teach_back as tb
from language.placeholders import fill
from settings import get_settings

pytestmark = pytest.mark.browser

NAMES = {"en": "Margit Okonkwo-Lind", "es": "Inés Ibáñez Quiroga"}
LANGUAGE = {"en": "English", "es": "Español"}
SHOTS = Path(os.environ.get("TEACH_BACK_SHOTS", "/tmp/tb-shots"))
FLAGGED = "tb.chest"  # the question answered wrong twice (the first, chest pain: 911)


def _stored(server, name: str):  # type: ignore[no-untyped-def]
    from store.db import open_database

    db = open_database(server.database_url(), upgrade=False)
    try:
        with db.uow() as uow:
            found = uow.consents.search(name=name)
            assert len(found) == 1, found
            return found[0]
    finally:
        db.dispose()


def signed_with_a_flag(app_server, tablet, lang: str, *, large: bool = False):  # type: ignore[no-untyped-def]
    """A patient signs in ``lang`` after answering ``FLAGGED`` wrong twice; what each wrong-answer
    screen showed is checked on the way. Returns (patient, stored consent)."""
    patient = Patient(tablet, app_server.url, SHOTS, lang, axe=True)
    pack = patient.pack()
    values = get_settings().placeholder_values
    question = pack.teach_back_question(FLAGGED)
    items = {i.id: i for _, i in pack.items()}
    seen: list[int] = []

    def on_wrong(qid: str, tries: int) -> None:
        assert qid == FLAGGED
        seen.append(tries)
        page = patient.page
        explain = " ".join(fill(question.explain, values).split()[:8])
        expect(page.get_by_text(explain).first).to_be_visible()  # the pack's other words
        if tries < tb.MAX_ATTEMPTS:  # the points again, and a fresh choice
            expect(page.get_by_text(patient.tr("patient.teach_back.wrong"))).to_be_visible()
            for item_id in question.checks:
                text = fill(items[item_id].text, values)
                expect(page.get_by_text(text, exact=False).first).to_be_visible()
            choices = page.get_by_role("radiogroup", name=fill(question.question, values))
            expect(choices.get_by_role("radio")).to_have_count(len(question.choices))
            expect(choices.get_by_role("radio", checked=True)).to_have_count(0)
            button = page.get_by_role("button", name=patient.tr("patient.teach_back.check"))
            expect(button).to_be_visible()
            patient.shot(f"teach-back-wrong-{lang}{'-large' if large else ''}")
        else:  # the tries are used: a nurse or the doctor goes over it; the right answer shown
            expect(page.get_by_text(patient.tr("patient.teach_back.re_explain"))).to_be_visible()
            right = fill(question.choice(question.answer).text, values)
            expect(page.get_by_text(right, exact=True).first).to_be_visible()
            asked = fill(question.question, values)  # no third answer: no choices
            expect(page.get_by_role("radiogroup", name=asked)).to_have_count(0)
            expect(page.get_by_role("button", name=patient.tr("patient.next"))).to_be_visible()
            patient.shot(f"teach-back-re-explain-{lang}{'-large' if large else ''}")

    patient.start(LANGUAGE[lang])
    if large:
        patient.large_text(True)
    patient.details(NAMES[lang], 1957, 6, 2)
    patient.screening()
    patient.sections()
    assert patient.teach_back({FLAGGED: 2}, on_wrong=on_wrong) == len(pack.teach_back)
    assert seen == [1, 2]
    patient.photos(yes=False)
    patient.interpreter()
    patient.review(pack.certification)
    assert patient.draw() > 500
    patient.sign(NAMES[lang], shot=False)
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()
    return patient, _stored(app_server, NAMES[lang])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_wrong_twice_explains_shows_the_answer_goes_on_and_is_stored(
    app_server, tablet, lang: str
) -> None:
    patient, consent = signed_with_a_flag(app_server, tablet, lang, large=lang == "es")
    assert patient.axe_findings == {}
    results = {r.question_id: r for r in consent.teach_back}
    assert list(results) == [q.id for q in patient.pack().teach_back]
    flagged = results[FLAGGED]
    assert [a.right for a in flagged.attempts] == [False, False] and flagged.re_explain
    assert flagged.attempts[0].at <= flagged.attempts[1].at
    assert [r.question_id for r in consent.open_re_explain()] == [FLAGGED]
    assert all(r.first_time_right for q, r in results.items() if q != FLAGGED)
    # Later (helper STAFF / DOCUMENTS): the nurse sees the flag in the queue and clears it
    # with a note before the clinician attests; the PDF prints each attempt and the clearance.
