"""Staff side in Chromium: a patient signs on the tablet (answering one check of understanding
wrong twice), the nurse sees its re-explain flag in the queue, verifies and does the time-out,
the clinician is told before the password that the attestation waits for the flag, clears it
with a note and attests (issue #15's acceptance in English), the front desk downloads the sealed
PDF (`cli.py verify` says VALID; it prints each attempt and the clearance) and files it. And a
staff address opened on the patient tablet shows only the sign-in."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from draft_steps import prepared, resume
from patient_steps import Patient
from playwright.sync_api import expect
from staff_steps import NAME, PASSWORD, STAFF, Staff, add_staff, cli, tr
from teach_back_steps import pdf_shows_the_check

from checklist.loader import load_library
from language.i18n import t
from settings import get_settings

pytestmark = pytest.mark.browser

FLAGGED = "tb.chest"  # the check of understanding answered wrong twice
NOTE = "Went over it again with the leaflet: call 911. The patient said it back to me."


def test_staff_address_on_the_patient_tablet_shows_only_the_sign_in(app_server, tablet):
    for address in ("queue", "verify", "filing", "users"):
        tablet.goto(f"{app_server.url}/{address}")
        expect(tablet.get_by_role("heading", name=tr("staff.sign_in.title"))).to_be_visible()
        expect(tablet.get_by_label(tr("staff.sign_in.password"), exact=True)).to_be_visible()
        body = tablet.locator("body").inner_text()
        assert tr("staff.page.queue") not in body and tr("staff.users.title") not in body
        expect(tablet.get_by_test_id("stSidebarNav")).to_have_count(0)
    # First run: it says how to make the first administrator.
    expect(tablet.get_by_text("python cli.py add-user NAME --role admin")).to_be_visible()


def test_patient_then_nurse_clinician_and_front_desk_in_the_browser(
    app_server, tablet, browser, tmp_path: Path
):
    pack = load_library(get_settings().placeholder_values).active("sclerotherapy", "en")
    add_staff(app_server)

    # The patient, on the tablet, from the first check of understanding (the draft made
    # through the services: the screens before it are walked by test_patient_flow).
    patient = Patient(tablet, app_server.url, tmp_path / "patient-shots", "en")
    first = f"teach-back-{pack.teach_back[0].id}"
    resume(patient, prepared(app_server, first, name=NAME, dob=dt.date(1962, 3, 14)))
    assert patient.teach_back({FLAGGED: 2}, on_wrong=patient.check_wrong_screen) == len(
        pack.teach_back
    )
    patient.photos(yes=True)
    patient.interpreter()
    patient.review(pack.certification)
    patient.draw()
    patient.sign(NAME)
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()

    # The nurse, at a clinic PC.
    pc = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = pc.new_page()
    page.set_default_timeout(30_000)
    shots = Path(os.environ.get("STAFF_E2E_SHOTS", tmp_path / "staff-shots"))
    staff = Staff(page, app_server.url, shots)
    staff.sign_in(STAFF["nurse"][0])
    expect(page.get_by_role("heading", name=tr("staff.queue.title"))).to_be_visible()
    expect(page.get_by_text(NAME)).to_be_visible()
    topic = pack.teach_back_question(FLAGGED).topic
    expect(page.get_by_text(tr("staff.queue.re_explain", topic=topic))).to_be_visible()
    staff.shot("staff-01-queue")
    page.get_by_role("button", name=tr("staff.queue.open")).first.click()
    staff.settle()
    expect(page.get_by_role("heading", name=tr("staff.verify.checklist"))).to_be_visible()
    groups = page.get_by_test_id("stRadio")
    expect(groups).to_have_count(len(pack.nurse_checklist))
    for group in groups.all():
        group.get_by_text(tr("staff.check.yes"), exact=True).click()
        expect(group.get_by_role("radio", name=tr("staff.check.yes"))).to_be_checked()
    page.get_by_label(tr("staff.verify.password"), exact=True).fill(PASSWORD)
    staff.shot("staff-02-verify")
    staff.button("staff.verify.button")
    expect(page.get_by_text(tr("staff.verify.done"))).to_be_visible()
    for item in pack.timeout:
        page.get_by_text(item.text, exact=True).click()
    # Who is there (the nurse is offered; the clinician is added) and the side said aloud.
    staff.choose(tr("staff.timeout.participants"), f"{STAFF['clinician'][1]} (clinician)")
    staff.choose(tr("staff.timeout.side"), t("en", "patient.site.left_leg"))
    staff.shot("staff-03-timeout")
    staff.button("staff.timeout.button")
    expect(page.get_by_text(tr("staff.timeout.recorded"))).to_be_visible()
    staff.sign_out()

    # The clinician.
    staff.sign_in(STAFF["clinician"][0])
    staff.menu("staff.page.review", "staff.review.title")
    expect(page.get_by_text(NAME).first).to_be_visible()
    # Before the password: the attestation waits for the re-explain flag, in the record's words.
    expect(page.get_by_text("clear each re-explain flag", exact=False)).to_be_visible()
    staff.clear_re_explain(topic, NOTE)
    # The treatment plan on page 1: the clinician (offered: herself), agent, liquid or foam.
    staff.choose(tr("staff.plan.sclerosant"), "polidocanol 1%")
    page.get_by_text(tr("staff.plan.form.foam"), exact=True).click()
    staff.button("staff.plan.save")
    expect(page.get_by_text(tr("staff.plan.saved"))).to_be_visible()
    page.get_by_label(tr("staff.verify.password"), exact=True).fill(PASSWORD)
    staff.shot("staff-04-attest")
    staff.button("staff.attest.button")
    expect(page.get_by_text(tr("staff.attest.done"))).to_be_visible()
    # After the procedure: the sign-out, which filing waits for.
    staff.menu("staff.page.procedure_sign_out", "staff.procedure_sign_out.title")
    staff.fill_sign_out({"left": 4.0}, today=dt.date.today())
    expect(page.get_by_text(tr("staff.procedure_sign_out.clean"))).to_be_visible()
    staff.sign_sign_out()
    expect(page.get_by_text(tr("staff.procedure_sign_out.signed"), exact=False)).to_be_visible()
    staff.sign_out()

    # The front desk: download the sealed PDF, check it with the command line, file it.
    staff.sign_in(STAFF["front_desk"][0])
    expect(page.get_by_role("heading", name=tr("staff.filing.title"))).to_be_visible()
    staff.button("staff.download.prepare")
    with page.expect_download() as info:
        page.get_by_role("button", name=tr("staff.download.button", kind="final")).click()
    pdf = tmp_path / "final.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    pdf_shows_the_check(pdf.read_bytes(), "en", STAFF["clinician"][1], NOTE)
    checked = cli(app_server, "verify", str(pdf))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "VALID" in checked.stdout
    page.get_by_label(tr("staff.filing.chart")).fill("EHR-2026-0042")
    staff.shot("staff-05-filing")
    staff.button("staff.filing.button")
    expect(
        page.get_by_text(tr("staff.filing.done", name=NAME, chart="EHR-2026-0042"))
    ).to_be_visible()
    pc.close()

    from store.db import open_database

    db = open_database(app_server.database_url(), upgrade=False)
    try:
        with db.uow() as uow:
            [consent] = uow.consents.search(name=NAME)
            actions = [e.action for e in uow.audit.for_consent(consent.id)]
    finally:
        db.dispose()
    assert consent.status.value == "filed" and consent.filing.chart_reference == "EHR-2026-0042"
    assert consent.nurse_verification.nurse_name == "Nora Nightingale"
    assert consent.attestation.clinician_name == "Dr. Ada Lovelace"
    assert consent.treatment.clinician_name == "Dr. Ada Lovelace"
    assert [p.name for p in consent.timeout.participants] == [
        "Nora Nightingale",
        "Dr. Ada Lovelace",
    ]
    assert consent.timeout.side == "left_leg"
    assert consent.sign_out.signed and consent.sign_out.entry.volume_left_ml == 4.0
    assert consent.interpreter_answer is not None
    (cleared,) = consent.re_explained
    assert (cleared.question_id, cleared.by_role, cleared.note) == (FLAGGED, "clinician", NOTE)
    for action in (
        "consent.submitted",
        "consent.verified",
        "consent.timeout",
        "consent.re_explain_cleared",
        "consent.attested",
        "consent.sign_out_entered",
        "consent.signed_out",
        "document.downloaded",
        "consent.filed",
    ):
        assert action in actions


def test_hand_tablet_to_patient_leaves_only_the_patient_flow(app_server, tablet, tmp_path):
    add_staff(app_server)
    staff = Staff(tablet, app_server.url, tmp_path / "shots")
    staff.sign_in(STAFF["nurse"][0])
    staff.menu("staff.page.handoff", "staff.handoff.title")
    tablet.get_by_label(tr("staff.handoff.name"), exact=True).fill("Zoë Handoffson")
    tablet.get_by_role("spinbutton", name="year, Date of birth").click()
    tablet.keyboard.type("19800203")
    tablet.keyboard.press("Escape")
    staff.button("staff.handoff.button")
    expect(tablet.get_by_role("button", name="English", exact=True)).to_be_visible()
    assert "resume=" in tablet.url and "Handoffson" not in tablet.url
    body = tablet.locator("body").inner_text()
    assert STAFF["nurse"][1] not in body and tr("staff.page.queue") not in body
    expect(tablet.get_by_test_id("stSidebar").get_by_role("link")).to_have_count(0)
    # The staff address now needs a sign-in again.
    tablet.goto(app_server.url + "/queue")
    expect(tablet.get_by_role("heading", name=tr("staff.sign_in.title"))).to_be_visible()
