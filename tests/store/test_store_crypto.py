"""Encryption at rest: PDFs and signatures are not stored in the clear; a wrong key is a clear error."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from store_builders import T0, fake_pdf, make_consent

from settings import get_settings
from store.crypto import generate_key
from store.db import Database, open_database
from store.errors import IntegrityProblem, KeyMismatch

KEY = generate_key()


def open_with(url: str, key: str | None) -> Database:
    settings = get_settings(encryption_key=key) if key else get_settings()
    return open_database(url, settings=settings)


def store_one(db: Database) -> str:
    consent = make_consent()
    with db.uow() as uow:
        uow.consents.add(consent)
        uow.documents.add(consent.id, "submitted", fake_pdf(), T0)
        uow.commit()
    return str(consent.id)


def raw(db: Database, sql: str) -> list[bytes]:
    with db.engine.connect() as conn:
        return [bytes(r[0]) for r in conn.execute(text(sql)) if r[0] is not None]


def test_with_a_key_nothing_readable_is_stored_and_everything_reads_back(db_url: str) -> None:
    db = open_with(db_url, KEY)
    consent_id = store_one(db)
    blobs = raw(db, "SELECT blob FROM documents")
    pngs = raw(db, "SELECT png FROM signatures")
    strokes = raw(db, "SELECT strokes FROM signatures")
    assert blobs and pngs and strokes
    assert not any(b.startswith(b"%PDF") or b"%PDF" in b for b in blobs)
    # The PNG signature bytes (a Fernet token is base64 text, where "PNG" alone may occur).
    assert not any(b"\x89PNG\r\n\x1a\n" in p for p in pngs)
    assert not any(b'"points"' in s for s in strokes)
    with db.uow() as uow:
        doc = uow.documents.latest(consent_id)
        consent = uow.consents.get(consent_id)
    assert doc is not None and doc.pdf == fake_pdf() and doc.size == len(fake_pdf())
    assert consent.patient_signature is not None
    assert consent.patient_signature.png is not None
    assert consent.patient_signature.png.startswith(b"\x89PNG")
    db.dispose()


def test_without_a_key_blobs_are_plain_and_integrity_is_still_checked(db: Database) -> None:
    consent_id = store_one(db)
    assert raw(db, "SELECT blob FROM documents")[0].startswith(b"%PDF")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET blob = :b"), {"b": fake_pdf(seed=9)})
    with db.uow() as uow, pytest.raises(IntegrityProblem, match="may have been altered"):
        uow.documents.latest(consent_id)


@pytest.mark.parametrize("reader_key", ["wrong", None], ids=["wrong-key", "no-key"])
def test_wrong_or_missing_key_gives_a_clear_error_never_garbage(
    db_url: str, reader_key: str | None
) -> None:
    writer = open_with(db_url, KEY)
    consent_id = store_one(writer)
    writer.dispose()
    reader = open_with(db_url, generate_key() if reader_key == "wrong" else None)
    expected = "does not match" if reader_key == "wrong" else "no encryption key is set"
    with reader.uow() as uow:
        with pytest.raises(KeyMismatch, match=expected):
            uow.documents.latest(consent_id)
        with pytest.raises(KeyMismatch, match=expected):
            uow.consents.get(consent_id)
    reader.dispose()


def test_key_rotation_old_rows_still_read_with_the_old_key_listed_second(db_url: str) -> None:
    old_db = open_with(db_url, KEY)
    consent_id = store_one(old_db)
    old_db.dispose()
    rotated = open_with(db_url, f"{generate_key()},{KEY}")
    with rotated.uow() as uow:
        assert uow.documents.latest(consent_id).pdf == fake_pdf()  # type: ignore[union-attr]
    rotated.dispose()


def test_a_malformed_key_is_a_clear_error(db_url: str) -> None:
    with pytest.raises(KeyMismatch, match="not a valid key"):
        open_with(db_url, "not-a-fernet-key")


def test_cli_gen_key_prints_a_usable_key(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import cli

    assert cli.main(["gen-key"]) == 0
    key = capsys.readouterr().out.strip()
    db = open_with(db_url, key)
    consent_id = store_one(db)
    with db.uow() as uow:
        assert uow.documents.latest(consent_id).pdf == fake_pdf()  # type: ignore[union-attr]
    assert not raw(db, "SELECT blob FROM documents")[0].startswith(b"%PDF")
    db.dispose()
