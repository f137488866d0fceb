"""The idle prompt in Chromium: "still there?", then the screen clears and the draft closes.

The real server's timer runs with CONSENT_PATIENT_IDLE_MINUTES=0.2: the question comes after
12 s without a tap, the screen clears 12 s later (the grace is a minute, or the idle time when
shorter), and the timer looks every 3 s. Waits are for what the patient sees, with generous
timeouts; nothing is timed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from e2e_server import AppServer, fresh_data_dir, start_server, stop_server
from patient_steps import Patient
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

IDLE_MINUTES = "0.2"
WAIT_MS = 60_000  # well past 12 s idle + 12 s grace + a 3 s timer, on a busy machine
NAME = "Theodora Vasquez-Lindqvist"


@pytest.fixture
def idle_server(tmp_path: Path, data_dir_template: Path) -> Iterator[AppServer]:
    data = fresh_data_dir(data_dir_template, tmp_path / "app-data")
    server = start_server(data, {"CONSENT_PATIENT_IDLE_MINUTES": IDLE_MINUTES})
    yield server
    stop_server(server)


def _token(page: Page) -> str:
    tokens = parse_qs(urlparse(page.url).query).get("resume", [])
    assert len(tokens) == 1, page.url
    return tokens[0]


def _enter_details(patient: Patient) -> None:
    """The details screen, as Patient.details does, without its screenshot (the clock runs)."""
    tr = patient.tr
    patient.page.get_by_label(tr("patient.details.name"), exact=True).fill(NAME)
    patient.choose(tr("patient.details.month"), tr("patient.month.5"))
    patient.choose(tr("patient.details.day"), "17")
    patient.choose(tr("patient.details.year"), "1949")
    patient.tap_text(tr("patient.site.right_leg"))
    patient.tap_text(tr("patient.details.confirm"))
    patient.next()


def _answer_screening(patient: Patient) -> None:
    """Every health question "no", screen by screen (no screenshots: the idle clock runs)."""
    while patient.page.get_by_text(patient.tr("patient.screening.reassure")).count():
        for group in patient.page.get_by_test_id("stRadio").all():
            group.get_by_text(patient.tr("patient.answer.no"), exact=True).tap()
        patient.next()


SCROLL_TOP = (
    "Math.max(window.scrollY, ...[...document.querySelectorAll("
    "'[data-testid=stMain], [data-testid=stAppViewContainer]')].map(e => e.scrollTop))"
)


def _stored(server: AppServer, token: str) -> tuple[dict, list]:  # type: ignore[type-arg]
    """The draft's row as stored, and the audit trail."""
    from sqlalchemy import select

    from store.tables import drafts

    with server.stored() as uow:
        row = uow.connection.execute(select(drafts).where(drafts.c.token == token)).mappings().one()
        events = uow.audit.query()
    return dict(row), events


def _prompt(patient: Patient):  # type: ignore[no-untyped-def]
    return patient.page.get_by_text(patient.tr("patient.idle.ask"), exact=True)


def test_still_there_keeps_the_step_then_idle_clears_and_closes(
    idle_server: AppServer, tablet: Page, tmp_path: Path
) -> None:
    patient = Patient(tablet, idle_server.url, tmp_path / "shots", "en")
    patient.start("English")
    token = _token(tablet)
    _enter_details(patient)
    _answer_screening(patient)
    step = patient.step_number()
    # One "I understand" ticked on this section, not yet sent (the form sends it with Next).
    understood = tablet.get_by_role(
        "checkbox", name=patient.tr("patient.section.understand"), exact=True
    ).first
    tablet.get_by_text(patient.tr("patient.section.understand"), exact=True).first.tap()
    expect(understood).to_be_checked()
    # At the foot of the long screen, where the finger left it: the prompt must still be in view.
    tablet.get_by_role(
        "button", name=patient.tr("patient.next"), exact=True
    ).scroll_into_view_if_needed()
    assert tablet.evaluate(SCROLL_TOP) > 200

    expect(_prompt(patient)).to_be_visible(timeout=WAIT_MS)
    expect(_prompt(patient)).to_be_in_viewport()
    still_here = tablet.get_by_role("button", name=patient.tr("patient.idle.still_here"))
    expect(still_here).to_be_in_viewport()
    tablet.screenshot(path=str(tmp_path / "idle-ask-en.png"), scale="css")
    still_here.tap()

    expect(_prompt(patient)).to_have_count(0)
    patient.expect_step(step)  # the same screen
    assert _token(tablet) == token
    expect(understood).to_be_checked()  # the unsent tick is still there
    row, _ = _stored(idle_server, token)
    assert row["closed_at"] is None and row["state"]["legal_name"] == NAME
    section_step = row["state"]["step"]
    assert section_step.startswith("section-") and row["state"]["screening"]

    # Now nobody taps: asked again, then the tablet goes back to the start.
    expect(_prompt(patient)).to_be_visible(timeout=WAIT_MS)
    english = tablet.get_by_role("button", name="English", exact=True)
    expect(english).to_be_visible(timeout=WAIT_MS)
    patient.settle()
    assert "resume=" not in tablet.url
    assert NAME not in tablet.content()
    tablet.screenshot(path=str(tmp_path / "idle-cleared.png"), scale="css")

    row, events = _stored(idle_server, token)
    assert row["closed_at"] is not None and row["state"] == {}  # closed, answers dropped
    started = [e for e in events if e.action == "consent.started"]
    abandoned = [e for e in events if e.action == "consent.abandoned"]
    assert len(started) == 1 and len(abandoned) == 1
    event = abandoned[0]
    assert (event.actor_id, event.actor_role) == ("patient", "patient")
    assert event.session_id == started[0].session_id and event.consent_id == started[0].consent_id
    assert event.new == {"reason": "idle", "step": section_step} and event.old is None
    assert "Vasquez" not in json.dumps([event.new, event.old])

    # The browser's history and a reload show nothing of this patient.
    tablet.go_back()
    tablet.reload()
    expect(english).to_be_visible()
    patient.settle()
    assert NAME not in tablet.content()
    expect(tablet.get_by_role("heading", name=patient.tr("patient.details.title"))).to_have_count(0)
    assert "resume=" not in tablet.url


def test_the_prompt_speaks_the_patients_language(
    idle_server: AppServer, tablet: Page, tmp_path: Path
) -> None:
    patient = Patient(tablet, idle_server.url, tmp_path / "shots", "es")
    patient.start("Español")
    _enter_details(patient)
    step = patient.step_number()
    expect(_prompt(patient)).to_be_visible(timeout=WAIT_MS)
    assert tablet.evaluate("document.documentElement.lang") == "es"
    tablet.screenshot(path=str(tmp_path / "idle-ask-es.png"), scale="css")
    patient.axe("idle-ask-es")
    assert patient.axe_findings == {}
    tablet.get_by_role("button", name=patient.tr("patient.idle.still_here"), exact=True).tap()
    expect(_prompt(patient)).to_have_count(0)
    patient.expect_step(step)
