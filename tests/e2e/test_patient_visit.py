"""A returning patient in Chromium on a tablet-sized touch screen (issue #14): within the course
the short visit re-confirmation, not the full flow; with the course expired the full flow, the
reason said on screen. Checked in the stored records."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import patient_steps
import pytest
from draft_steps import resume, walked
from patient_steps import DOCS_SHOTS, Patient, small_png
from playwright.sync_api import expect

from checklist import flow
from checklist.loader import load_library
from settings import get_settings
from ui.patient.common import RESUME

pytestmark = pytest.mark.browser

NAME, DOB = "Ingrid Solveig Haraldsen", dt.date(1961, 5, 17)
PASSWORD = "correct horse battery"


def _pack(lang: str = "en"):  # type: ignore[no-untyped-def]
    return load_library(get_settings().placeholder_values).active("sclerotherapy", lang)


def _course(server, signed_at: dt.datetime) -> str:  # type: ignore[no-untyped-def]
    """A course on the server's own database: the patient signs (at ``signed_at``), the nurse
    verifies, the plan is set, the clinician attests; through the services the screens use.

    In its own thread: Playwright's sync API keeps an event loop running in this one, and
    sealing the PDF runs one of its own."""

    def work() -> str:
        from accounts.staff import Role
        from forms.record_care import TreatmentPlan
        from services import admin, auth, demo, staff
        from services.clock import FixedClock
        from services.context import build_context

        clock = FixedClock(signed_at)
        ctx = build_context(get_settings(data_dir=server.data_dir), clock)
        try:
            people = {}
            for role, user in ((Role.NURSE, "nina"), (Role.CLINICIAN, "carl")):
                admin.add_user(
                    ctx,
                    None,
                    username=user,
                    display_name=user.title(),
                    roles=[role],
                    password=PASSWORD,
                    via_cli=True,
                )
                people[role] = auth.sign_in(ctx, user, PASSWORD)
            c = demo.patient_completes(ctx, legal_name=NAME, date_of_birth=DOB, site="left_leg")
            pack = ctx.library.get(c.pack.pack_id, c.pack.version, "en")
            c = staff.verify(
                ctx,
                people[Role.NURSE],
                c.id,
                answers={i.id: ("yes", "") for i in pack.nurse_checklist},
                password=PASSWORD,
                expected_version=c.version,
            )
            doc = people[Role.CLINICIAN]
            with ctx.database.uow() as uow:
                c = uow.consents.get(c.id)
                c.treatment = TreatmentPlan.of(
                    clinician=(doc.id, doc.display_name),
                    sclerosant=ctx.settings.sclerosants[1],
                    form="foam",
                    appointment_on=signed_at.date(),
                    by_id=doc.id,
                    by_name=doc.display_name,
                    now=signed_at,
                )
                uow.consents.update(c, expected_version=c.version, actor_name="test")
                uow.commit()
                c = uow.consents.get(c.id)
            c = staff.attest(ctx, doc, c.id, password=PASSWORD, expected_version=c.version)
            return str(c.id)
        finally:
            ctx.database.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def _records(server):  # type: ignore[no-untyped-def]
    with server.stored() as uow:
        return uow.consents.for_patient(NAME, DOB)


def _readable(patient: Patient) -> list[str]:
    """What would stop a patient reading this screen whole, at normal and at large text: no
    sideways scrolling, no text cut, clipped or broken mid-word (patient_steps.TEXTS_JS)."""
    found = []
    for large in (False, True):
        patient.large_text(large)
        texts = patient.texts()
        if texts["pageWidth"] > 820 or texts["mainOverflow"] > 0:
            found.append(f"large={large}: sideways scrolling ({texts['pageWidth']} px)")
        found += [f"large={large}: {i['key']!r} {p}" for i in texts["items"] for p in i["problems"]]
    patient.large_text(False)
    return found


def _no_doc_shots(monkeypatch: pytest.MonkeyPatch) -> bool:
    """The shared steps save the full flow's pictures to docs/; a visit must not replace them."""
    wanted = patient_steps.SAVE_TO_DOCS
    monkeypatch.setattr(patient_steps, "SAVE_TO_DOCS", False)
    return wanted


def test_a_returning_patient_within_the_course_re_confirms_and_signs_for_the_session(
    app_server, tablet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    to_docs = _no_doc_shots(monkeypatch)
    course_id = _course(app_server, dt.datetime.now(dt.UTC) - dt.timedelta(days=21))
    pack = _pack()
    patient = Patient(tablet, app_server.url, tmp_path / "shots", "en", axe=True)
    patient.start("English")
    patient.details(NAME, DOB.year, DOB.month, DOB.day)
    # Not the full flow: a short check-in for session 2, and "has anything changed?".
    expect(tablet.get_by_text(patient.tr("patient.course.visit", session=2))).to_be_visible()
    expect(tablet.get_by_role("heading", name=patient.tr("patient.changes.title"))).to_be_visible()
    visit_steps = len(flow.steps_for(pack, "visit"))
    assert visit_steps < len(flow.steps_for(pack))
    expect(
        tablet.get_by_text(patient.tr("patient.progress", n=3, total=visit_steps))
    ).to_be_visible()
    patient.shot("patient-visit-changes-en")
    assert _readable(patient) == []
    patient.tap_text(patient.tr("patient.changes.no"))
    patient.next()
    assert patient.screening() >= 1
    # The key risks once more, on one screen.
    expect(
        tablet.get_by_role("heading", name=patient.tr("patient.reconfirm.title"))
    ).to_be_visible()
    boxes = tablet.get_by_text(patient.tr("patient.section.understand"), exact=True)
    items = flow.reconfirm_items(pack)
    expect(boxes).to_have_count(len(items))
    for box in boxes.all():
        box.tap()
    patient.settle()
    patient.shot("patient-visit-reconfirm-en")
    if to_docs:
        small_png(
            tmp_path / "shots" / "patient-visit-reconfirm-en.png",
            DOCS_SHOTS / "patient-visit-reconfirm-en.png",
        )
    assert tablet.viewport_size == {"width": 820, "height": 1180}
    assert _readable(patient) == []
    patient.next()
    patient.interpreter()
    patient.review(pack.certification)
    expect(tablet.get_by_text(patient.tr("patient.sign.visit", session=2))).to_be_visible()
    assert _readable(patient) == []
    assert patient.draw() > 500
    patient.sign(NAME.upper(), shot=False)
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()
    assert patient.axe_findings == {}

    records = _records(app_server)
    visits = [c for c in records if c.is_visit]
    assert len(records) == 2 and len(visits) == 1
    visit = visits[0]
    assert visit.status.value == "submitted" and visit.decision == "consent"
    assert visit.visit_of is not None and str(visit.visit_of.consent_id) == course_id
    assert visit.visit_of.session == 2 and visit.visit_of.changed_since_last is False
    assert {a.item_id for a in visit.acknowledgements} == {i.id for _, i in items}
    assert visit.photo_consent is None and visit.course is None


def test_with_the_course_expired_the_full_flow_says_why(
    app_server, tablet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_doc_shots(monkeypatch)
    course_id = _course(app_server, dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
    pack = _pack()
    patient = Patient(tablet, app_server.url, tmp_path / "shots", "en")
    patient.start("English")
    patient.details(NAME, DOB.year, DOB.month, DOB.day)
    expect(tablet.get_by_text(patient.tr("patient.course.reconsent.expired"))).to_be_visible()
    expect(tablet.get_by_role("heading", name=pack.screening.title)).to_be_visible()
    total = len(flow.steps_for(pack))
    expect(tablet.get_by_text(patient.tr("patient.progress", n=3, total=total))).to_be_visible()
    patient.shot("patient-reconsent-expired-en")
    # The full flow's screens are walked elsewhere (test_accessibility): this draft goes on
    # through the services to the sign screen, where the patient signs with a finger.
    token = parse_qs(urlparse(tablet.url).query)[RESUME][0]
    walked(app_server, token, "sign", photos=False)
    resume(patient, token)
    assert patient.draw() > 500
    patient.sign(NAME, shot=False)
    expect(tablet.get_by_role("heading", name=patient.tr("patient.thanks.title"))).to_be_visible()

    again = next(c for c in _records(app_server) if str(c.id) != course_id)
    assert again.kind == "consent" and again.course is not None
    assert again.replaces is not None and str(again.replaces.consent_id) == course_id
    assert again.replaces.reason.value == "expired"
    assert len(again.acknowledgements) == len(pack.item_ids())
