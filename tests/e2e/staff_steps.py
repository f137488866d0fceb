"""What staff do in Chromium, shared by the staff browser tests: accounts made through
the service `cli.py add-user` calls, sign-in, the sidebar menu, buttons, screenshots."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from draft_steps import on_server
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
    """The four accounts in STAFF, made on the server's database by the service `cli.py
    add-user` calls (services.admin.add_user, via_cli). In this process, not four CLI runs: each
    run cost about 3 s of CPU (imports, packs, the database opened) and 10 s on a busy machine;
    the command itself, its password from stdin, is tested in tests/staff/test_admin_export_demo."""

    def add(ctx) -> None:  # type: ignore[no-untyped-def]
        from services import admin

        for role, (username, name) in STAFF.items():
            admin.add_user(
                ctx,
                None,
                username=username,
                display_name=name,
                roles=[role],
                password=PASSWORD,
                via_cli=True,
            )

    on_server(server, add)


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

    # --- the procedure sign-out (app_pages/staff_procedure_sign_out.py) ----------------------
    def pick(self, group: str, option: str) -> None:
        """Tap ``option`` in the radio group labelled ``group``."""
        radios = self.page.get_by_role("radiogroup", name=group, exact=True)
        radios.get_by_text(option, exact=True).click()
        expect(radios.get_by_role("radio", name=option, exact=True)).to_be_checked()

    def fill_sign_out(self, volumes: dict[str, float], *, today: dt.date) -> None:
        """Every field of the sign-out, foam: ``volumes`` in mL per leg ("left", "right"); the
        agent is the one the treatment plan offers."""
        page, p = self.page, "staff.procedure_sign_out."
        expect(page.get_by_role("heading", name=tr(p + "injection"))).to_be_visible()
        self.pick(tr(p + "form"), tr("staff.plan.form.foam"))
        self.choose(tr(p + "gas"), tr("care.gas.room_air"))
        page.get_by_label(tr(p + "ratio"), exact=True).fill("1:4")
        for leg, ml in volumes.items():
            page.get_by_label(tr(f"{p}volume.{leg}"), exact=True).fill(f"{ml:g}")
        page.get_by_label(tr(p + "lot_number"), exact=True).fill("PD-24117")
        self.date(tr(p + "lot_expiry"), today + dt.timedelta(days=300))
        page.get_by_label(tr(p + "areas"), exact=True).fill("Great saphenous vein tributaries")
        self.choose(tr(p + "compression"), tr("care.compression.class_2"))
        page.get_by_label(tr(p + "compression_days"), exact=True).fill("7")
        page.get_by_label(tr(p + "observation_minutes"), exact=True).fill("15")
        for area in ("vision", "chest", "neurological", "skin"):
            self.pick(tr(f"care.area.{area}"), tr(p + "finding.none"))
        self.pick(tr(p + "adverse"), tr(p + "adverse.none"))
        page.get_by_text(tr(p + "aftercare"), exact=True).click()
        self.date(tr(p + "next_visit"), today + dt.timedelta(days=28))
        self.button(p + "save")
        expect(page.get_by_text(tr(p + "saved"))).to_be_visible()

    def date(self, label: str, day: dt.date) -> None:
        """Type ``day`` into the date field labelled ``label`` (year, month, day segments)."""
        self.page.get_by_role("spinbutton", name=f"year, {label}").click()
        self.page.keyboard.type(f"{day:%Y%m%d}")
        self.page.keyboard.press("Escape")
        group = self.page.get_by_role("group", name=label, exact=True)
        expect(group).to_contain_text(f"{day:%Y}")

    # --- a re-explain flag (ui/re_explain_form.py; issue #15) -------------------------------
    def clear_re_explain(self, topic: str, note: str) -> None:
        """On the verify or clinician page: the open re-explain flag named ``topic`` gets
        ``note`` and "Mark as re-explained"; waits until the page says who cleared it."""
        page = self.page
        open_words = tr("staff.re_explain.open", topic=topic)
        # The flag's own bordered block: the innermost one holding its words and its form.
        flag = (
            page.get_by_test_id("stVerticalBlock")
            .filter(has_text=open_words)
            .filter(has=page.get_by_test_id("stForm"))
            .last
        )
        flag.get_by_label(tr("staff.re_explain.note"), exact=True).fill(note)
        flag.get_by_role("button", name=tr("staff.re_explain.button")).click()
        self.settle()
        expect(page.get_by_text(tr("staff.re_explain.done", topic=topic))).to_be_visible()
        # The flag now says who cleared it, with the note (in place of the form).
        done = page.get_by_test_id("stAlert").filter(has_text=note)
        expect(done).to_contain_text(tr("staff.queue.re_explained", topic=topic))

    def sign_sign_out(self, reasons: dict[str, str] | None = None, *, press: bool = True) -> None:
        """The clinician's reasons (problem words -> reason), password, and Sign (unless not
        ``press``: the form filled in, e.g. for a screenshot)."""
        p = "staff.procedure_sign_out."
        for problem, reason in (reasons or {}).items():
            self.page.get_by_label(tr(p + "reason", problem=problem), exact=True).fill(reason)
        self.page.get_by_label(tr("staff.verify.password"), exact=True).fill(PASSWORD)
        if press:
            self.button(p + "sign")
