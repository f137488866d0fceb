"""The procedure sign-out in Chromium at tablet size (820x1180, touch): the clinician enters
12 mL of foam, sees it block signing, is refused without a reason, gives one and signs; the
summary prints the reason, nothing is cut off, and the sealed record keeps it. With
CONSENT_SCREENSHOTS=1 the screen is saved as docs/screenshots/staff-sign-out.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from draft_steps import on_server
from patient_steps import SAVE_TO_DOCS
from playwright.sync_api import expect
from staff_steps import DOCS_SHOTS, PASSWORD, STAFF, Staff, add_staff, tr

from forms.record_course import problem_words

pytestmark = pytest.mark.browser

NAME = "Siobhán Signout"
REASON = "Two long tributaries; 12 mL agreed with the patient, leg raised after"


def _attested(server) -> str:  # type: ignore[no-untyped-def]
    """A consent signed, verified, timed-out and attested through the services, on the
    server's own database (the browser part of this test is the sign-out alone)."""

    def setup(ctx) -> str:  # type: ignore[no-untyped-def]
        from services import auth, demo, staff, staff_care

        nurse = auth.sign_in(ctx, STAFF["nurse"][0], PASSWORD)
        doc = auth.sign_in(ctx, STAFF["clinician"][0], PASSWORD)
        pack = ctx.active_pack("en")
        c = demo.patient_completes(
            ctx, legal_name=NAME, date_of_birth=dt.date(1962, 3, 14), site="both_legs"
        )
        c = staff_care.set_treatment(
            ctx, doc, c.id, clinician_id=doc.id, sclerosant="polidocanol 1%", form="foam",
            appointment_on=dt.date.today(), expected_version=c.version,
        )  # fmt: skip
        answers = {i.id: ("yes", "") for i in pack.nurse_checklist}
        c = staff.verify(
            ctx, nurse, c.id, answers=answers, password=PASSWORD, expected_version=c.version
        )
        c = staff_care.record_timeout(
            ctx, nurse, c.id, confirmed=[i.id for i in pack.timeout],
            participant_ids=[nurse.id, doc.id], side=c.site, expected_version=c.version,
        )  # fmt: skip
        c = staff.attest(ctx, doc, c.id, password=PASSWORD, expected_version=c.version)
        return str(c.id)

    return on_server(server, setup)


def _nothing_cut_off(page) -> None:
    """No element sticks out past the right edge of the 820 px screen."""
    wider = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stMain] *')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                        && e.getClientRects().length)
              .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 40))"""
    )
    assert wider == [], wider
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _screenshot(page, tmp_path: Path, problem: str) -> None:
    """The screen from the list of what blocks signing down to the password, 820x1180; the
    README's picture with CONSENT_SCREENSHOTS=1."""
    page.get_by_text(problem).first.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -160)")  # the total above the list, too
    shots = [tmp_path / "staff-sign-out.png"]
    if SAVE_TO_DOCS:  # CONSENT_SCREENSHOTS=1, read at import (tests drop CONSENT_ variables)
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shots.append(DOCS_SHOTS / "staff-sign-out.png")
    for path in shots:
        page.screenshot(path=str(path), scale="css")


def test_clinician_signs_out_foam_over_10_ml_with_a_reason_at_tablet_size(
    app_server, tablet, tmp_path
):
    add_staff(app_server)
    consent_id = _attested(app_server)
    staff = Staff(tablet, app_server.url, tmp_path / "shots")
    staff.sign_in(STAFF["clinician"][0])
    # The queue says the sign-out waits, and Open goes there.
    expect(tablet.get_by_text(tr("staff.queue.sign_out_waiting"))).to_be_visible()
    tablet.get_by_role("button", name=tr("staff.queue.open")).first.click()
    expect(tablet.get_by_role("heading", name=tr("staff.procedure_sign_out.title"))).to_be_visible()
    expect(tablet.get_by_role("heading", name=NAME)).to_be_visible()

    today = dt.date.today()
    staff.fill_sign_out({"left": 6.0, "right": 6.0}, today=today)
    foam = problem_words("foam_over_max")
    expect(
        tablet.get_by_text(tr("staff.procedure_sign_out.total", total="12", form="foam"))
    ).to_be_visible()
    expect(tablet.get_by_text(foam).first).to_be_visible()
    _nothing_cut_off(tablet)

    staff.sign_sign_out()  # no reason: refused, nothing signed
    expect(tablet.get_by_text("give your reason for each, before signing")).to_be_visible()
    staff.sign_sign_out({foam: REASON}, press=False)
    _screenshot(tablet, tmp_path, foam)  # what blocks signing, the reason, the password
    staff.button("staff.procedure_sign_out.sign")
    expect(tablet.get_by_text(tr("staff.procedure_sign_out.signed"), exact=False)).to_be_visible()
    expect(
        tablet.get_by_text(tr("staff.procedure_sign_out.justified", problem=foam, reason=REASON))
    ).to_be_visible()
    expect(tablet.get_by_text(tr("staff.procedure_sign_out.save"))).to_have_count(0)
    _nothing_cut_off(tablet)
    staff.settle()
    tablet.get_by_role("heading", name=NAME).scroll_into_view_if_needed()
    tablet.screenshot(path=str(tmp_path / "staff-sign-out-signed.png"), scale="css")

    with app_server.stored() as uow:
        consent = uow.consents.get(__import__("uuid").UUID(consent_id))
        actions = [e.action for e in uow.audit.for_consent(consent.id)]
    s = consent.sign_out
    assert s.signed and s.justifications == {"foam_over_max": REASON}
    assert (s.entry.volume_left_ml, s.entry.volume_right_ml, s.entry.total_ml) == (6.0, 6.0, 12.0)
    assert s.entry.form == "foam" and s.entry.ratio == "1:4" and s.entry.lot_number == "PD-24117"
    assert s.clinician_name == STAFF["clinician"][1]
    assert "consent.sign_out_entered" in actions and "consent.signed_out" in actions
