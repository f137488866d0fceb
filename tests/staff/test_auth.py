"""Sign-in, lockout, disabled accounts, idle logoff and password re-entry (injected clock)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from staff_helpers import PASSWORD

from accounts.staff import Role
from services import admin, auth


def _add(ctx, username="nina", roles=("nurse",)):
    return admin.add_user(
        ctx,
        None,
        username=username,
        display_name="Nina Nurse",
        roles=roles,
        password=PASSWORD,
        via_cli=True,
    )


def _actions(ctx, action=None):
    with ctx.database.uow() as uow:
        return [e for e in uow.audit.query(action=action)]


def test_password_is_stored_as_argon2id_hash(ctx):
    user = _add(ctx)
    with ctx.database.uow() as uow:
        stored = uow.users.get(user.id)
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


def test_production_cost_is_in_the_stored_hash_and_a_cheaper_setting_rehashes_at_sign_in(
    ctx, monkeypatch: pytest.MonkeyPatch
):
    """The one test on the production argon2 parameters (every other test hashes cheaply)."""
    from settings import get_settings

    for name in (
        "CONSENT_ARGON2_TIME_COST",
        "CONSENT_ARGON2_MEMORY_KIB",
        "CONSENT_ARGON2_PARALLELISM",
    ):
        monkeypatch.delenv(name)
    production = dataclasses.replace(ctx, settings=get_settings())
    user = _add(production)
    with ctx.database.uow() as uow:
        made = uow.users.get(user.id).password_hash
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106 low-memory profile
    auth.sign_in(production, "nina", PASSWORD)  # at its own cost: kept as it is
    with ctx.database.uow() as uow:
        assert uow.users.get(user.id).password_hash == made
    # The clinic lowers the cost (here: the tests' cheap one): the old hash still lets her in,
    # and is re-hashed at the configured cost once the password is known to be right.
    assert auth.sign_in(ctx, "nina", PASSWORD).id == user.id
    with ctx.database.uow() as uow:
        again = uow.users.get(user.id).password_hash
    assert again.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert auth.sign_in(ctx, "nina", PASSWORD).id == user.id


def test_sign_in_returns_session_with_roles_and_is_audited(ctx):
    user = _add(ctx, roles=("nurse", "clinician"))
    session = auth.sign_in(ctx, "Nina", PASSWORD)  # usernames are case-insensitive
    assert session.id == user.id
    assert session.roles == {Role.NURSE, Role.CLINICIAN}
    events = _actions(ctx, "user.signed_in")
    assert [(e.actor_id, e.session_id) for e in events] == [(str(user.id), session.session_id)]
    assert events[0].actor_role == "clinician+nurse"  # the account's roles, not just "staff"


def test_wrong_password_says_how_many_tries_are_left(ctx):
    _add(ctx)
    with pytest.raises(auth.SignInFailed, match="4 more wrong tries lock the account"):
        auth.sign_in(ctx, "nina", "wrong password!")
    [event] = _actions(ctx, "user.sign_in_failed")
    assert event.new["reason"] == "wrong password"


def test_unknown_username_gets_the_same_message_and_is_audited_without_the_name(ctx):
    with pytest.raises(auth.SignInFailed, match="Wrong username or password"):
        auth.sign_in(ctx, "nobody", "whatever12345")
    [event] = _actions(ctx, "user.sign_in_failed")
    assert event.actor_id == "unknown"
    assert "nobody" not in str(event.new)


def test_five_wrong_passwords_lock_for_fifteen_minutes_audited(ctx, clock):
    user = _add(ctx)
    for _ in range(4):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(ctx, "nina", "wrong password!")
    with pytest.raises(auth.SignInFailed, match="locked for 15 minutes"):
        auth.sign_in(ctx, "nina", "wrong password!")
    [locked] = _actions(ctx, "user.locked")
    assert locked.actor_id == str(user.id)
    # The right password does not open a locked account...
    clock.advance(minutes=14)
    with pytest.raises(auth.AccountLocked, match="locked after too many wrong passwords") as exc:
        auth.sign_in(ctx, "nina", PASSWORD)
    local = (clock.now() - dt.timedelta(minutes=14) + dt.timedelta(minutes=15)).astimezone(
        ctx.settings.tz
    )
    assert f"Try again after {local:%H:%M %Z} " in str(exc.value)  # the clinic's zone is named
    # ...until the lock runs out.
    clock.advance(minutes=1, seconds=1)
    assert auth.sign_in(ctx, "nina", PASSWORD).username == "nina"


def test_admin_reset_unlocks(ctx):
    user = _add(ctx)
    for _ in range(5):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(ctx, "nina", "wrong password!")
    admin.reset_password(ctx, None, user.id, "a brand new secret", via_cli=True)
    assert auth.sign_in(ctx, "nina", "a brand new secret").id == user.id


def test_disabled_account_cannot_sign_in_and_its_open_session_stops_working(ctx, clock):
    user = _add(ctx)
    session = auth.sign_in(ctx, "nina", PASSWORD)
    admin.set_disabled(ctx, None, user.id, True, via_cli=True)
    with pytest.raises(auth.AccountDisabled, match="disabled"):
        auth.sign_in(ctx, "nina", PASSWORD)
    from services import staff_views

    with pytest.raises(auth.NotAllowed, match="disabled"):
        staff_views.nurse_queue(ctx, session)
    assert _actions(ctx, "user.disabled")


def test_idle_session_ends_after_configured_minutes_and_is_audited(ctx, clock):
    _add(ctx)
    session = auth.sign_in(ctx, "nina", PASSWORD)
    clock.advance(minutes=14, seconds=59)
    session = auth.touch(ctx, session)  # activity resets the idle time
    clock.advance(minutes=14)
    session = auth.touch(ctx, session)
    assert not auth.is_expired(ctx, session)
    clock.advance(minutes=15)
    assert auth.is_expired(ctx, session)
    with pytest.raises(auth.SessionExpired, match="signed out after 15 minutes"):
        auth.touch(ctx, session)
    [event] = _actions(ctx, "user.signed_out")
    assert event.new == {"reason": "idle"}


def test_idle_minutes_come_from_settings(monkeypatch, clock):
    from services.context import build_context
    from settings import get_settings

    monkeypatch.setenv("CONSENT_STAFF_IDLE_MINUTES", "2")
    ctx2 = build_context(get_settings(), clock=clock)
    _add(ctx2)
    session = auth.sign_in(ctx2, "nina", PASSWORD)
    clock.advance(minutes=2)
    with pytest.raises(auth.SessionExpired, match="after 2 minutes"):
        auth.touch(ctx2, session)


def test_lockout_settings_are_used(monkeypatch, clock):
    from services.context import build_context
    from settings import get_settings

    monkeypatch.setenv("CONSENT_LOCKOUT_ATTEMPTS", "2")
    monkeypatch.setenv("CONSENT_LOCKOUT_MINUTES", "30")
    ctx2 = build_context(get_settings(), clock=clock)
    _add(ctx2)
    with pytest.raises(auth.SignInFailed, match="1 more wrong try locks"):
        auth.sign_in(ctx2, "nina", "wrong password!")
    with pytest.raises(auth.SignInFailed, match="locked for 30 minutes"):
        auth.sign_in(ctx2, "nina", "wrong password!")


def test_reauthenticate_counts_wrong_passwords_toward_lockout(ctx):
    _add(ctx)
    session = auth.sign_in(ctx, "nina", PASSWORD)
    for _ in range(5):
        with pytest.raises(auth.WrongPassword, match="nothing was signed"):
            auth.reauthenticate(ctx, session, "not my password")
    with pytest.raises(auth.AccountLocked):
        auth.sign_in(ctx, "nina", PASSWORD)
    assert len(_actions(ctx, "user.locked")) == 1


def test_require_names_the_missing_role():
    import datetime as dt

    session = auth.StaffSession(
        1,
        "fran",
        "Fran Front",
        frozenset({Role.FRONT_DESK}),
        "s",
        dt.datetime.now(dt.UTC),
        dt.datetime.now(dt.UTC),
    )
    with pytest.raises(auth.NotAllowed, match="Only a nurse can do this"):
        auth.require(session, Role.NURSE)
    with pytest.raises(auth.NotAllowed, match="sign in"):
        auth.require(None, Role.NURSE)
    assert auth.require(session, Role.NURSE, Role.FRONT_DESK) is Role.FRONT_DESK


@pytest.mark.parametrize("bad", ["short", "nina", " padded password "])
def test_weak_passwords_are_refused(ctx, bad):
    from errors import DomainError

    with pytest.raises(DomainError):
        admin.add_user(
            ctx,
            None,
            username="nina",
            display_name="N",
            roles=["nurse"],
            password=bad if bad != "nina" else "nina",
            via_cli=True,
        )
