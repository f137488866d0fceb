"""Drafts (resume, expiry, purge) and staff accounts (ids never reused)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from store_builders import T0

import cli
from accounts.staff import Role, StaffUser
from errors import DomainError
from store.db import Database
from store.errors import BadText, NotFound

TTL = dt.timedelta(hours=2)


def test_draft_saves_loads_and_expires(db: Database) -> None:
    with db.uow() as uow:
        uow.drafts.save("t1", {"step": 1, "answers": {"q": "no"}}, T0, TTL)
        uow.commit()
    with db.uow() as uow:
        uow.drafts.save("t1", {"step": 2, "name": "Łukasz"}, T0 + dt.timedelta(hours=1), TTL)
        uow.commit()
    with db.uow() as uow:
        assert uow.drafts.load("t1", T0 + dt.timedelta(hours=2)) == {"step": 2, "name": "Łukasz"}
        assert uow.drafts.load("t1", T0 + dt.timedelta(hours=3)) is None  # expiry moved on save
        assert uow.drafts.load("missing", T0) is None


def test_closed_draft_cannot_be_loaded_or_reopened_and_is_purged(db: Database) -> None:
    with db.uow() as uow:
        uow.drafts.save("done", {"step": 9}, T0, TTL)
        uow.drafts.save("old", {"step": 1}, T0 - dt.timedelta(hours=3), TTL)
        uow.drafts.save("live", {"step": 3}, T0, TTL)
        uow.drafts.close("done", T0)
        uow.drafts.save("done", {"step": 10}, T0, TTL)  # a late save from another tab
        uow.commit()
    with db.uow() as uow:
        assert uow.drafts.load("done", T0) is None
        assert uow.drafts.purge_expired(T0) == 2
        uow.commit()
    with db.uow() as uow:
        assert uow.drafts.load("live", T0) == {"step": 3}
        assert uow.drafts.purge_expired(T0) == 0


def test_closing_a_draft_drops_its_answers(db: Database) -> None:
    with db.uow() as uow:
        uow.drafts.save("t", {"name": "Ana Demo"}, T0, TTL)
        uow.drafts.close("t", T0)
        uow.commit()
    with db.engine.connect() as conn:
        state = conn.execute(text("SELECT state FROM drafts")).scalar_one()
    assert "Ana" not in str(state)


def test_cli_purge_drafts(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.uow() as uow:
        uow.drafts.save("old", {}, dt.datetime(2020, 1, 1, tzinfo=dt.UTC), TTL)
        uow.commit()
    monkeypatch.setenv("CONSENT_DATABASE_URL", db_url)
    assert cli.main(["purge-drafts"]) == 0
    assert "Purged 1" in capsys.readouterr().out


def test_draft_state_with_nul_is_refused(db: Database) -> None:
    with db.uow() as uow, pytest.raises(BadText):
        uow.drafts.save("t", {"name": "a\x00b"}, T0, TTL)


def user(name: str, *roles: Role) -> StaffUser:
    return StaffUser(
        username=name,
        display_name=name.title(),
        roles=frozenset(roles),
        password_hash="$argon2id$fake",
        created_at=T0,
    )


def test_users_round_trip_and_ids_are_never_reused(db: Database) -> None:
    with db.uow() as uow:
        a = uow.users.add(user("ana", Role.NURSE, Role.ADMIN))
        b = uow.users.add(user("ben", Role.CLINICIAN))
        uow.commit()
    assert a.id is not None and b.id is not None and b.id > a.id
    # An account removed behind the app's back must not hand its id to a newcomer.
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM staff_users WHERE id = :id"), {"id": b.id})
    with db.uow() as uow:
        c = uow.users.add(user("cy", Role.FRONT_DESK))
        uow.commit()
    assert c.id is not None and c.id > b.id
    with db.uow() as uow:
        assert uow.users.get(a.id) == a
        assert uow.users.by_username("ana") == a
        assert uow.users.by_username("nobody") is None
        assert [u.username for u in uow.users.list()] == ["ana", "cy"]
        with pytest.raises(NotFound):
            uow.users.get(b.id)


def test_user_update_and_unique_username(db: Database) -> None:
    with db.uow() as uow:
        ana = uow.users.add(user("ana", Role.NURSE))
        uow.users.add(user("ben", Role.NURSE))
        with pytest.raises(DomainError, match="already taken"):
            uow.users.add(user("ana", Role.ADMIN))
        locked = ana.model_copy(
            update={"failed_attempts": 5, "locked_until": T0 + dt.timedelta(minutes=15)}
        )
        uow.users.update(locked)
        with pytest.raises(DomainError, match="already taken"):
            uow.users.update(locked.model_copy(update={"username": "ben"}))
        uow.commit()  # the transaction is still usable after the refused changes
    with db.uow() as uow:
        stored = uow.users.get(ana.id)  # type: ignore[arg-type]
        assert stored == locked
        assert stored.locked_until == T0 + dt.timedelta(minutes=15)
        with pytest.raises(NotFound):
            uow.users.update(user("ghost", Role.NURSE).model_copy(update={"id": 999}))
