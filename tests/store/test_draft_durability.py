"""Only patient draft steps relax SQLite's fsync; consents and everything else stay FULL."""

from __future__ import annotations

from pathlib import Path

from store.db import open_database

NORMAL, FULL = 1, 2


def sync_level(uow) -> int:  # type: ignore[no-untyped-def]
    return uow.connection.exec_driver_sql("PRAGMA synchronous").scalar()


def test_draft_steps_use_normal_and_the_connection_returns_full(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with db.uow(durable=False) as uow:
            assert sync_level(uow) == NORMAL
            uow.commit()
        for _ in range(3):  # whichever pooled connection comes back, it is durable again
            with db.uow() as uow:
                assert sync_level(uow) == FULL
    finally:
        db.dispose()


def test_a_non_durable_draft_save_still_commits(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    db = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with db.uow(durable=False) as uow:
            uow.drafts.save("t" * 32, {"step": "risks"}, clock.now(), dt.timedelta(hours=2))
            uow.commit()
        with db.uow() as uow:
            assert uow.drafts.load("t" * 32, clock.now()) == {"step": "risks"}
    finally:
        db.dispose()
