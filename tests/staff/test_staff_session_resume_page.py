"""AppTests of a staff sign-in that outlives its browser session (issue #18): a new browser
session (a reload, or another app server after one went away) with the staff cookie opens
signed in; after a hand-over, sign-out or an idle logoff the same cookie opens nothing.

AppTest cannot send cookies (st.context.cookies is empty there), so these tests hand the app the
cookie through ui.staff_session._cookie, the one place it is read; the browser's side (the
ticket's POST, the HttpOnly cookie) is tested on the route itself (test_staff_cookie_route.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from page_helpers import add_staff, assert_no_exception, click, fresh_app, open_address, texts
from page_helpers import sign_in as sign_in_form

from accounts.staff import Role
from services import staff_sessions
from ui import staff_session


def _signed_in_with_cookie(app_ctx) -> tuple[object, str]:
    """Sign in on the form; trade the ticket the page hands the browser, as its fetch does."""
    username = add_staff(app_ctx, Role.NURSE)
    at = open_address(fresh_app(), "staff")
    sign_in_form(at, username)
    assert_no_exception(at)
    _, url, body, _ = at.session_state[staff_session.JOB]
    assert url == staff_sessions.START_PATH and set(body) == {"ticket"}
    cookie = staff_sessions.redeem(app_ctx, body["ticket"])
    assert cookie is not None
    return at, cookie.token


def _new_browser_session(monkeypatch, token: str | None):
    monkeypatch.setattr(staff_session, "_cookie", lambda: token)
    return open_address(fresh_app(), "queue")


def test_a_new_browser_session_with_the_cookie_is_signed_in_and_only_with_it(app_ctx, monkeypatch):
    _, token = _signed_in_with_cookie(app_ctx)
    for wrong in (None, "guessed-token"):
        at = _new_browser_session(monkeypatch, wrong)
        assert [t.value for t in at.title] == ["Staff sign-in"]
    at = _new_browser_session(monkeypatch, token)
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Today's queue"]
    assert "Nina Nurse" in [m.value.split("**")[1] for m in at.sidebar.markdown if "**" in m.value]
    assert staff_session.JOB not in at.session_state  # it has the cookie: nothing to ask


@pytest.mark.parametrize("how", ["handoff", "sign_out"])
def test_after_a_hand_over_or_sign_out_the_old_cookie_opens_nothing(app_ctx, monkeypatch, how):
    at, token = _signed_in_with_cookie(app_ctx)
    if how == "handoff":
        at.switch_page("app_pages/staff_handoff.py").run()
        click(at, "Start and hand over")
        assert at.query_params.get("resume")
    else:
        at.switch_page("app_pages/staff_sign_out.py").run()
        assert "You are signed out." in texts(at)
    assert_no_exception(at)
    # The tablet asks the browser to clear the cookie; the stored session is over regardless.
    assert at.session_state[staff_session.JOB][1] == staff_sessions.END_PATH
    again = _new_browser_session(monkeypatch, token)  # a reload on the tablet, old cookie
    assert [t.value for t in again.title] == ["Staff sign-in"]
    assert "Nina Nurse" not in texts(again)


def test_a_cookie_idle_past_the_timeout_signs_in_no_one_and_says_why(app_ctx, monkeypatch):
    _, token = _signed_in_with_cookie(app_ctx)
    later = app_ctx.clock.now() + dt.timedelta(minutes=app_ctx.settings.staff_idle_minutes + 1)
    monkeypatch.setattr(app_ctx.clock, "now", lambda: later)
    at = _new_browser_session(monkeypatch, token)
    assert [t.value for t in at.title] == ["Staff sign-in"]
    assert "without activity" in texts(at)
