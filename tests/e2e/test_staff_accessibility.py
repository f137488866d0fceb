"""axe-core on the staff screens (issue #12 point 11): the sign-in, today's queue, verify and
time-out, clinician review and filing, each with a consent open, have no serious or critical
findings (they had colour-contrast findings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from patient_steps import axe_violations
from playwright.sync_api import Page, expect
from staff_steps import Staff, tr

pytestmark = pytest.mark.browser


def axe_findings(page: Page) -> list[str]:
    """Serious and critical axe-core findings on the page as drawn (as patient_steps.axe)."""
    return [
        f"{v['id']} ({v['impact']}): {node['html'][:160]}"
        for v in axe_violations(page)
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"][:5]
    ]


def test_staff_screens_have_no_serious_axe_findings(demo_server, browser, tmp_path: Path) -> None:
    app_server, printed = demo_server  # after `cli.py demo-data --count 9`
    passwords = dict(re.findall(r"(demo\.\w+)\s+(\S+)", printed))

    pc = browser.new_context(viewport={"width": 1366, "height": 900})
    page = pc.new_page()
    page.set_default_timeout(30_000)
    staff = Staff(page, app_server.url, tmp_path / "shots")
    findings: dict[str, list[str]] = {}

    def check(name: str, heading_key: str) -> None:
        expect(page.get_by_role("heading", name=tr(heading_key)).first).to_be_visible()
        staff.settle()
        staff.shot(f"a11y-{name}")
        if found := axe_findings(page):
            findings[name] = found

    def sign_in(username: str) -> None:
        page.goto(app_server.url + "/staff")
        expect(page.get_by_role("heading", name=tr("staff.sign_in.title"))).to_be_visible()
        staff.settle()
        if "sign-in" not in findings and (found := axe_findings(page)):
            findings["sign-in"] = found
        page.get_by_label(tr("staff.sign_in.username"), exact=True).fill(username)
        page.get_by_label(tr("staff.sign_in.password"), exact=True).fill(passwords[username])
        page.get_by_role("button", name=tr("staff.sign_in.button")).click()
        staff.settle()

    sign_in("demo.nurse")
    check("queue", "staff.queue.title")
    page.get_by_role("button", name=tr("staff.queue.open")).first.click()
    staff.settle()
    check("verify", "staff.verify.checklist")
    staff.menu("staff.page.sign_out", "staff.sign_in.title")

    sign_in("demo.clinician")
    staff.menu("staff.page.review", "staff.review.title")
    check("clinician-review", "staff.review.title")
    staff.menu("staff.page.sign_out", "staff.sign_in.title")

    sign_in("demo.frontdesk")
    check("filing", "staff.filing.title")
    pc.close()

    assert findings == {}, "\n".join(f"{k}: {v}" for k, vs in findings.items() for v in vs)
