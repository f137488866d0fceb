"""The checks of understanding (teach-back, issue #15) in Chromium, in Spanish and large text
(issue #15's acceptance; English is walked the same way in ``test_staff_flow``, where the
clinician clears the flag before attesting): on a tablet-sized touch screen a patient answers one
question wrong twice, reads the explanation, is shown the right answer, goes on and signs; the
stored record keeps every attempt and the re-explain flag. Then, at a clinic PC, the nurse sees
the flag in the queue, goes over it again, clears it with a note and verifies; the sealed final
PDF prints each question, each attempt and the clearance.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from draft_steps import prepared, resume
from patient_steps import Patient
from playwright.sync_api import expect
from staff_steps import PASSWORD, STAFF, Staff, add_staff, tr
from teach_back_steps import pdf_shows_the_check

from settings import get_settings

pytestmark = pytest.mark.browser

NAMES = {"en": "Margit Okonkwo-Lind", "es": "Inés Ibáñez Quiroga"}
LANGUAGE = {"en": "English", "es": "Español"}
SHOTS = Path(os.environ.get("TEACH_BACK_SHOTS", "/tmp/tb-shots"))
FLAGGED = "tb.chest"  # the question answered wrong twice (the first, chest pain: 911)


def _stored(server, name: str):  # type: ignore[no-untyped-def]
    with server.stored() as uow:
        (consent,) = uow.consents.search(name=name)
        return consent


def signed_with_a_flag(app_server, tablet, lang: str, *, large: bool = False):  # type: ignore[no-untyped-def]
    """A patient signs in ``lang`` after answering ``FLAGGED`` wrong twice; what each wrong-answer
    screen showed is checked on the way. Returns (patient, stored consent)."""
    patient = Patient(tablet, app_server.url, SHOTS, lang, axe=True)
    pack = patient.pack()
    seen: list[int] = []

    def on_wrong(qid: str, tries: int) -> None:
        assert qid == FLAGGED
        seen.append(tries)
        patient.check_wrong_screen(qid, tries)

    # From the first check of understanding: the screens before it are walked by
    # test_patient_flow and test_accessibility; the draft is made through the services.
    first = f"teach-back-{pack.teach_back[0].id}"
    draft = prepared(app_server, first, name=NAMES[lang], dob=dt.date(1957, 6, 2), lang=lang)
    resume(patient, draft)
    if large:
        patient.large_text(True)
    assert patient.teach_back({FLAGGED: 2}, on_wrong=on_wrong) == len(pack.teach_back)
    assert seen == [1, 2]
    patient.photos(yes=False)
    patient.interpreter()
    patient.review(pack.certification)
    assert patient.draw() > 500
    patient.sign(NAMES[lang], shot=False)
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()
    return patient, _stored(app_server, NAMES[lang])


def test_wrong_twice_explains_then_the_nurse_clears_it_and_the_pdf_shows_it(
    app_server, tablet
) -> None:
    lang = "es"
    patient, consent = signed_with_a_flag(app_server, tablet, lang, large=True)
    assert patient.axe_findings == {}
    results = {r.question_id: r for r in consent.teach_back}
    assert list(results) == [q.id for q in patient.pack().teach_back]
    flagged = results[FLAGGED]
    assert [a.right for a in flagged.attempts] == [False, False] and flagged.re_explain
    assert flagged.attempts[0].at <= flagged.attempts[1].at
    assert [r.question_id for r in consent.open_re_explain()] == [FLAGGED]
    assert all(r.first_time_right for q, r in results.items() if q != FLAGGED)
    nurse_clears(app_server, tablet, lang)


NOTE = {"es": "Le expliqué otra vez: llamar al 911. Me lo repitió con sus palabras."}


def nurse_clears(app_server, tablet, lang: str) -> None:  # type: ignore[no-untyped-def]
    """At a clinic PC: the queue shows the flag; the nurse clears it with a note and verifies.
    The final sealed PDF then prints the questions, the attempts and the clearance."""
    add_staff(app_server)
    english = load_pack("en")  # staff read the topic in the clinic's language (English)
    topic = english.teach_back_question(FLAGGED).topic
    pc = tablet.context.browser.new_context(viewport={"width": 1366, "height": 900})
    page = pc.new_page()
    page.set_default_timeout(30_000)
    staff = Staff(page, app_server.url, SHOTS / f"staff-{lang}")
    staff.sign_in(STAFF["nurse"][0])
    expect(page.get_by_text(NAMES[lang])).to_be_visible()
    expect(page.get_by_text(tr("staff.queue.re_explain", topic=topic))).to_be_visible()
    staff.shot("queue-with-flag")
    page.get_by_role("button", name=tr("staff.queue.open")).first.click()
    staff.settle()
    staff.clear_re_explain(topic, NOTE[lang])
    for group in page.get_by_test_id("stRadio").all():  # the nurse's checklist: all yes
        group.get_by_text(tr("staff.check.yes"), exact=True).click()
    page.get_by_label(tr("staff.verify.password"), exact=True).fill(PASSWORD)
    staff.button("staff.verify.button")
    expect(page.get_by_text(tr("staff.verify.done"))).to_be_visible()
    pc.close()

    stored, pdf = _final(app_server, NAMES[lang])
    assert stored.open_re_explain() == []
    (cleared,) = stored.re_explained
    assert cleared.question_id == FLAGGED and cleared.by_role == "nurse"
    assert cleared.by_name == STAFF["nurse"][1] and cleared.note == NOTE[lang]
    assert stored.status.value == "verified"
    pdf_shows_the_check(pdf, lang, STAFF["nurse"][1], NOTE[lang])


def load_pack(lang: str):  # type: ignore[no-untyped-def]
    from checklist.loader import load_library

    return load_library(get_settings().placeholder_values).active("sclerotherapy", lang)


def _final(server, name: str):  # type: ignore[no-untyped-def]
    """The stored consent and its newest final document's PDF bytes."""
    with server.stored() as uow:
        (consent,) = uow.consents.search(name=name)
        doc = uow.documents.latest(consent.id, "final")
        assert doc is not None and doc.pdf
        return consent, doc.pdf
