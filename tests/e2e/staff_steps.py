"""What staff do in Chromium, shared by the staff browser tests: accounts made through
`cli.py add-user`, sign-in, the sidebar menu, buttons, screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from patient_steps import SETTLED_JS
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from language.i18n import t

ROOT = Path(__file__).resolve().parents[2]
DOCS_SHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "e2e staff password"
NAME = "Siobhán Testperson"
STAFF = {
    "nurse": ("e2e.nurse", "Nora Nightingale"),
    "clinician": ("e2e.doc", "Dr. Ada Lovelace"),
    "front_desk": ("e2e.desk", "Fran Frontdesk"),
}


def tr(key: str, **values: object) -> str:
    return t("en", key, **values)


def cli(server, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env=server.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def add_staff(server) -> None:
    for role, (username, name) in STAFF.items():
        done = cli(
            server,
            "add-user",
            username,
            "--role",
            role,
            "--display-name",
            name,
            stdin=PASSWORD + "\n",
        )
        assert done.returncode == 0, done.stderr


class Staff:
    def __init__(self, page: Page, base_url: str, shots: Path) -> None:
        self.page, self.base_url, self.shots = page, base_url, shots
        shots.mkdir(parents=True, exist_ok=True)

    def settle(self) -> None:
        self.page.wait_for_load_state("networkidle")
        expect(self.page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=20_000)
        # The run has finished and the page is drawn as staff see it (no fixed sleep).
        self.page.wait_for_function(SETTLED_JS, timeout=20_000)

    def shot(self, name: str) -> None:
        self.settle()
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        if os.environ.get("CONSENT_SCREENSHOTS") == "1":
            DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(DOCS_SHOTS / f"{name}.png"), full_page=True)

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the select box or multiselect labelled ``label``."""
        widget = self.page.locator("[data-testid=stSelectbox], [data-testid=stMultiSelect]").filter(
            has_text=label
        )
        wanted = self.page.get_by_role("option", name=option, exact=True).first
        self.settle()  # a rerun that lands after the click redraws the box and closes the list
        for _ in range(3):
            widget.get_by_role("combobox").click()
            try:
                wanted.wait_for(timeout=5_000)
                break
            except PlaywrightTimeout:
                self.page.keyboard.press("Escape")
                self.settle()
        wanted.click()
        if widget.get_attribute("data-testid") == "stMultiSelect":
            self.page.keyboard.press("Escape")  # a multiselect stays open for more
            expect(widget).to_contain_text(option)
        else:
            expect(widget.get_by_role("combobox")).to_have_value(option)

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base_url + "/staff")
        self.page.get_by_label(tr("staff.sign_in.username"), exact=True).fill(username)
        self.page.get_by_label(tr("staff.sign_in.password"), exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name=tr("staff.sign_in.button")).click()
        self.settle()

    def menu(self, title_key: str, heading_key: str | None = None) -> None:
        """Open a page from the sidebar menu and wait for its heading."""
        link = self.page.get_by_test_id("stSidebar").get_by_role("link", name=tr(title_key))
        link.click()
        if heading_key:
            expect(self.page.get_by_role("heading", name=tr(heading_key))).to_be_visible()
        self.settle()

    def sign_out(self) -> None:
        self.shot("staff-sign-out-before")
        self.menu("staff.page.sign_out", "staff.sign_in.title")
        expect(self.page.get_by_text(tr("staff.sign_out.done"))).to_be_visible()

    def button(self, key: str) -> None:
        self.page.get_by_role("button", name=tr(key)).click()
        self.settle()
