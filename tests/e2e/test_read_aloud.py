"""Issue #15 point 4 in Chromium on an 820x1180 touch tablet: the Listen button.

Headless Chromium has no voices, so the page's ``speechSynthesis`` is replaced by a fake that
records what it is asked to say (fake_speech.py). On a section screen, Listen says the heading,
the intro and every item in order, in English with an English voice and, after the patient
switches language, in Spanish with a Spanish one; the element being read is marked; ticking a
box or turning on large text does not stop it; Next does (``cancel()``), and nothing of the old
screen is said or marked afterwards. With no voice for the patient's language (or no speech at
all) the button says so, does nothing, and the screens work as before.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from draft_steps import prepared, resume
from e2e_server import AppServer, fresh_data_dir, start_server, stop_server
from fake_speech import fake_speech
from patient_steps import Patient
from playwright.sync_api import Page, expect

from checklist.loader import load_library
from checklist.models import Section
from language.i18n import t
from settings import get_settings

pytestmark = pytest.mark.browser

READING = ".consent-reading"
DOB = dt.date(1950, 3, 4)
# Where the pictures go for a person to look at (the brief's folder when run by hand).
SHOTS = Path(os.environ.get("LISTEN_SHOTS", "")) if os.environ.get("LISTEN_SHOTS") else None


@pytest.fixture(scope="module")
def listen_server(  # type: ignore[no-untyped-def]
    tmp_path_factory: pytest.TempPathFactory, data_dir_template: Path, browser
) -> Iterator[AppServer]:
    """One app for the module: each test is a new tablet (a new session, a new draft). The
    first screen is opened once here, with time to spare: the first run loads the packs."""
    data = fresh_data_dir(data_dir_template, tmp_path_factory.mktemp("listen") / "app-data")
    server = start_server(data)
    page = browser.new_page()
    try:
        page.goto(server.url)
        page.get_by_role("button", name="English", exact=True).wait_for(timeout=120_000)
    finally:
        page.close()
    yield server
    stop_server(server)


def _first_section(lang: str) -> Section:
    pack = load_library(get_settings().placeholder_values).active("sclerotherapy", lang)
    return pack.sections[0]


def _said(page: Page) -> list[dict]:
    return page.evaluate("() => window.__speech.said.slice()")


def _shot(page: Page, patient: Patient, name: str) -> None:
    for folder in filter(None, (SHOTS, patient.shots)):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), scale="css")


def _listen_and_hold(page: Page, patient: Patient, before: int) -> dict:
    """Tap Listen with the fake holding its first sentence; returns that sentence."""
    page.evaluate("() => { window.__speech.hold = true; }")
    listen = page.get_by_role("button", name=patient.tr("patient.listen.button"), exact=True)
    expect(listen).to_be_enabled()
    listen.tap()
    page.wait_for_function(
        f"() => window.__speech.said.length > {before} && window.__speech.current"
        " && document.querySelector('.consent-reading')"
    )
    stop = page.get_by_role("button", name=patient.tr("patient.listen.stop"), exact=True)
    expect(stop).to_have_attribute("aria-pressed", "true")
    return _said(page)[before]


def _read_to_the_end(page: Page, patient: Patient) -> None:
    page.evaluate("() => { window.__speech.hold = false; window.__speech.finish(); }")
    listen = page.get_by_role("button", name=patient.tr("patient.listen.button"), exact=True)
    expect(listen).to_have_attribute("aria-pressed", "false")  # read to the end: Listen again
    expect(page.locator(READING)).to_have_count(0)


def _expect_section_read(said: list[dict], section: Section, lang: str, patient: Patient) -> None:
    """The heading first, the intro, then every item of the section in order, nothing of the
    header (step, language, large text) or the buttons, each in the patient's language."""
    texts = [s["text"] for s in said]
    assert texts[0] == section.title
    assert section.intro and texts[1] == " ".join(section.intro.split())
    at = 1
    for item in section.items:
        start = " ".join(item.text.split())[:40]
        found = [i for i, text in enumerate(texts) if text.startswith(start)]
        assert found and found[0] > at, (start, texts)
        at = found[0]
    unread = [patient.tr(k) for k in ("patient.large_text", "patient.next", "patient.back")]
    unread += [patient.tr("patient.listen.button"), patient.tr("patient.listen.stop")]
    assert not set(texts) & set(unread), texts
    assert not [x for x in texts if x.startswith(patient.tr("patient.progress", n="", total=""))]
    assert all(s["lang"].startswith(f"{lang}-") for s in said), said
    assert all(s["voice"] and s["voice"].startswith(f"{lang}-") for s in said), said


def test_listen_reads_the_section_in_the_patients_language_and_stops_on_next(
    listen_server: AppServer, tablet: Page, tmp_path: Path
) -> None:
    tablet.add_init_script(fake_speech(["en-GB", "en-US", "es-ES", "es-MX"]))
    patient = Patient(tablet, listen_server.url, tmp_path / "shots", "en")
    section = _first_section("en")
    draft = prepared(listen_server, f"section-{section.screen_id}", name="Ann Example", dob=DOB)
    resume(patient, draft)
    tablet.get_by_role("heading", name=section.title).wait_for()
    patient.settle()

    # English: the heading is said first, and it is the element marked while it is said.
    first = _listen_and_hold(tablet, patient, 0)
    assert first["text"] == section.title and first["lang"] == "en-US"
    expect(tablet.locator(READING)).to_have_count(1)
    expect(tablet.locator(READING)).to_have_text(section.title)
    _shot(tablet, patient, "listen-section-reading-en")
    _read_to_the_end(tablet, patient)
    english = _said(tablet)
    _expect_section_read(english, section, "en", patient)

    # Spanish, from the language switch on the same screen.
    tablet.get_by_role("radio", name=t("en", "lang.es"), exact=True).tap()
    patient.lang = "es"
    section = _first_section("es")
    expect(tablet.get_by_role("heading", name=section.title)).to_be_visible()
    patient.settle()
    first = _listen_and_hold(tablet, patient, len(english))
    assert first["text"] == section.title and first["lang"] == "es-ES"
    expect(tablet.locator(READING)).to_have_text(section.title)
    _read_to_the_end(tablet, patient)
    _expect_section_read(_said(tablet)[len(english) :], section, "es", patient)

    # Reading again: a tick and the large text keep it going, the mark still shows.
    said = len(_said(tablet))
    _listen_and_hold(tablet, patient, said)
    for box in tablet.get_by_text(patient.tr("patient.section.understand"), exact=True).all():
        box.tap()
    patient.large_text(True)
    expect(tablet.locator(READING)).to_have_text(section.title)
    assert tablet.evaluate("() => !!window.__speech.current")
    _shot(tablet, patient, "listen-section-reading-large-es")
    cancels = tablet.evaluate("() => window.__speech.cancels")

    # Next: speech is cancelled at once, nothing is marked or said on the next screen.
    patient.next()
    assert tablet.evaluate("() => window.__speech.cancels") > cancels
    assert tablet.evaluate("() => window.__speech.current") is None
    expect(tablet.locator(READING)).to_have_count(0)
    listen = tablet.get_by_role("button", name=patient.tr("patient.listen.button"), exact=True)
    expect(listen).to_have_attribute("aria-pressed", "false")
    tablet.wait_for_timeout(300)  # had anything been left queued, it would be said by now
    assert len(_said(tablet)) == said + 1
    _shot(tablet, patient, "listen-next-screen-large-es")


def test_no_voice_for_the_language_says_so_and_the_screens_work(
    listen_server: AppServer, tablet: Page, tmp_path: Path
) -> None:
    tablet.add_init_script(fake_speech(["en-US"]))  # an English-only tablet
    patient = Patient(tablet, listen_server.url, tmp_path / "shots", "es")
    patient.start("Español")
    none = tablet.get_by_role("button", name=patient.tr("patient.listen.no_voice"), exact=True)
    expect(none).to_be_disabled()
    _shot(tablet, patient, "listen-no-voice-es")
    none.tap(force=True)  # a tap on it does nothing
    patient.details("Ana Ejemplo", 1950, 3, 4)  # ticks the box and goes on
    expect(none).to_be_disabled()
    patient.screening()
    assert _said(tablet) == []
    # The same tablet has an English voice: in English the button works.
    tablet.get_by_role("radio", name=t("es", "lang.en"), exact=True).tap()
    patient.lang = "en"
    listen = tablet.get_by_role("button", name=patient.tr("patient.listen.button"), exact=True)
    expect(listen).to_be_enabled()


def test_no_speech_at_all_says_so(listen_server: AppServer, tablet: Page, tmp_path: Path) -> None:
    tablet.add_init_script(
        "Object.defineProperty(window, 'speechSynthesis', { value: undefined });"
        "window.SpeechSynthesisUtterance = undefined;"
    )
    patient = Patient(tablet, listen_server.url, tmp_path / "shots", "en")
    patient.start("English")
    none = tablet.get_by_role("button", name=patient.tr("patient.listen.no_voice"), exact=True)
    expect(none).to_be_disabled()
    patient.details("Ann Example", 1950, 3, 4)
    patient.expect_step(3)
