"""Found by hand in Chromium: after filing, the patient box kept showing the filed patient while
the page below showed no consent (the box's value lived only in the browser). The box must
show "Choose a patient", and only the consents still waiting."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from language.i18n import t

pytestmark = pytest.mark.browser


def tr(key: str, **values: object) -> str:
    return t("en", key, **values)


def test_after_filing_the_patient_box_is_empty_in_the_browser(demo_server, browser):
    app_server, printed = demo_server  # after `cli.py demo-data --count 9`
    password = re.search(r"demo\.frontdesk\s+(\S+)", printed).group(1)

    pc = browser.new_context(viewport={"width": 1280, "height": 900})
    page = pc.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_server.url + "/staff")
    page.get_by_label(tr("staff.sign_in.username"), exact=True).fill("demo.frontdesk")
    page.get_by_label(tr("staff.sign_in.password"), exact=True).fill(password)
    page.get_by_role("button", name=tr("staff.sign_in.button")).click()
    expect(page.get_by_role("heading", name=tr("staff.filing.title"))).to_be_visible()

    box = page.get_by_test_id("stSelectbox")
    combo = box.get_by_role("combobox")
    expect(combo).to_have_value(re.compile(" · born "))
    shown = combo.input_value()
    name = shown.split(" · ")[0]  # "Name · born YYYY-MM-DD · Status"
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.get_by_label(tr("staff.filing.chart")).fill("EHR-E2E-1")
    page.get_by_role("button", name=tr("staff.filing.button")).click()
    expect(page.get_by_text(tr("staff.filing.done", name=name, chart="EHR-E2E-1"))).to_be_visible()

    expect(combo).to_have_value("")
    expect(combo).to_have_attribute("placeholder", tr("staff.pick.placeholder"))
    expect(page.get_by_role("heading", name=name)).to_have_count(0)  # no consent opened
    box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    assert shown not in options.all_inner_texts()
    pc.close()
