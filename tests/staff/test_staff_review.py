"""What the hands-on review of the staff screens found, as AppTests of what staff see.

- Opening a consent from the queue that the next page does not list (filed, refused) must not
  show another patient's record in its place; after an action that takes a consent off a list,
  the page does not jump to the next patient; confirmations name the patient.
- A checklist or time-out left incomplete lists what is missing, one item a line.
- A patient's note for the doctor is shown as typed (no Markdown image from a remote address).
- Names, not codes: the patient's language, the answers.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from page_helpers import (
    add_staff,
    assert_no_exception,
    click,
    patient,
    ready_to_file,
    signed_in,
    stop_question,
    stored,
    texts,
)
from staff_helpers import PASSWORD, time_out

from accounts.staff import Role
from errors import DomainError
from forms.records import Status
from services import auth
from services import staff as staff_svc


def _filed(ctx):
    c = ready_to_file(ctx)
    add_staff(ctx, Role.FRONT_DESK, username="desk2")
    desk = auth.sign_in(ctx, "desk2", PASSWORD)
    staff_svc.file_consent(ctx, desk, c.id, chart_reference="EHR-1", expected_version=c.version)
    return c


def test_opening_a_filed_consent_from_the_queue_never_shows_another_patient(app_ctx):
    filed = _filed(app_ctx)  # "Maria Testperson", born 1971-04-05, now filed
    waiting = patient(app_ctx, legal_name="Olga Otherpatient", date_of_birth=dt.date(1974, 3, 26))
    at = signed_in(app_ctx, Role.NURSE)
    at.button(key=f"open-{filed.id}").click().run()
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Verify and time-out"]
    body = texts(at)
    assert "Maria Testperson (born 1971-04-05) is not on this list" in body
    # Nobody else's record stands in for it: no header, no checklist, no flags.
    assert "Olga Otherpatient" not in body
    assert "Pre-procedure checklist" not in body
    assert at.selectbox(key="verify_pick").value is None
    # Choosing a patient opens that one.
    at.selectbox(key="verify_pick").set_value(str(waiting.id)).run()
    assert "### Olga Otherpatient" in texts(at)
    assert "Pre-procedure checklist" in texts(at)


def test_after_filing_the_page_names_who_was_filed_and_does_not_jump_to_the_next(app_ctx):
    first = ready_to_file(app_ctx)
    add_staff(app_ctx, Role.NURSE, username="nurse3")
    add_staff(app_ctx, Role.CLINICIAN, username="doc3")
    second = patient(app_ctx, legal_name="Zoe Nextpatient", date_of_birth=dt.date(1997, 7, 12))
    pack = app_ctx.active_pack("en")
    nurse, doc = auth.sign_in(app_ctx, "nurse3", PASSWORD), auth.sign_in(app_ctx, "doc3", PASSWORD)
    c = staff_svc.verify(
        app_ctx,
        nurse,
        second.id,
        answers={i.id: ("yes", "") for i in pack.nurse_checklist},
        password=PASSWORD,
        expected_version=second.version,
    )
    c = time_out(
        app_ctx, nurse, c.id, confirmed=[i.id for i in pack.timeout], expected_version=c.version
    )
    staff_svc.attest(app_ctx, doc, c.id, password=PASSWORD, expected_version=c.version)

    at = signed_in(app_ctx, Role.FRONT_DESK)
    at.selectbox(key="filing_pick").set_value(str(first.id)).run()
    next(w for w in at.text_input if w.label == "Chart reference").input("EHR-9")
    click(at, "Mark filed")
    assert_no_exception(at)
    body = texts(at)
    assert "Maria Testperson: filed under EHR-9." in body
    assert stored(app_ctx, first.id).status is Status.FILED
    assert "### Zoe Nextpatient" not in body  # the next patient waits to be chosen
    assert at.selectbox(key="filing_pick").value is None


def test_clinician_confirmation_names_the_patient(app_ctx):
    c = patient(app_ctx)
    add_staff(app_ctx, Role.NURSE, username="nurse4")
    nurse = auth.sign_in(app_ctx, "nurse4", PASSWORD)
    staff_svc.verify(
        app_ctx,
        nurse,
        c.id,
        answers={i.id: ("yes", "") for i in app_ctx.active_pack("en").nurse_checklist},
        password=PASSWORD,
        expected_version=c.version,
    )
    at = signed_in(app_ctx, Role.CLINICIAN)
    at.switch_page("app_pages/staff_clinician.py").run()
    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Attest and sign")
    assert_no_exception(at)
    assert "Maria Testperson (born 1971-04-05): Attested and signed." in texts(at)


def test_an_incomplete_checklist_lists_each_missing_item_on_its_own_line(app_ctx):
    c = patient(app_ctx)
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page("app_pages/staff_verify.py").run()
    pack = app_ctx.active_pack("en")
    for item in pack.nurse_checklist[2:]:
        at.radio(key=f"chk-{c.id}-{item.id}").set_value("yes")
    at.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(at, "Verify and sign")
    [error] = [str(e.value) for e in at.error]
    lines = error.splitlines()
    assert lines[0] == "Answer every checklist item first. Not answered (2):"
    assert len(lines) == 3 and all(line.startswith("- ") for line in lines[1:])
    assert pack.nurse_checklist[0].text.split(" (")[0] in lines[1].replace("\\", "")
    assert stored(app_ctx, c.id).status is Status.SUBMITTED
    # The answers are kept, and the last two complete it.
    for item in pack.nurse_checklist[:2]:
        at.radio(key=f"chk-{c.id}-{item.id}").set_value("na")
        at.text_input(key=f"note-{c.id}-{item.id}").input("done at the pre-op visit")
    at.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(at, "Verify and sign")
    assert stored(app_ctx, c.id).status is Status.VERIFIED
    assert "Maria Testperson (born 1971-04-05): Verified and signed" in texts(at)
    # The time-out: nothing ticked lists every item.
    click(at, "Record time-out now")
    [error] = [str(e.value) for e in at.error]
    assert error.startswith(
        f"Confirm every time-out item aloud first. Not confirmed ({len(pack.timeout)}):"
    )
    assert error.count("\n- ") == len(pack.timeout)
    assert stored(app_ctx, c.id).timeout is None


def test_a_patients_note_is_shown_as_typed_not_as_markdown(app_ctx):
    section = app_ctx.active_pack("en").sections[0].id
    note = "![x](https://example.invalid/track.png) **urgent**"
    patient(app_ctx, questions={section: note})
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page("app_pages/staff_verify.py").run()
    shown = [str(m.value) for m in at.markdown if "track" in str(m.value)]
    assert shown, "the note is on the page"
    assert all("![x](" not in s and "**urgent**" not in s for s in shown)
    assert all(r"\!\[x\]\(https\:" in s for s in shown)


def test_header_names_the_language_and_the_queue_reads_plainly(app_ctx):
    section = app_ctx.active_pack("es").sections[0].id
    c = patient(app_ctx, language="es", questions={section: "¿Cuántas sesiones?"})
    at = signed_in(app_ctx, Role.NURSE)
    body = texts(at)
    assert "Questions for the doctor: 1" in body
    assert "(s)" not in body.replace("consent(s)", "")
    at.button(key=f"open-{c.id}").click().run()
    assert "Language: Español (es)" in texts(at)


def test_filing_is_not_offered_before_the_timeout(app_ctx):
    c = patient(app_ctx)
    add_staff(app_ctx, Role.NURSE, username="nurse5")
    add_staff(app_ctx, Role.CLINICIAN, username="doc5")
    nurse, doc = auth.sign_in(app_ctx, "nurse5", PASSWORD), auth.sign_in(app_ctx, "doc5", PASSWORD)
    c = staff_svc.verify(
        app_ctx,
        nurse,
        c.id,
        answers={i.id: ("yes", "") for i in app_ctx.active_pack("en").nurse_checklist},
        password=PASSWORD,
        expected_version=c.version,
    )
    staff_svc.attest(app_ctx, doc, c.id, password=PASSWORD, expected_version=c.version)
    at = signed_in(app_ctx, Role.FRONT_DESK)
    assert "The time-out has not been recorded yet. File after the procedure." in texts(at)
    [button] = [b for b in at.button if b.label == "Mark filed"]
    assert button.disabled


def test_a_clinician_opening_a_consent_without_flags_from_the_queue_sees_that_patient(app_ctx):
    patient(app_ctx, legal_name="Olga Flagged", answers={stop_question(app_ctx): "yes"})
    quiet = patient(app_ctx, legal_name="Quinn Quietson", date_of_birth=dt.date(1980, 2, 2))
    at = signed_in(app_ctx, Role.CLINICIAN)
    at.button(key=f"open-{quiet.id}").click().run()
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Clinician review"]
    body = texts(at)
    assert "### Quinn Quietson" in body
    assert "Olga Flagged" not in body
    assert "is not on this list" not in body


def test_a_no_on_the_nurse_checklist_cannot_be_verified_and_na_needs_a_reason(app_ctx):
    c = patient(app_ctx)
    add_staff(app_ctx, Role.NURSE, username="nurse6", name="Nell Nurse")
    nurse = auth.sign_in(app_ctx, "nurse6", PASSWORD)
    checklist = app_ctx.active_pack("en").nurse_checklist
    answers = {i.id: ("yes", "") for i in checklist}
    answers[checklist[3].id] = ("no", "latex allergy not asked")
    with pytest.raises(DomainError, match="Answered No:\n- " + re.escape(checklist[3].text)):
        staff_svc.verify(
            app_ctx, nurse, c.id, answers=answers, password=PASSWORD, expected_version=c.version
        )
    answers[checklist[3].id] = ("na", "  ")
    with pytest.raises(DomainError, match="why each N/A"):
        staff_svc.verify(
            app_ctx, nurse, c.id, answers=answers, password=PASSWORD, expected_version=c.version
        )
    assert stored(app_ctx, c.id).status is Status.SUBMITTED
    answers[checklist[3].id] = ("na", "allergy band checked by the clinician")
    staff_svc.verify(
        app_ctx, nurse, c.id, answers=answers, password=PASSWORD, expected_version=c.version
    )
    at = signed_in(app_ctx, Role.CLINICIAN)
    at.switch_page("app_pages/staff_clinician.py").run()
    assert_no_exception(at)
    [warning] = [str(w.value) for w in at.warning if "marked these checks N/A" in str(w.value)]
    assert warning.startswith(
        "Nell Nurse marked these checks N/A on the pre-procedure checklist (1):"
    )
    assert "allergy band checked by the clinician" in warning
    assert "Attest and sign" in [b.label for b in at.button]


def test_the_verify_page_lists_checks_answered_no(app_ctx):
    c = patient(app_ctx)
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page("app_pages/staff_verify.py").run()
    pack = app_ctx.active_pack("en")
    for item in pack.nurse_checklist:
        at.radio(key=f"chk-{c.id}-{item.id}").set_value("yes")
    at.radio(key=f"chk-{c.id}-{pack.nurse_checklist[8].id}").set_value("no")
    at.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(at, "Verify and sign")
    [error] = [str(e.value) for e in at.error]
    assert error.startswith("A check answered No stops the procedure")
    assert error.count("\n- ") == 1 and "Site marked" in error
    assert stored(app_ctx, c.id).status is Status.SUBMITTED


def test_audit_times_carry_the_clinic_time_zone(app_ctx):
    patient(app_ctx)
    at = signed_in(app_ctx, Role.ADMIN)
    at.switch_page("app_pages/staff_admin_audit.py").run()
    assert_no_exception(at)
    times = list(at.dataframe[0].value["Time"])
    assert times and all(
        re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]{2,5}", t) for t in times
    )
