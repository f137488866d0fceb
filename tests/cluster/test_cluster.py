"""Issue #18 in Chromium: three app servers behind nginx on one PostgreSQL, and one of them lost
mid-flow (kill -9) loses nothing.

Two patients on tablets and a nurse at a PC, all through nginx's one address. The affinity
cookie nginx sets is chosen so that the first patient and the nurse are on the server that is
killed. After the kill: the first patient reloads and resumes on another server with every "I
understand" she had tapped (the rows in the database say so before and after) and signs there;
the second patient signs on the third server; the nurse reloads and is still signed in (the
staff session is in the database behind the HttpOnly ``consent_staff`` cookie, not in the lost
server's memory) and downloads both signed PDFs; each verifies (`cli.py verify`) against the
one seal although two servers sealed them, `cli.py check-all` is clean and the audit chain has
no fork. The download file lives in one server's memory: the same address asked with another
server's affinity is not found, so it is affinity (and Streamlit drawing the button again in
the new session) that makes the download after the kill work.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from draft_steps import acknowledged, on_server, prepared, resume
from patient_steps import FIRST_PAGE_MS, Patient
from playwright.sync_api import expect
from staff_steps import STAFF, Staff, add_staff, tr

from checklist import flow
from checklist.loader import load_library
from settings import get_settings

# A cluster start (three servers, nginx, migrations) and two first PDFs: about a minute on a
# quiet machine, four at a load average of 12 here; the suite's 300 s would cut it short.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

FIRST, SECOND = "Agnieszka Clusterowa", "Bartholomew Failover"
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "is_mobile": True}


def _context(browser, cluster, affinity: str, **shape):  # type: ignore[no-untyped-def]
    """A browser whose nginx affinity cookie is ``affinity`` (so we know its server)."""
    context = browser.new_context(**shape)
    context.add_cookies([{"name": "consent_node", "value": affinity, "url": cluster.url}])
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _fetch(url: str, affinity: str) -> int:
    req = urllib.request.Request(url, headers={"Cookie": f"consent_node={affinity}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _download(staff: Staff, name: str, to: Path) -> str:
    """Search the patient, fetch the PDF (checked and audited), download it; returns the
    address the browser fetched it from."""
    page = staff.page
    page.get_by_label(tr("staff.search.name"), exact=True).fill(name)
    staff.button("staff.search.button")
    heading = page.get_by_role("heading", name=name)
    if not heading.count():  # another patient was chosen before: choose this one
        box = page.get_by_test_id("stSelectbox").filter(has_text=tr("staff.search.pick"))
        box.get_by_role("combobox").click()
        page.get_by_role("option").filter(has_text=name).first.click()
        staff.settle()
    expect(heading).to_be_visible()
    staff.button("staff.download.prepare")
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").get_by_role("button").first.click()
    info.value.save_as(to)
    return info.value.url


def _finish_sections(p: Patient) -> None:
    """Every section screen's "I understand" not yet ticked, then Next (Patient.sections taps
    them all, which would untick the ones the patient saved before the kill)."""
    understand = p.tr("patient.section.understand")
    while p.page.get_by_text(understand, exact=True).count():
        boxes = p.page.get_by_role("checkbox", name=understand)
        for k in range(boxes.count()):
            if not boxes.nth(k).is_checked():
                boxes.nth(k).tap()
                expect(boxes.nth(k)).to_be_checked()
        p.next()


def test_a_server_lost_mid_flow_loses_nothing(cluster, browser, tmp_path: Path) -> None:
    pack = load_library(get_settings().placeholder_values).active("sclerotherapy", "en")
    section = next(s.id for s in flow.steps_for(pack) if s.kind is flow.StepKind.SECTION)
    lost = cluster.nodes[0]
    on_lost = cluster.affinity_on(lost)
    server = SimpleNamespace(env=cluster.env, data_dir=tmp_path / "drafts")  # draft_steps' view
    add_staff(server)
    first = prepared(server, section, name=FIRST, dob=dt.date(1958, 4, 2))
    second = prepared(server, "sign", name=SECOND, dob=dt.date(1970, 11, 9))

    # The first patient, on the server that will be lost: two "I understand", each saved.
    _, tab1 = _context(browser, cluster, on_lost, **TABLET)
    p1 = Patient(tab1, cluster.url, tmp_path / "p1", "en")
    resume(p1, first)
    boxes = tab1.get_by_role("checkbox", name=p1.tr("patient.section.understand"))
    for n in range(2):
        boxes.nth(n).tap()
        expect(boxes.nth(n)).to_be_checked()
        p1.settle()
    for _ in range(100):  # each tick's own run saves it
        if len(acknowledged(server, first)) == 2:
            break
        tab1.wait_for_timeout(100)
    saved = acknowledged(server, first)
    assert len(saved) == 2
    step = p1.step_number()

    # The nurse, at a PC, on the same server: signed in, the queue shows the signed patient.
    pc, page = _context(browser, cluster, on_lost, viewport={"width": 1366, "height": 900},
                        accept_downloads=True)  # fmt: skip
    staff = Staff(page, cluster.url, tmp_path / "staff")
    staff.sign_in(STAFF["nurse"][0])
    expect(page.get_by_role("heading", name=tr("staff.queue.title"))).to_be_visible()
    for _ in range(100):  # the page asks the server for it once the sign-in has run
        jar = {c["name"]: c for c in pc.cookies()}
        if "consent_staff" in jar:
            break
        page.wait_for_timeout(100)
    assert "consent_staff" in jar and jar["consent_staff"]["httpOnly"], sorted(jar)
    assert "consent_staff" not in page.url and jar["consent_staff"]["value"] not in page.url
    assert cluster.node_for(on_lost) is lost

    lost.kill()  # kill -9, mid-flow for both of them
    moved = cluster.node_for(on_lost)
    assert moved is not lost and moved.alive()
    other = next(n for n in cluster.nodes if n.alive() and n is not moved)
    on_other = cluster.affinity_on(other)

    # The second patient signs on the third server: two servers seal, one seal.
    _, tab2 = _context(browser, cluster, on_other, **TABLET)
    p2 = Patient(tab2, cluster.url, tmp_path / "p2", "en")
    resume(p2, second)
    p2.expect_pad()
    p2.draw()
    p2.sign(SECOND, shot=False)
    thanks = tab2.get_by_role("heading", name=p2.tr("patient.thanks.title"))
    expect(thanks).to_be_visible(timeout=FIRST_PAGE_MS)  # the server's first PDF

    # The first patient reloads: the same screen on another server, both ticks kept.
    url = tab1.url
    tab1.reload()
    p1.expect_step(step)
    assert tab1.url == url and parse_qs(urlparse(url).query)["resume"] == [first]
    expect(boxes.nth(0)).to_be_checked()
    expect(boxes.nth(1)).to_be_checked()
    expect(boxes.nth(2)).not_to_be_checked()
    assert acknowledged(server, first) == saved
    _finish_sections(p1)
    p1.photos(yes=False)
    p1.interpreter()
    p1.review(pack.certification)
    p1.draw()
    p1.sign(FIRST, shot=False)
    expect(tab1.get_by_role("heading", name=p1.tr("patient.thanks.title"))).to_be_visible(
        timeout=FIRST_PAGE_MS
    )

    # The nurse reloads: still signed in, on another server, no password asked.
    page.reload()
    expect(page.get_by_role("heading", name=tr("staff.queue.title"))).to_be_visible(
        timeout=FIRST_PAGE_MS
    )
    expect(page.get_by_label(tr("staff.sign_in.password"), exact=True)).to_have_count(0)
    staff.menu("staff.page.search", "staff.search.title")
    pdfs = {}
    for name in (FIRST, SECOND):
        pdfs[name] = tmp_path / f"{name.split()[0]}.pdf"
        address = _download(staff, name, pdfs[name])
        assert pdfs[name].read_bytes().startswith(b"%PDF")
    # The file is in the memory of the server the nurse's session is on, and only there.
    assert _fetch(address, on_lost) == 200
    assert _fetch(address, on_other) == 404

    # One seal: `cli.py verify` (any server's view: the trust comes from the shared database)
    # says VALID for the PDFs two servers sealed; check-all is clean. Side by side: each CLI run
    # is seconds of imports on a busy machine.
    with ThreadPoolExecutor(3) as pool:
        runs = {name: pool.submit(cluster.cli, "verify", str(pdf)) for name, pdf in pdfs.items()}
        runs["check-all"] = pool.submit(cluster.cli, "check-all", "--no-checkpoint")
        done = {name: run.result() for name, run in runs.items()}
    for name, run in done.items():
        assert run.returncode == 0, f"{name}: {run.stdout}{run.stderr}"
    for name in pdfs:
        assert re.search(r"^VALID", done[name].stdout, re.M), done[name].stdout

    def stored(ctx):  # type: ignore[no-untyped-def]
        with ctx.database.uow() as uow:
            found = {n: [c.status.value for c in uow.consents.search(name=n)] for n in pdfs}
            return found, uow.audit.check_chain()

    statuses, chain = on_server(server, stored)
    assert chain.ok, chain.message  # the one chain every server appended to: no fork, no gap
    assert statuses == {FIRST: ["submitted"], SECOND: ["submitted"]}, statuses
