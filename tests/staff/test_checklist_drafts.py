"""The nurse's unsaved checklist answers are kept as a draft (issue #18): answers given on one
AppTest session are there in a NEW session on the same database (another server, a reload),
with whose they are; submitting clears the draft in its own transaction; the PDF prints only
what was submitted; with a key the stored row holds no clear text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from page_helpers import (
    add_staff,
    assert_no_exception,
    attested,
    click,
    fresh_app,
    open_address,
    patient,
    sign_in,
    signed_in,
    stored,
    texts,
)
from pypdf import PdfReader
from sqlalchemy import select
from staff_helpers import PASSWORD

from accounts.staff import Role
from services import auth, checklist_drafts, documents
from services import staff as staff_svc
from services.clock import FixedClock
from services.context import build_context
from settings import get_settings
from store.crypto import generate_key, is_sealed_json
from store.tables import checklist_drafts as table

VERIFY = "app_pages/staff_verify.py"
SIGN_OUT = "app_pages/staff_procedure_sign_out.py"
NOTE = "Latex allergy told by her daughter Zebulon"  # only ever in a draft


def _session(ctx, username: str, page: str):
    """A new browser session (another server, or a reload): sign in, open ``page``."""
    at = sign_in(open_address(fresh_app(), "staff"), username)
    at.switch_page(page).run()
    assert_no_exception(at)
    return at


def _rows(ctx) -> list:
    with ctx.database.engine.connect() as conn:
        return conn.execute(select(table.c.checklist, table.c.answers)).all()


def _pdf_text(ctx, consent_id) -> str:
    with ctx.database.uow() as uow:
        pdf = documents.document_of_record(ctx, uow, consent_id).pdf
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_checklist_answers_are_there_in_a_new_session_and_signing_clears_them(app_ctx):
    c = patient(app_ctx)
    items = app_ctx.active_pack("en").nurse_checklist
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page(VERIFY).run()
    for item in items[:3]:
        at.radio(key=f"chk-{c.id}-{item.id}").set_value("yes")
    at.radio(key=f"chk-{c.id}-{items[3].id}").set_value("na")
    at.text_input(key=f"note-{c.id}-{items[3].id}").input(NOTE)
    at.run()
    assert_no_exception(at)

    again = _session(app_ctx, "nina", VERIFY)
    assert [again.radio(key=f"chk-{c.id}-{i.id}").value for i in items[:4]] == [
        "yes",
        "yes",
        "yes",
        "na",
    ]
    assert again.radio(key=f"chk-{c.id}-{items[4].id}").value is None
    assert again.text_input(key=f"note-{c.id}-{items[3].id}").value == NOTE
    assert "Your answers so far were kept" in texts(again)

    # A refused signature keeps the draft; a signed one clears it with the verification.
    for item in items[4:]:
        again.radio(key=f"chk-{c.id}-{item.id}").set_value("yes")
    again.text_input(key=f"verify-pw-{c.id}").input("wrong password")
    click(again, "Verify and sign")
    assert "nothing was signed" in texts(again)
    assert [r.checklist for r in _rows(app_ctx)] == ["verify"]
    again.text_input(key=f"note-{c.id}-{items[3].id}").input("Known to the team")
    again.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(again, "Verify and sign")
    assert_no_exception(again)
    assert "Verified and signed" in texts(again)
    done = stored(app_ctx, c.id).nurse_verification
    assert {a.item_id: a.answer for a in done.answers} == {
        i.id: "na" if i is items[3] else "yes" for i in items
    }
    assert _rows(app_ctx) == []


def test_another_nurse_sees_whose_answers_they_are(app_ctx):
    c = patient(app_ctx)
    first = app_ctx.active_pack("en").nurse_checklist[0]
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page(VERIFY).run()
    at.radio(key=f"chk-{c.id}-{first.id}").set_value("yes").run()
    add_staff(app_ctx, Role.NURSE, username="olga", name="Olga Other")

    olga = _session(app_ctx, "olga", VERIFY)
    assert olga.radio(key=f"chk-{c.id}-{first.id}").value == "yes"
    warned = [w.value for w in olga.warning]
    assert any("Nina Nurse gave the answers so far" in w for w in warned), warned
    assert any("check each one before you sign" in w for w in warned)


def test_time_out_answers_survive_and_the_pdf_prints_only_what_was_submitted(app_ctx):
    c = patient(app_ctx)
    pack = app_ctx.active_pack("en")
    add_staff(app_ctx, Role.CLINICIAN)
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page(VERIFY).run()
    # A draft note never signed: the nurse signs the same item Yes, with no note.
    first = pack.nurse_checklist[0]
    at.radio(key=f"chk-{c.id}-{first.id}").set_value("na")
    at.text_input(key=f"note-{c.id}-{first.id}").input(NOTE).run()
    for item in pack.nurse_checklist:
        at.radio(key=f"chk-{c.id}-{item.id}").set_value("yes")
    at.text_input(key=f"note-{c.id}-{first.id}").input("")
    at.text_input(key=f"verify-pw-{c.id}").input(PASSWORD)
    click(at, "Verify and sign")
    assert "Verified and signed" in texts(at)

    at.checkbox(key=f"to-{c.id}-{pack.timeout[0].id}").check()
    at.text_area(key=f"to-others-{c.id}").input("Zebulon Draftperson")
    at.selectbox(key=f"to-side-{c.id}").set_value(c.site).run()
    present = at.multiselect(key=f"to-present-{c.id}").value
    again = _session(app_ctx, "nina", VERIFY)
    assert again.checkbox(key=f"to-{c.id}-{pack.timeout[0].id}").value is True
    assert again.checkbox(key=f"to-{c.id}-{pack.timeout[1].id}").value is False
    assert again.text_area(key=f"to-others-{c.id}").value == "Zebulon Draftperson"
    assert again.selectbox(key=f"to-side-{c.id}").value == c.site
    assert again.multiselect(key=f"to-present-{c.id}").value == present and len(present) == 2

    # The clinician attests while the time-out is still a draft: a new final PDF, without it.
    carl = auth.sign_in(app_ctx, "carl", PASSWORD)
    now = stored(app_ctx, c.id)
    staff_svc.attest(app_ctx, carl, c.id, password=PASSWORD, expected_version=now.version)
    text = _pdf_text(app_ctx, c.id)
    assert "Nina Nurse" in text  # the verification that was signed
    assert "Zebulon" not in text and "Daughter" not in text and "daughter" not in text

    click(again, "Reload")  # the page was open before the attestation
    assert again.text_area(key=f"to-others-{c.id}").value == "Zebulon Draftperson"
    for item in pack.timeout[1:]:
        again.checkbox(key=f"to-{c.id}-{item.id}").check()
    click(again, "Record time-out now")
    assert "Time-out recorded." in texts(again)
    assert _rows(app_ctx) == []
    assert "Zebulon Draftperson" in _pdf_text(app_ctx, c.id)  # submitted: now the record


def test_sign_out_fields_survive_a_new_session_and_saving_clears_them(app_ctx):
    c = attested(app_ctx)
    today = app_ctx.clock.now().astimezone(app_ctx.settings.tz).date()
    at = signed_in(app_ctx, Role.NURSE)
    at.switch_page(SIGN_OUT).run()
    k = f"so-{c.id}-{c.version}"
    at.radio(key=f"{k}-form").set_value("foam")
    at.text_input(key=f"{k}-ratio").input("1:4")
    at.number_input(key=f"{k}-vol-left").set_value(4.5)
    at.text_input(key=f"{k}-lot").input("PD-24117")
    at.date_input(key=f"{k}-expiry").set_value(today + dt.timedelta(days=300))
    at.text_area(key=f"{k}-areas").input(NOTE).run()
    assert_no_exception(at)

    again = _session(app_ctx, "nina", SIGN_OUT)
    assert again.radio(key=f"{k}-form").value == "foam"
    assert again.text_input(key=f"{k}-ratio").value == "1:4"
    assert again.number_input(key=f"{k}-vol-left").value == 4.5
    assert again.date_input(key=f"{k}-expiry").value == today + dt.timedelta(days=300)
    assert again.text_area(key=f"{k}-areas").value == NOTE
    assert again.selectbox(key=f"{k}-agent").value == "polidocanol 1%"  # the plan, as before
    assert [r.checklist for r in _rows(app_ctx)] == ["sign_out"]
    click(again, "Save the sign-out")
    assert_no_exception(again)
    assert "Sign-out saved." in texts(again)
    assert stored(app_ctx, c.id).sign_out.entry.areas == NOTE
    assert _rows(app_ctx) == []


@pytest.fixture
def keyed_ctx(clock: FixedClock, prepared_data_dir, monkeypatch):
    monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", generate_key())
    ctx = build_context(get_settings(), clock=clock)
    yield ctx
    ctx.database.dispose()


def test_with_a_key_the_stored_draft_holds_no_clear_personal_text(keyed_ctx):
    c = patient(keyed_ctx)
    add_staff(keyed_ctx, Role.NURSE)
    nina = auth.sign_in(keyed_ctx, "nina", PASSWORD)
    answers = {"nc.allergies.answer": "na", "nc.allergies.note": NOTE}
    checklist_drafts.save(keyed_ctx, nina, c.id, checklist_drafts.VERIFY, answers)
    ((_, raw),) = _rows(keyed_ctx)
    assert is_sealed_json(raw) and "Zebulon" not in str(raw) and "Latex" not in str(raw)
    kept = checklist_drafts.load(keyed_ctx, c.id, checklist_drafts.VERIFY)
    assert kept is not None and kept.answers == answers and kept.by(nina)
    # A clinic day later it is no longer offered.
    keyed_ctx.clock.current = keyed_ctx.clock.now() + checklist_drafts.KEPT_FOR
    assert checklist_drafts.load(keyed_ctx, c.id, checklist_drafts.VERIFY) is None
    with keyed_ctx.database.uow() as uow:  # what the nightly purge-drafts job runs
        assert checklist_drafts.purge_in(uow, keyed_ctx.clock.now()) == 1
        uow.commit()
