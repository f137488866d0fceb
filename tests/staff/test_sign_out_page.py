"""AppTests of the Procedure sign-out page: a clinician enters foam over 10 mL, sees it block
signing, gives a reason and signs; a nurse's entry waits for the co-signature; bad input shows
words and stores nothing; once signed the page is read only."""

from __future__ import annotations

import datetime as dt

from page_helpers import assert_no_exception, attested, click, signed_in, stored, texts
from staff_helpers import PASSWORD

from accounts.staff import Role
from forms.sign_out import OBSERVED_AREAS

PAGE = "app_pages/staff_procedure_sign_out.py"
REASON = "Long tributaries both legs; agreed with the patient"


def _open(ctx, role: Role):
    at = signed_in(ctx, role)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Procedure sign-out"]
    return at


def _fill(at, consent, *, left: float = 6.0, ratio: str = "1:4", today: dt.date) -> None:
    """Every field, as a clinician at the bedside would (the agent comes from the plan)."""
    k = f"so-{consent.id}-{consent.version}"
    at.radio(key=f"{k}-form").set_value("foam")
    at.selectbox(key=f"{k}-gas").set_value("room_air")
    at.text_input(key=f"{k}-ratio").input(ratio)
    at.number_input(key=f"{k}-vol-left").set_value(left)
    if consent.site == "both_legs":
        at.number_input(key=f"{k}-vol-right").set_value(6.0)
    at.text_input(key=f"{k}-lot").input("PD-24117")
    at.date_input(key=f"{k}-expiry").set_value(today + dt.timedelta(days=300))
    at.text_area(key=f"{k}-areas").input("Great saphenous tributaries")
    at.selectbox(key=f"{k}-compression").set_value("class_2")
    at.number_input(key=f"{k}-days").set_value(7)
    at.number_input(key=f"{k}-minutes").set_value(15)
    for area in OBSERVED_AREAS:
        at.radio(key=f"{k}-obs-{area}").set_value("none")
    at.radio(key=f"{k}-adverse").set_value("none")
    at.checkbox(key=f"{k}-aftercare").check()
    at.date_input(key=f"{k}-next").set_value(today + dt.timedelta(days=28))


def _today(ctx) -> dt.date:
    return ctx.clock.now().astimezone(ctx.settings.tz).date()


def test_clinician_enters_foam_over_10_ml_justifies_and_signs(app_ctx):
    c = attested(app_ctx)
    at = _open(app_ctx, Role.CLINICIAN)
    assert "Maria Testperson" in texts(at)
    _fill(at, c, left=12.0, today=_today(app_ctx))
    click(at, "Save the sign-out")
    assert_no_exception(at)
    body = texts(at)
    assert "Sign-out saved." in body
    assert "Total: 12 mL (foam)" in body
    assert "foam over 10 mL in this session" in body
    assert not stored(app_ctx, c.id).sign_out.signed

    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Sign the sign-out")  # no reason given
    assert "give your reason for each, before signing: foam over 10 mL" in texts(at)
    assert not stored(app_ctx, c.id).sign_out.signed

    reason = next(w for w in at.text_area if w.label.startswith("Your reason: foam over 10 mL"))
    reason.input(REASON)
    next(w for w in at.text_input if w.label == "Your password").input(PASSWORD)
    click(at, "Sign the sign-out")
    assert_no_exception(at)
    body = texts(at)
    assert "Sign-out signed and sealed." in body
    assert f"Justified: foam over 10 mL in this session: {REASON}" in body
    assert "Signed by Dr. Carl Clinician" in body
    assert "Save the sign-out" not in [b.label for b in at.button]  # read only now
    kept = stored(app_ctx, c.id).sign_out
    assert kept.signed and kept.justifications == {"foam_over_max": REASON}


def test_a_nurse_entry_waits_for_the_clinician(app_ctx):
    c = attested(app_ctx)
    at = _open(app_ctx, Role.NURSE)
    _fill(at, c, left=4.0, today=_today(app_ctx))
    click(at, "Save the sign-out")
    assert_no_exception(at)
    body = texts(at)
    assert "Every field is filled in and nothing needs a reason." in body
    assert "waits for the clinician's co-signature" in body
    assert not [w for w in at.text_input if w.label == "Your password"]
    kept = stored(app_ctx, c.id).sign_out
    assert kept.entered_role == "nurse" and not kept.signed


def test_bad_input_shows_words_and_stores_nothing(app_ctx):
    c = attested(app_ctx)
    at = _open(app_ctx, Role.CLINICIAN)
    _fill(at, c, ratio="4", today=_today(app_ctx))
    click(at, "Save the sign-out")
    assert_no_exception(at)
    assert "ratio as two numbers with a colon, e.g. 1:4" in texts(at)
    assert stored(app_ctx, c.id).sign_out is None


def test_the_page_is_in_the_care_menu_for_nurse_and_clinician(app_ctx):
    at = signed_in(app_ctx, Role.NURSE)
    assert "Procedure sign-out" in [p.label for p in at.get("page_link")]
    at.switch_page(PAGE).run()
    assert "No consent or visit today is past its time-out" in texts(at)


def test_the_queue_says_the_sign_out_waits_and_opens_it(app_ctx):
    c = attested(app_ctx)
    at = signed_in(app_ctx, Role.NURSE)
    assert "Sign-out waiting" in texts(at)
    at.button(key=f"open-{c.id}").click().run()
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Procedure sign-out"]
    assert "Maria Testperson" in texts(at)
