"""AppTest for every staff page: sign in through the form, then use the page as staff would.

The app runs with its real context (SQLite in the test's data directory, the system clock);
consents are made through the same service functions the patient's screens use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from page_helpers import (
    add_staff,
    assert_no_exception,
    attested,
    click,
    fresh_app,
    open_address,
    patient,
    ready_to_file,
    sign_in,
    signed_in,
    stop_question,
    stored,
    texts,
)
from staff_helpers import PASSWORD

from accounts.staff import Role
from forms.meanings import ATTESTATION_STATEMENT
from forms.records import Status
from services import admin
from services import staff as staff_svc


# --- signed out: the kiosk ----------------------------------------------------------------------
def test_signed_out_tablet_shows_the_patient_flow_and_no_menu(app_ctx):
    at = fresh_app()
    assert_no_exception(at)
    assert not at.sidebar.children or not any(
        "queue" in str(c).lower() for c in at.sidebar.children.values()
    )
    assert "Staff sign-in" not in texts(at)


@pytest.mark.parametrize("address", ["queue", "verify", "review", "filing", "users", "audit"])
def test_a_staff_address_without_sign_in_shows_only_the_sign_in_form(app_ctx, address):
    add_staff(app_ctx, Role.ADMIN)
    at = open_address(fresh_app(), address)
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Staff sign-in"]
    assert [w.label for w in at.text_input] == ["Username", "Password"]
    assert "Today's queue" not in texts(at) and "Staff accounts" not in texts(at)


def test_first_run_tells_how_to_create_the_first_admin(app_ctx):
    at = open_address(fresh_app(), "staff")
    assert "No staff account exists yet" in texts(at)
    assert "python cli.py add-user NAME --role admin" in texts(at)


def test_wrong_password_and_locked_account_messages(app_ctx):
    add_staff(app_ctx, Role.NURSE)
    at = open_address(fresh_app(), "staff")
    sign_in(at, "nina", "not the password")
    assert "Wrong username or password. 4 more wrong tries" in texts(at)
    for _ in range(4):
        sign_in(at, "nina", "not the password")
    assert "locked for 15 minutes" in texts(at)
    sign_in(at, "nina", PASSWORD)
    assert "This account is locked" in texts(at)
    assert [t.value for t in at.title] == ["Staff sign-in"]


def test_disabled_account_message(app_ctx):
    add_staff(app_ctx, Role.NURSE)
    admin.set_disabled(app_ctx, None, "nina", True, via_cli=True)
    at = open_address(fresh_app(), "staff")
    sign_in(at, "nina")
    assert "This account is disabled" in texts(at)


def test_sign_in_through_the_form_opens_the_roles_home_with_its_menu(app_ctx):
    at = signed_in(app_ctx, Role.NURSE)
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Today's queue"]
    assert "Nina Nurse" in "\n".join(str(m.value) for m in at.sidebar.markdown)
    # A page of another role is not registered for a nurse, so it cannot be opened.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/staff_admin_users.py")


def test_idle_session_is_signed_out_on_the_next_run(app_ctx):
    at = signed_in(app_ctx, Role.NURSE)
    session = at.session_state["staff_session"]
    at.session_state["staff_session"] = dataclasses.replace(
        session, last_seen=session.last_seen - dt.timedelta(minutes=16)
    )
    at.run()
    assert [t.value for t in at.title] == ["Staff sign-in"]
    assert "signed out after 15 minutes without activity" in texts(at)
    with app_ctx.database.uow() as uow:
        assert [e.new for e in uow.audit.query(action="user.signed_out")] == [{"reason": "idle"}]


def test_sign_out_page_ends_the_session(app_ctx):
    at = signed_in(app_ctx, Role.FRONT_DESK)
    at.switch_page("app_pages/staff_sign_out.py").run()
    assert [t.value for t in at.title] == ["Staff sign-in"]
    assert "You are signed out." in texts(at)
    assert "staff_session" not in at.session_state


# --- nurse --------------------------------------------------------------------------------------
def test_queue_shows_flags_and_opens_the_verification(app_ctx):
    c = patient(app_ctx, answers={stop_question(app_ctx): "yes"})
    at = signed_in(app_ctx, Role.NURSE)
    body = texts(at)
    assert "Maria Testperson" in body and "Stop flags: 1" in body and "min since signing" in body
    at.radio(key="queue_filter").set_value("staff.queue.filter.filed").run()
    assert "Maria Testperson" not in texts(at)
    at.radio(key="queue_filter").set_value("staff.queue.filter.to_verify").run()
    assert "Maria Testperson" in texts(at)
    click(at, "Open")
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Verify and time-out"]
    body = texts(at)
    assert "STOP: a clinician must clear this" in body
    assert "A stop flag is open" in body
    n = len(app_ctx.active_pack("en").item_ids())
    assert f"Items acknowledged: **{n} of {n}**" in body
    assert ":red-badge[STOP]" in body  # the answer list marks the flagged answer
    assert stored(app_ctx, c.id).status is Status.SUBMITTED


def _users(ctx):
    with ctx.database.uow() as uow:
        return uow.users.list()


def test_nurse_verifies_with_password_then_records_the_timeout(app_ctx):
    add_staff(app_ctx, Role.CLINICIAN)
    c = patient(app_ctx)
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page("app_pages/staff_verify.py").run()
    pack = app_ctx.active_pack("en")
    # One item left unanswered: refused, nothing stored.
    for item in pack.nurse_checklist[1:]:
        at.radio(key=f"chk-{c.id}-{item.id}").set_value("yes")
    at.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(at, "Verify and sign")
    assert "Answer every checklist item first" in texts(at)
    assert stored(app_ctx, c.id).status is Status.SUBMITTED
    at.radio(key=f"chk-{c.id}-{pack.nurse_checklist[0].id}").set_value("na")
    at.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(at, "Verify and sign")
    assert "why each N/A does not apply" in texts(at)  # N/A needs its reason
    assert stored(app_ctx, c.id).status is Status.SUBMITTED
    at.text_input(key=f"note-{c.id}-{pack.nurse_checklist[0].id}").input("known to the team")
    at.checkbox(key=f"witnessed-{c.id}").check()  # she was there when the patient signed
    at.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(at, "Verify and sign")
    assert_no_exception(at)
    assert "Verified and signed" in texts(at)
    assert "Verified by Nina Nurse" in texts(at)
    assert "Nina Nurse said at verification" in texts(at)
    assert stored(app_ctx, c.id).status is Status.VERIFIED
    assert stored(app_ctx, c.id).witness.where == "verification"
    for item in pack.timeout:
        at.checkbox(key=f"to-{c.id}-{item.id}").check()
    present = at.multiselect(key=f"to-present-{c.id}")
    doctor = next(u.id for u in _users(app_ctx) if u.username == "carl")
    assert doctor in present.value  # the planned clinician is offered as present
    present.set_value([i for i in present.value if i != doctor])
    click(at, "Record time-out now")  # only the nurse named, no side chosen: refused
    assert "at least a nurse and a clinician" in texts(at)
    assert stored(app_ctx, c.id).timeout is None
    at.multiselect(key=f"to-present-{c.id}").set_value([*present.value, doctor])
    click(at, "Record time-out now")
    assert "Choose the side the team confirmed aloud." in texts(at)
    at.text_area(key=f"to-others-{c.id}").input("Sam Student")
    at.selectbox(key=f"to-side-{c.id}").set_value(c.site)
    click(at, "Record time-out now")
    assert "Time-out recorded." in texts(at)
    to = stored(app_ctx, c.id).timeout
    assert [p.name for p in to.participants] == ["Nina Nurse", "Dr. Carl Clinician", "Sam Student"]
    assert to.side == c.site


def test_wrong_password_at_verification_shows_a_message_and_signs_nothing(app_ctx):
    c = patient(app_ctx)
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page("app_pages/staff_verify.py").run()
    for item in app_ctx.active_pack("en").nurse_checklist:
        at.radio(key=f"chk-{c.id}-{item.id}").set_value("yes")
    at.text_input(key=f"verify-pw-{c.id}").input("wrong password")
    click(at, "Verify and sign")
    assert "nothing was signed" in texts(at)
    assert stored(app_ctx, c.id).nurse_verification is None


def test_conflict_shows_who_changed_it(app_ctx):
    c = patient(app_ctx)
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page("app_pages/staff_verify.py").run()
    # Another nurse verifies the same consent while this page is open.
    add_staff(app_ctx, Role.NURSE, username="olga", name="Olga Other")
    from services import auth

    olga = auth.sign_in(app_ctx, "olga", PASSWORD)
    answers = {i.id: ("yes", "") for i in app_ctx.active_pack("en").nurse_checklist}
    staff_svc.verify(
        app_ctx, olga, c.id, answers=answers, password=PASSWORD, expected_version=c.version
    )
    for item in app_ctx.active_pack("en").nurse_checklist:
        at.radio(key=f"chk-{c.id}-{item.id}").set_value("yes")
    at.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(at, "Verify and sign")
    assert "Changed by Olga Other at" in texts(at)
    assert "Reload to see the latest." in texts(at)
    assert stored(app_ctx, c.id).nurse_verification.nurse_name == "Olga Other"
    click(at, "Reload")
    assert "Verified by Olga Other" in texts(at)


# --- clinician ----------------------------------------------------------------------------------
def test_clinician_clears_a_flag_and_attests_with_password(app_ctx):
    c = patient(app_ctx, answers={stop_question(app_ctx): "yes"})
    at = signed_in(app_ctx, Role.CLINICIAN, roles=[Role.CLINICIAN, Role.NURSE])
    at.switch_page("app_pages/staff_clinician.py").run()
    assert_no_exception(at)
    assert "Maria Testperson" in texts(at)
    at.radio[0].set_value("cleared")
    next(w for w in at.text_input if w.label == "Note (required)").input("Checked: not relevant")
    click(at, "Save decision")
    assert "Decision saved." in texts(at)
    assert stored(app_ctx, c.id).open_stop_flags() == []
    # The same person also holds the nurse role here; verify through the service for brevity.
    nurse = at.session_state["staff_session"]
    answers = {i.id: ("yes", "") for i in app_ctx.active_pack("en").nurse_checklist}
    staff_svc.verify(
        app_ctx,
        nurse,
        c.id,
        answers=answers,
        password=PASSWORD,
        expected_version=stored(app_ctx, c.id).version,
    )
    click(at, "Reload")  # the page keeps the version it showed until Reload (no silent change)
    assert ATTESTATION_STATEMENT in texts(at)
    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Attest and sign")
    assert_no_exception(at)
    assert "Attested and signed" in texts(at)
    assert stored(app_ctx, c.id).status is Status.ATTESTED


def test_clinician_hold_and_entered_in_error(app_ctx):
    c = patient(app_ctx, answers={stop_question(app_ctx): "yes"})
    at = signed_in(app_ctx, Role.CLINICIAN)
    at.switch_page("app_pages/staff_clinician.py").run()
    next(w for w in at.text_input if w.label == "Reason for the hold").input("Waiting for scan")
    click(at, "Put on hold")
    assert "Put on hold." in texts(at)
    assert stored(app_ctx, c.id).on_hold == "Waiting for scan"
    click(at, "Mark entered in error")
    assert "Give a reason" in texts(at)
    next(w for w in at.text_input if w.label.startswith("Why is this consent")).input("Duplicate")
    click(at, "Mark entered in error")
    assert stored(app_ctx, c.id).status is Status.ENTERED_IN_ERROR


# --- front desk ---------------------------------------------------------------------------------
def test_filing_downloads_the_checked_pdf_files_it_and_prints_the_patient_copy(app_ctx):
    c = ready_to_file(app_ctx)
    at = signed_in(app_ctx, Role.FRONT_DESK)
    assert [t.value for t in at.title] == ["Filing"]
    assert "1 consent(s) waiting to be filed" in texts(at)
    click(at, "Get the sealed PDF")
    assert_no_exception(at)
    assert "Checked before serving" in texts(at)
    assert [b.label for b in at.get("download_button")] == ["Download PDF (final)"]
    click(at, "Make the patient's copy")
    assert "Download patient copy (aftercare and warning signs)" in [
        b.label for b in at.get("download_button")
    ]
    click(at, "Mark filed")
    assert "Enter the chart reference" in texts(at)
    next(w for w in at.text_input if w.label == "Chart reference").input("EHR-77")
    click(at, "Mark filed")
    assert "Maria Testperson: filed under EHR-77." in texts(at)
    assert stored(app_ctx, c.id).status is Status.FILED
    assert "Nothing waiting to be filed." in texts(at)
    with app_ctx.database.uow() as uow:
        assert [e.new["served"] for e in uow.audit.query(action="document.downloaded")] == [True]


def test_search_finds_by_name_and_opens_the_consent(app_ctx):
    patient(app_ctx)
    at = signed_in(app_ctx, Role.FRONT_DESK)
    at.switch_page("app_pages/staff_search.py").run()
    click(at, "Search")
    assert "Enter a name, a date of birth or a date" in texts(at)
    next(w for w in at.text_input if w.label.startswith("Patient name")).input("testperson")
    click(at, "Search")
    assert_no_exception(at)
    assert "**Maria Testperson** · Born 1971-04-05" in texts(at)  # one card a result
    assert "Get the sealed PDF" in [b.label for b in at.button]


def test_day_export_page_builds_the_zip(app_ctx):
    patient(app_ctx)
    at = signed_in(app_ctx, Role.FRONT_DESK)
    at.switch_page("app_pages/staff_export.py").run()
    click(at, "Build the export")
    assert_no_exception(at)
    assert "ready: 1 PDF(s)" in texts(at)
    assert [b.label for b in at.get("download_button")] == ["Download ZIP"]


def test_handoff_prefills_signs_staff_out_and_opens_the_patient_flow(app_ctx):
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page("app_pages/staff_handoff.py").run()
    next(w for w in at.text_input if w.label.startswith("Patient's full legal name")).input(
        "Alex Demoson"
    )
    click(at, "Start and hand over")
    assert "date of birth" in texts(at)  # a name alone is not two identifiers
    assert "staff_session" in at.session_state
    next(w for w in at.date_input if w.label == "Date of birth").set_value(dt.date(1980, 1, 2))
    click(at, "Start and hand over")
    assert_no_exception(at)
    assert "staff_session" not in at.session_state
    token = at.query_params.get("resume")
    assert token
    from services import drafts

    assert drafts.load_draft(app_ctx, token).legal_name == "Alex Demoson"
    assert "Alex Demoson" not in str(at.query_params)


# --- admin --------------------------------------------------------------------------------------
def test_admin_adds_disables_and_resets_accounts(app_ctx):
    at = signed_in(app_ctx, Role.ADMIN)
    assert [t.value for t in at.title] == ["Staff accounts"]
    next(w for w in at.text_input if w.label == "Username").input("newbie")
    next(w for w in at.text_input if w.label == "Name").input("New Nurse")
    at.multiselect[0].set_value([Role.NURSE])
    next(w for w in at.text_input if w.label.startswith("First password")).input("short")
    click(at, "Add account")
    assert "at least 10 characters" in texts(at)
    next(w for w in at.text_input if w.label == "Username").input("newbie")
    next(w for w in at.text_input if w.label == "Name").input("New Nurse")
    at.multiselect[0].set_value([Role.NURSE])
    next(w for w in at.text_input if w.label.startswith("First password")).input(PASSWORD)
    click(at, "Add account")
    assert "Account newbie added." in texts(at)
    assert "newbie" in list(at.dataframe[0].value["Username"])
    newbie = next(
        u
        for u in admin.list_users(app_ctx, at.session_state["staff_session"])
        if u.username == "newbie"
    )
    at.selectbox[0].set_value(newbie.id).run()
    click(at, "Disable")
    assert "newbie disabled." in texts(at)
    with app_ctx.database.uow() as uow:
        assert uow.users.by_username("newbie").disabled
    # The last active admin cannot be disabled.
    at.selectbox[0].set_value(at.session_state["staff_session"].id).run()
    click(at, "Disable")
    assert "Keep at least one active administrator" in texts(at)


def test_admin_packs_audit_and_settings_pages(app_ctx):
    patient(app_ctx)
    at = signed_in(app_ctx, Role.ADMIN)
    at.switch_page("app_pages/staff_admin_packs.py").run()
    assert_no_exception(at)
    packs = at.dataframe[0].value
    assert "1.0.0" in list(packs["Version"]) and "active" in list(packs["Active"])
    assert any(str(v).startswith("grade") for v in packs["Reading level (hardest section)"])
    at.switch_page("app_pages/staff_admin_audit.py").run()
    assert_no_exception(at)
    assert "Hash chain intact" in texts(at)
    actions = list(at.dataframe[0].value["Action"])
    assert "consent.submitted" in actions and "user.signed_in" in actions
    assert [b.label for b in at.get("download_button")] == ["Download CSV"]
    at.switch_page("app_pages/staff_admin_settings.py").run()
    settings = dict(at.dataframe[0].value.values.tolist())
    assert settings["encryption_key"] == "not set"
    assert settings["clinic_name"] == app_ctx.settings.clinic_name


def test_a_tampered_pdf_is_not_offered_for_download(app_ctx):
    from sqlalchemy import text

    c = attested(app_ctx)
    with app_ctx.database.engine.begin() as conn:
        for doc_id, blob in conn.execute(
            text("SELECT id, blob FROM documents WHERE consent_id = :c"), {"c": str(c.id)}
        ).all():
            middle = len(blob) // 2
            changed = blob[:middle] + bytes([blob[middle] ^ 0x01]) + blob[middle + 1 :]
            conn.execute(
                text("UPDATE documents SET blob = :b WHERE id = :i"), {"b": changed, "i": doc_id}
            )
    at = signed_in(app_ctx, Role.FRONT_DESK)
    click(at, "Get the sealed PDF")
    assert_no_exception(at)
    assert not list(at.get("download_button"))
    assert "may have been altered" in " ".join(str(e.value) for e in at.error)
    with app_ctx.database.uow() as uow:
        [event] = uow.audit.query(action="document.downloaded")
    assert event.new["served"] is False


def test_clinician_completes_the_plan_answers_the_question_then_attests(app_ctx):
    section = app_ctx.active_pack("en").sections[0].id
    c = patient(app_ctx, plan=False, questions={section: "Can I drive home?"})
    at = signed_in(app_ctx, Role.CLINICIAN, roles=[Role.CLINICIAN, Role.NURSE])
    nurse = at.session_state["staff_session"]
    answers = {i.id: ("yes", "") for i in app_ctx.active_pack("en").nurse_checklist}
    staff_svc.verify(
        app_ctx, nurse, c.id, answers=answers, password=PASSWORD, expected_version=c.version
    )
    at.switch_page("app_pages/staff_clinician.py").run()
    assert_no_exception(at)
    page = texts(at)
    assert "Can I drive home?" in page and "Treatment plan (printed on page 1)" in page
    assert "Still missing before attesting: the treating clinician; the sclerosant" in page
    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Attest and sign")
    assert "Record the treatment plan before attesting" in texts(at)
    assert stored(app_ctx, c.id).status is Status.VERIFIED
    next(w for w in at.selectbox if w.label == "Sclerosant and strength").set_value(
        "polidocanol 1%"
    )
    next(w for w in at.radio if w.label == "Liquid or foam").set_value("foam")
    next(w for w in at.date_input if w.label == "Appointment date").set_value(dt.date(2026, 11, 23))
    click(at, "Save the plan")
    assert "Treatment plan saved." in texts(at)
    plan = stored(app_ctx, c.id).treatment
    assert (plan.clinician_name, plan.agent, plan.form) == (
        "Dr. Carl Clinician",
        "polidocanol",
        "foam",
    )
    next(w for w in at.text_area if w.label.startswith("Your answer")).input("Yes, after an hour.")
    click(at, "Save the answer")
    assert "Answer saved" in texts(at)
    assert "Answered by Dr. Carl Clinician" in texts(at)
    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Attest and sign")
    assert_no_exception(at)
    assert "Attested and signed" in texts(at)
    assert stored(app_ctx, c.id).questions[0].answer.text == "Yes, after an hour."


def test_a_refusal_is_countersigned_on_the_review_page_before_the_desk_can_file_it(app_ctx):
    c = patient(app_ctx, decision="decline")
    add_staff(app_ctx, Role.FRONT_DESK)
    desk = fresh_app()
    open_address(desk, "staff")
    sign_in(desk, "fran")
    assert "A clinician must countersign this refusal before it is filed." in texts(desk)
    assert next(b for b in desk.button if b.label == "Mark filed").disabled
    at = signed_in(app_ctx, Role.CLINICIAN)
    at.switch_page("app_pages/staff_clinician.py").run()
    assert_no_exception(at)
    assert "Countersign the refusal" in texts(at)
    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Countersign the refusal")
    assert_no_exception(at)
    assert "Refusal countersigned" in texts(at)
    assert stored(app_ctx, c.id).attestation.refusal
    desk = fresh_app()  # the desk opens it again
    open_address(desk, "staff")
    sign_in(desk, "fran")
    assert "A clinician must countersign" not in texts(desk)
    assert not next(b for b in desk.button if b.label == "Mark filed").disabled
