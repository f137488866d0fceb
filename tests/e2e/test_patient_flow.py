"""The whole patient flow in Chromium on a tablet-sized touch screen, checked in the stored record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from draft_steps import acknowledged, prepared, resume, walked
from e2e_server import AppServer
from patient_steps import Patient
from playwright.sync_api import expect

from checklist.loader import load_library
from settings import get_settings
from ui.patient.common import RESUME

pytestmark = pytest.mark.browser

NAME = "Margarethe Ødegård-Nguyễn"


@pytest.fixture
def app_server(module_server: AppServer) -> AppServer:
    """One server for these tests (each a new patient with a name of its own); the restart
    test stops its server, so it has its own (``own_server``)."""
    return module_server


def _pack(lang: str):  # type: ignore[no-untyped-def]
    return load_library(get_settings().placeholder_values).active("sclerotherapy", lang)


def _stored(server, name: str):  # type: ignore[no-untyped-def]
    with server.stored() as uow:
        (consent,) = uow.consents.search(name=name)
        return consent, uow.documents.latest(consent.id)


def verify(server, pdf: bytes):  # type: ignore[no-untyped-def]
    """The seal checked against the server's own certificate.

    In its own thread: Playwright's sync API keeps an event loop running in this one.
    """
    from concurrent.futures import ThreadPoolExecutor

    from forms.seal import default_cert_path
    from forms.seal_check import verify_pdf

    cert = default_cert_path(get_settings(data_dir=server.data_dir))
    assert cert is not None
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(verify_pdf, pdf, [cert]).result()


def test_a_finger_signature_seals_and_stores_the_consent(
    app_server, tablet, tmp_path: Path
) -> None:
    """The tablet from the language choice and the details to the review and a finger on the
    pad. The screens between (health questions, sections, checks of understanding, photos,
    interpreter) go through the services here: test_accessibility taps through every one of
    them in Chromium, in English and Spanish and in both text sizes, and checks that what was
    tapped is stored; walking them a third time cost a minute of CI."""
    patient = Patient(tablet, app_server.url, tmp_path / "shots", "en")
    pack = _pack("en")
    patient.start("English")
    assert tablet.evaluate("document.documentElement.lang") == "en"
    assert "resume=" in tablet.url and "Ødegård" not in tablet.url
    patient.details(NAME, 1951, 7, 4)
    token = parse_qs(urlparse(tablet.url).query)[RESUME][0]
    walked(app_server, token, "review", photos=False)
    resume(patient, token)
    patient.review(pack.certification)
    ink = patient.draw()
    assert ink > 500, "the finger strokes did not draw on the pad"
    patient.sign(f"  {NAME.upper()} ")
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()
    patient.shot("patient-09-thanks-en")
    assert "resume=" not in tablet.url
    assert NAME not in tablet.content()

    consent, doc = _stored(app_server, NAME)
    assert consent.status.value == "submitted" and consent.decision == "consent"
    assert consent.photo_consent is False and consent.site == "left_leg"  # the code, not words
    assert consent.patient.date_of_birth == dt.date(1951, 7, 4)
    assert len(consent.acknowledgements) == len(pack.item_ids())
    sig = consent.patient_signature
    assert (
        sig
        and len(sig.strokes) == 2
        and sig.png
        and sig.png.startswith(b"\x89PNG")
        and sig.ink > 0.5
    )
    report = verify(app_server, doc.pdf)
    assert report.valid and report.intact and report.covers_whole_file, report.message

    tablet.go_back()  # the browser's history never shows the previous patient
    expect(tablet.get_by_role("button", name="English", exact=True)).to_be_visible()
    patient.settle()  # the page a patient would see, finished drawing
    assert NAME not in tablet.content()


def test_reload_half_way_resumes_at_the_same_step(app_server, tablet, tmp_path: Path) -> None:
    patient = Patient(tablet, app_server.url, tmp_path / "shots", "en")
    patient.start("English")
    patient.details("Rosa Delgado", 1962, 2, 28)
    patient.screening()
    boxes = tablet.get_by_role("checkbox", name=patient.tr("patient.section.understand"))
    patient.tap_text(patient.tr("patient.section.understand"))  # one tick, then reload
    expect(boxes.first).to_be_checked()
    token = parse_qs(urlparse(tablet.url).query)["resume"][0]
    for _ in range(100):  # the tick's own run saves it: stored before the reload
        if acknowledged(app_server, token):
            break
        tablet.wait_for_timeout(100)
    assert len(acknowledged(app_server, token)) == 1
    step = patient.step_number()
    url = tablet.url
    tablet.reload()
    patient.expect_step(step)
    assert tablet.url == url
    # The tick was saved as it was tapped: the reloaded screen shows it, and only it.
    expect(boxes.first).to_be_checked()
    expect(boxes.nth(1)).not_to_be_checked()
    # Earlier answers are still there: back to the details screen shows the name.
    patient.tap_button(patient.tr("patient.back"))
    patient.expect_step(step - 1)


def _at(patient: Patient, server, upto: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """A draft (born 1970-01-15, photos yes, no interpreter) made through the services up to
    ``upto`` and opened in the tablet: these tests are about the sign screen; the whole walk
    in Chromium is test_accessibility's (every screen, both languages, both text sizes)."""
    token = prepared(server, upto, name=name, dob=dt.date(1970, 1, 15), photos=True)
    resume(patient, token)


def test_empty_signature_and_wrong_name_are_refused(app_server, tablet, tmp_path: Path) -> None:
    patient = Patient(tablet, app_server.url, tmp_path / "shots", "en")
    _at(patient, app_server, "sign", "Lena Fischer")
    expect(tablet.get_by_role("heading", name=patient.tr("patient.sign.title"))).to_be_visible()
    patient.expect_pad()
    patient.sign("Lena Fischer", shot=False)
    expect(tablet.get_by_text(patient.tr("patient.sign.ink_empty"))).to_be_visible()
    patient.shot("patient-08-sign-empty-en")
    assert patient.draw(shape="line") > 0
    patient.sign("Lena Fischer", shot=False)
    expect(tablet.get_by_text(patient.tr("patient.sign.ink_line"))).to_be_visible()
    tablet.get_by_role("button", name=patient.tr("patient.sign.clear")).first.tap()
    patient.draw()
    patient.sign("Lena Fisher", shot=False)
    expect(tablet.get_by_text(patient.tr("patient.sign.name_mismatch"))).to_be_visible()
    patient.shot("patient-08-sign-wrong-name-en")
    patient.sign("lena fischer", shot=False)
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()


def test_decline_records_a_signed_informed_refusal(app_server, tablet, tmp_path: Path) -> None:
    patient = Patient(tablet, app_server.url, tmp_path / "shots", "en")
    _at(patient, app_server, "review", "Omar Haddad")
    patient.review(_pack("en").certification)  # certified on the tablet, then the sign screen
    patient.tap_button(patient.tr("patient.decline.instead"))
    tablet.get_by_role("heading", name=patient.tr("patient.decline.title")).wait_for()
    patient.draw()
    patient.sign("Omar Haddad", decline=True)
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()
    consent, doc = _stored(app_server, "Omar Haddad")
    assert consent.status.value == "declined" and consent.decision == "decline"
    assert doc.kind == "refusal"
    assert verify(app_server, doc.pdf).valid


def test_spanish_with_an_interpreter(app_server, tablet, tmp_path: Path) -> None:
    """From the interpreter's screen: the Spanish screens before it are walked, measured and
    checked by axe in test_accessibility's Spanish walk (which answers "not sure" too)."""
    patient = Patient(tablet, app_server.url, tmp_path / "shots", "es", axe=True)
    pack = _pack("es")
    draft = prepared(
        app_server,
        "interpreter",
        name="José Ángel Peña",
        dob=dt.date(1948, 11, 2),
        lang="es",
        site="both_legs",
        screening="not_sure",
    )
    resume(patient, draft)
    assert tablet.evaluate("document.documentElement.lang") == "es"
    patient.interpreter("INT-2231", "Español", mode="phone")
    patient.review(pack.certification)
    assert patient.draw(0) > 500
    assert patient.draw(1) > 500  # the interpreter signs on the tablet too
    patient.sign("josé ángel peña")
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()
    patient.shot("patient-09-thanks-es")
    assert patient.axe_findings == {}
    consent, doc = _stored(app_server, "José Ángel Peña")
    assert consent.pack.language == "es" and consent.site == "both_legs"
    assert consent.interpreter and consent.interpreter.mode == "phone"
    assert consent.interpreter.signature and consent.interpreter.signature.strokes
    assert all(a.answer.value == "not_sure" for a in consent.screening)
    assert verify(app_server, doc.pdf).valid


def test_server_restart_resumes_at_the_same_step(own_server, tablet, tmp_path: Path) -> None:
    from e2e_server import start_server, stop_server

    patient = Patient(tablet, own_server.url, tmp_path / "shots", "es")
    patient.start("Español")
    patient.details("Inés Carvalho", 1980, 6, 9)
    step = patient.step_number()
    query = tablet.url.split("?", 1)[1]
    stop_server(own_server)  # the fixture's stop afterwards is harmless
    again = start_server(own_server.data_dir)
    try:
        tablet.goto(f"{again.url}/?{query}")
        patient.expect_step(step)
        expect(tablet.get_by_role("heading", name=_pack("es").screening.title)).to_be_visible()
    finally:
        stop_server(again)
