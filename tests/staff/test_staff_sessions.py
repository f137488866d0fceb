"""Staff sessions in the database (issue #18): a one-time ticket for the cookie, the token only
hashed at rest, resumed by a new browser session with the same idle, lockout and disabled-account
rules; ended by sign-out, idle, hand-over and a sign-out elsewhere (injected clock)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from staff_db_helpers import clinic_on
from staff_helpers import PASSWORD

from services import admin, auth, staff_sessions
from store.tables import staff_session_tickets
from store.tables import staff_sessions as sessions_table


def _nurse(ctx, username: str = "nina"):
    return admin.add_user(
        ctx,
        None,
        username=username,
        display_name="Nina Nurse",
        roles=["nurse"],
        password=PASSWORD,
        via_cli=True,
    )


def _signed_in_with_cookie(ctx):
    staff, ticket = staff_sessions.sign_in(ctx, "nina", PASSWORD)
    cookie = staff_sessions.redeem(ctx, ticket)
    assert cookie is not None
    return staff, cookie


def _rows(ctx, table):
    with ctx.database.uow() as uow:
        return list(uow.connection.execute(select(table)))


def _actions(ctx, action):
    with ctx.database.uow() as uow:
        return list(uow.audit.query(action=action))


def test_a_ticket_gives_the_cookie_once_and_only_hashes_are_stored(ctx):
    _nurse(ctx)
    staff, ticket = staff_sessions.sign_in(ctx, "nina", PASSWORD)
    cookie = staff_sessions.redeem(ctx, ticket)
    assert cookie is not None and len(cookie.token) >= 40
    assert cookie.max_age == ctx.settings.staff_session_hours * 3600
    assert staff_sessions.redeem(ctx, ticket) is None  # used once
    assert staff_sessions.redeem(ctx, "not-a-ticket") is None
    (row,) = _rows(ctx, sessions_table)
    (stored_ticket,) = _rows(ctx, staff_session_tickets)
    assert row.id == staff.session_id and row.user_id == staff.id
    assert row.token_hash == hashlib.sha256(cookie.token.encode()).hexdigest()
    assert stored_ticket.ticket_hash == hashlib.sha256(ticket.encode()).hexdigest()
    stored = repr(_rows(ctx, sessions_table)) + repr(_rows(ctx, staff_session_tickets))
    assert cookie.token not in stored and ticket not in stored


def test_a_ticket_expires_after_a_minute(ctx, clock):
    _nurse(ctx)
    _, ticket = staff_sessions.sign_in(ctx, "nina", PASSWORD)
    clock.advance(seconds=61)
    assert staff_sessions.redeem(ctx, ticket) is None


def test_a_new_browser_session_resumes_with_the_cookie_and_it_is_audited(ctx, clock):
    _nurse(ctx)
    staff, cookie = _signed_in_with_cookie(ctx)
    clock.advance(minutes=5)
    resumed = staff_sessions.resume(ctx, cookie.token)
    assert resumed is not None
    assert (resumed.id, resumed.session_id, resumed.roles) == (
        staff.id,
        staff.session_id,
        staff.roles,
    )
    assert resumed.last_seen == clock.now()
    (event,) = _actions(ctx, "user.session_resumed")
    assert event.session_id == staff.session_id
    assert staff_sessions.resume(ctx, "a-guessed-token") is None
    assert staff_sessions.resume(ctx, None) is None


def test_idle_past_the_timeout_is_not_resumed_and_is_an_audited_idle_sign_out(ctx, clock):
    _nurse(ctx)
    staff, cookie = _signed_in_with_cookie(ctx)
    clock.advance(minutes=ctx.settings.staff_idle_minutes)
    with pytest.raises(auth.SessionExpired, match="without activity"):
        staff_sessions.resume(ctx, cookie.token)
    (event,) = _actions(ctx, "user.signed_out")
    assert (event.session_id, event.new) == (staff.session_id, {"reason": "idle"})
    assert staff_sessions.resume(ctx, cookie.token) is None  # ended: the same cookie is dead


def test_activity_saved_by_the_tab_keeps_the_stored_session_alive(ctx, clock):
    _nurse(ctx)
    staff, cookie = _signed_in_with_cookie(ctx)
    for _ in range(3):  # a nurse working for 30 minutes, saved each 10 (the tab saves each 1)
        clock.advance(minutes=10)
        assert staff_sessions.still_open(ctx, staff)
    clock.advance(minutes=ctx.settings.staff_idle_minutes - 1)
    assert staff_sessions.resume(ctx, cookie.token) is not None


def test_the_absolute_lifetime_ends_it_however_active(ctx, clock):
    _nurse(ctx)
    staff, cookie = _signed_in_with_cookie(ctx)
    for _ in range(ctx.settings.staff_session_hours * 6):
        clock.advance(minutes=10)
        staff_sessions.still_open(ctx, staff)
    assert not staff_sessions.still_open(ctx, staff)
    assert staff_sessions.resume(ctx, cookie.token) is None
    assert [e.new for e in _actions(ctx, "user.signed_out")] == [{"reason": "expired"}]


@pytest.mark.parametrize("change", ["disabled", "locked"])
def test_a_disabled_or_locked_account_is_not_resumed(ctx, clock, change):
    user = _nurse(ctx)
    _, cookie = _signed_in_with_cookie(ctx)
    if change == "disabled":
        admin.set_disabled(ctx, None, user.id, True, via_cli=True)
    else:
        for _ in range(ctx.settings.lockout_attempts):
            with pytest.raises(auth.SignInFailed):
                auth.sign_in(ctx, "nina", "wrong password!")
    assert staff_sessions.resume(ctx, cookie.token) is None
    reasons = [e.new for e in _actions(ctx, "user.signed_out")]
    assert reasons == [{"reason": change}]


@pytest.mark.parametrize("reason", ["user", "handoff", "idle"])
def test_signing_out_or_handing_over_ends_the_stored_session(ctx, clock, reason):
    _nurse(ctx)
    staff, cookie = _signed_in_with_cookie(ctx)
    if reason == "idle":
        clock.advance(minutes=ctx.settings.staff_idle_minutes)
        with pytest.raises(auth.SessionExpired):
            auth.touch(ctx, staff)
    else:
        auth.sign_out(ctx, staff, reason=reason)
    (row,) = _rows(ctx, sessions_table)
    assert (row.ended_reason, row.ended_at) == (reason, clock.now())
    assert staff_sessions.resume(ctx, cookie.token) is None  # a reload with the old cookie
    assert not staff_sessions.still_open(ctx, staff)  # another tab of the same sign-in ends


def test_old_rows_are_purged_at_a_later_sign_in(ctx, clock):
    _nurse(ctx)
    staff, _ = _signed_in_with_cookie(ctx)
    auth.sign_out(ctx, staff)
    clock.advance(days=8)
    staff_sessions.sign_in(ctx, "nina", PASSWORD)
    assert [r.id for r in _rows(ctx, sessions_table)] != [staff.session_id]
    assert len(_rows(ctx, sessions_table)) == 1


@pytest.mark.postgres
def test_the_same_rules_on_postgresql(clock):
    """The ticket's conditional UPDATE ... RETURNING, the token lookup and the ending, on
    PostgreSQL (a schema of its own)."""
    with clinic_on("postgresql", clock) as ctx:
        _nurse(ctx)
        staff, ticket = staff_sessions.sign_in(ctx, "nina", PASSWORD)
        cookie = staff_sessions.redeem(ctx, ticket)
        assert cookie is not None and staff_sessions.redeem(ctx, ticket) is None
        clock.advance(minutes=2)
        assert staff_sessions.still_open(ctx, staff)
        assert staff_sessions.resume(ctx, cookie.token).session_id == staff.session_id
        auth.sign_out(ctx, staff, reason="handoff")
        assert staff_sessions.resume(ctx, cookie.token) is None
        assert not staff_sessions.still_open(ctx, staff)
