"""Checklist drafts in the store (issue #18), on SQLite and PostgreSQL: one row per consent and
checklist that a second answer replaces, sealed at rest with a key (no clear note in the row),
re-keyed by rotate-key, cleared, purged."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from store_builders import T0, make_consent

from accounts.staff import Role, StaffUser
from store.crypto import BlobCipher, generate_key, is_sealed_json
from store.db import Database
from store.rekey import rekey
from store.tables import checklist_drafts

NOTE = "Allergic to latex per Ñandú Þórsdóttir"


def _setup(db: Database) -> tuple[str, int]:
    with db.uow() as uow:
        consent = make_consent()
        uow.consents.add(consent)
        nurse = uow.users.add(
            StaffUser(
                username="nina",
                display_name="Nina Nurse",
                roles=frozenset({Role.NURSE}),
                password_hash="$argon2id$fake",
                created_at=T0,
            )
        )
        uow.commit()
    assert nurse.id is not None
    return str(consent.id), nurse.id


def _raw(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        return list(conn.execute(select(checklist_drafts.c.answers)).scalars())


def test_a_second_answer_replaces_the_row_and_clear_deletes_only_that_checklist(
    db: Database,
) -> None:
    cid, nurse = _setup(db)
    later = T0 + dt.timedelta(minutes=3)
    with db.uow() as uow:
        uow.checklist_drafts.save(cid, "verify", {"nc.identity.answer": "yes"}, nurse, T0)
        uow.checklist_drafts.save(cid, "timeout", {"others": "Sam Student"}, nurse, T0)
        uow.commit()
    with db.uow() as uow:
        answers = {"nc.identity.answer": "yes", "nc.allergies.note": NOTE}
        uow.checklist_drafts.save(cid, "verify", answers, nurse, later)
        uow.commit()
    with db.uow(read_only=True) as uow:
        got = uow.checklist_drafts.load(cid, "verify", T0 - dt.timedelta(hours=1))
        assert got is not None
        assert got.answers == answers and got.by_name == "Nina Nurse"
        assert (got.created_at, got.updated_at) == (T0, later)
        assert uow.checklist_drafts.load(cid, "verify", later) is None  # older than "since"
    with db.uow() as uow:
        uow.checklist_drafts.clear(cid, "verify")
        uow.commit()
    with db.uow(read_only=True) as uow:
        assert uow.checklist_drafts.load(cid, "verify", T0 - dt.timedelta(hours=1)) is None
        assert uow.checklist_drafts.load(cid, "timeout", T0 - dt.timedelta(hours=1)) is not None
    with db.uow() as uow:
        assert uow.checklist_drafts.purge_older_than(T0) == 1
        uow.commit()
    assert _raw(db) == []


def test_with_a_key_the_row_holds_no_clear_text_and_rotate_key_re_seals_it(db: Database) -> None:
    old, new = generate_key(), generate_key()
    keyed = dataclasses.replace(db, cipher=BlobCipher(old))
    cid, nurse = _setup(keyed)
    with keyed.uow() as uow:
        uow.checklist_drafts.save(cid, "verify", {"nc.allergies.note": NOTE}, nurse, T0)
        uow.commit()
    (stored,) = _raw(keyed)
    assert is_sealed_json(stored)
    assert "latex" not in str(stored) and "Ñandú" not in str(stored)

    with keyed.engine.connect() as conn:
        report = rekey(conn, BlobCipher(new), BlobCipher(f"{new},{old}"), rotate=True)
        conn.commit()
    assert report.changed["checklist_drafts"] == 1
    (rotated,) = _raw(keyed)
    assert rotated != stored and BlobCipher(new).open_json(rotated) == {"nc.allergies.note": NOTE}


def test_the_purge_drafts_job_drops_a_checklist_draft_older_than_a_clinic_day(db: Database) -> None:
    from services import jobs

    cid, nurse = _setup(db)
    with db.uow() as uow:
        uow.checklist_drafts.save(cid, "verify", {"nc.identity.answer": "yes"}, nurse, T0)
        uow.checklist_drafts.save(cid, "timeout", {"others": "Sam Student"}, nurse, T0)
        uow.commit()
    with db.uow() as uow:  # one answered an hour later: still within the clinic day
        uow.checklist_drafts.save(cid, "timeout", {}, nurse, T0 + dt.timedelta(hours=1))
        uow.commit()
    run = jobs.purge_drafts(db, T0 + dt.timedelta(hours=12, minutes=30))
    assert run.ran and run.result == 1
    with db.uow(read_only=True) as uow:
        since = T0 - dt.timedelta(days=1)
        assert uow.checklist_drafts.load(cid, "verify", since) is None
        assert uow.checklist_drafts.load(cid, "timeout", since) is not None
