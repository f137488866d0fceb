"""Typed words are shown as typed, in Chromium: an interpreter's name and a question for the doctor
written as Markdown/HTML read literally on the tablet's review and sign screens and on the
nurse's and clinician's screens, and no page ever asks any address but the app's own."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from draft_steps import prepared, resume
from patient_steps import Patient
from playwright.sync_api import Page, expect
from staff_steps import STAFF, Staff, add_staff, tr

from checklist import flow
from checklist.loader import load_library
from settings import get_settings

pytestmark = pytest.mark.browser

NAME = "Ines Literal"
INTERPRETER = "![x](http://127.0.0.2:9/x.png) <img src=http://127.0.0.2:9/y.png> **bold**"
NOTE = "[click me](http://127.0.0.2:9/z) <a href=http://127.0.0.2:9/w>w</a> _it_"
HOLD = "**held** ![h](http://127.0.0.2:9/h.png)"


def record_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def shown(page: Page) -> str:
    # ui.text puts an invisible word joiner into web addresses so they are not links: unseen.
    return " ".join(page.locator("body").inner_text().replace("\u2060", "").split())


def assert_literal(page: Page, *texts: str) -> None:
    body = shown(page)
    for text in texts:
        assert " ".join(text.split()) in body, text
    # Nothing typed became an element: no image, no link to the payload's address.
    assert page.locator("img[src*='127.0.0.2']").count() == 0
    assert page.locator("a[href*='127.0.0.2']").count() == 0
    # The payload's own **bold** / _it_ never became emphasis (a bold line around it may).
    assert page.locator("strong", has_text=re.compile(r"^bold$")).count() == 0
    assert page.locator("em", has_text=re.compile(r"^it$")).count() == 0


def assert_only_the_app(requests: list[str], app_url: str) -> None:
    own = urlsplit(app_url).netloc
    assert own.startswith("127.0.0.1:")
    elsewhere = [
        u
        for u in requests
        if urlsplit(u).scheme in ("http", "https", "ws", "wss")
        if urlsplit(u).netloc != own
    ]
    assert requests and elsewhere == []


def test_typed_markdown_and_html_show_literally_and_fetch_nothing(
    app_server, tablet, browser, tmp_path: Path
) -> None:
    pack = load_library(get_settings().placeholder_values).active("sclerotherapy", "en")
    add_staff(app_server)
    tablet_requests = record_requests(tablet)

    patient = Patient(tablet, app_server.url, tmp_path / "patient-shots", "en")
    # The screens before the last section hold nothing typed: made through the services.
    last = [s.id for s in flow.steps_for(pack) if s.kind is flow.StepKind.SECTION][-1]
    resume(patient, prepared(app_server, last, name=NAME, dob=dt.date(1961, 4, 9)))
    # The last section: every point understood, and a question whose note is a link payload.
    for box in tablet.get_by_text(patient.tr("patient.section.understand"), exact=True).all():
        box.tap()
    patient.tap_text(patient.tr("patient.section.question"))
    patient.settle()
    note = tablet.get_by_label(patient.tr("patient.section.question_note"), exact=True)
    note.fill(NOTE)
    note.press("Tab")
    patient.settle()
    patient.next()
    assert patient.sections() == 0  # that was the last section screen
    patient.photos(yes=False)
    patient.interpreter(INTERPRETER, "Spanish", mode="in_person")

    expect(tablet.get_by_role("heading", name=patient.tr("patient.review.title"))).to_be_visible()
    patient.settle()
    assert_literal(tablet, INTERPRETER, NOTE)
    patient.review(pack.certification)
    patient.settle()
    assert_literal(tablet, INTERPRETER)  # the sign screen names the interpreter who signs
    assert patient.draw(0) > 500
    assert patient.draw(1) > 500
    patient.sign(NAME)
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()
    assert_only_the_app(tablet_requests, app_server.url)

    # The nurse and the clinician, at a clinic PC: the header, the questions, a hold reason.
    pc = browser.new_context(viewport={"width": 1366, "height": 900})
    page = pc.new_page()
    page.set_default_timeout(30_000)
    pc_requests = record_requests(page)
    staff = Staff(page, app_server.url, tmp_path / "staff-shots")
    staff.sign_in(STAFF["nurse"][0])
    expect(page.get_by_text(NAME)).to_be_visible()
    page.get_by_role("button", name=tr("staff.queue.open")).first.click()
    staff.settle()
    expect(page.get_by_role("heading", name=tr("staff.verify.checklist"))).to_be_visible()
    assert_literal(page, INTERPRETER, NOTE)
    staff.sign_out()

    staff.sign_in(STAFF["clinician"][0])
    staff.menu("staff.page.review", "staff.review.title")
    only_mine = page.get_by_label(tr("staff.review.only_mine"), exact=True)
    if only_mine.is_checked():  # no flag: the consent is among all of today's
        page.get_by_text(tr("staff.review.only_mine"), exact=True).click()
    staff.settle()
    page.get_by_text(tr("staff.review.other")).click()
    page.get_by_label(tr("staff.review.hold_reason"), exact=True).fill(HOLD)
    staff.button("staff.review.hold")
    expect(page.get_by_text(tr("staff.review.held"), exact=False)).to_be_visible()
    staff.settle()  # the hold's rerun redraws the consent below the message
    assert_literal(page, INTERPRETER, NOTE, HOLD)
    assert page.locator("strong", has_text=re.compile(r"^held$")).count() == 0
    staff.shot("typed-text-clinician")
    pc.close()
    assert_only_the_app(pc_requests, app_server.url)
