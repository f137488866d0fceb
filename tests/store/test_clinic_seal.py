"""One seal for the clinic across app servers (issue #18): two servers on one database (each its
own data folder) seal with the same key, so a PDF sealed on one verifies on the other, in the app
and with `python cli.py verify`; a key a server kept on disk before is adopted; with PostgreSQL in
production a server whose seal differs refuses to start with one clear line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from store_builders import make_consent

import cli
from errors import ConfigurationError
from forms.seal import SealError, load_or_create_sealer, pkcs12_sealer
from services import documents
from services.clinic_seal import (
    KEY_DIFFERS,
    SealMismatch,
    clinic_sealer,
    require_the_clinics_key,
)
from services.context import AppContext, build_context
from settings import Settings, get_settings
from store.db import open_database
from store.tables import clinic_seals

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
PASSPHRASE = "shared seal passphrase"


@pytest.fixture
def db_url(db_url: str, data_dir_template: Path) -> str:
    """The shared database, at the newest revision (SQLite: a copy of the session's file)."""
    if db_url.startswith("sqlite:///"):
        shutil.copyfile(data_dir_template / "consent.db", db_url.removeprefix("sqlite:///"))
    return db_url


def _server(db_url: str, data: Path, **extra: object) -> Settings:
    """One app server's settings: the shared database, its own data folder."""
    return get_settings(data_dir=data, database_url=db_url, **extra)


def _seal_on(ctx: AppContext) -> tuple[str, bytes]:
    """A consent signed and its PDF sealed and stored by this server: (consent id, PDF)."""
    consent = make_consent()
    with ctx.database.uow() as uow:
        uow.consents.add(consent)
        doc = documents.issue_document(ctx, uow, consent, "submitted", T0)
        uow.commit()
    return str(consent.id), doc.pdf


def _rows(ctx: AppContext) -> list:
    with ctx.database.engine.connect() as conn:
        return conn.execute(select(clinic_seals).order_by(clinic_seals.c.id)).all()


def _verify(monkeypatch: pytest.MonkeyPatch, capsys, pdf: Path, data: Path, url: str | None):
    """`python cli.py verify FILE` as run on a server with this data folder and database."""
    monkeypatch.setenv("CONSENT_DATA_DIR", str(data))
    if url is None:
        monkeypatch.delenv("CONSENT_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("CONSENT_DATABASE_URL", url)
    code = cli.main(["verify", str(pdf)])
    return code, capsys.readouterr().out


def test_a_pdf_sealed_on_one_server_verifies_on_another(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    one = build_context(_server(db_url, tmp_path / "one", seal_key_passphrase=PASSPHRASE))
    two = build_context(_server(db_url, tmp_path / "two", seal_key_passphrase=PASSPHRASE))
    try:
        assert one.sealer.fingerprint == two.sealer.fingerprint
        [row] = _rows(two)  # one seal, in the database, its key encrypted under the passphrase
        assert row.current and row.source == "generated"
        assert row.fingerprint == one.sealer.fingerprint
        assert bytes(row.private_key).startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert not (tmp_path / "one" / "seal").exists() and not (tmp_path / "two" / "seal").exists()

        consent_id, pdf = _seal_on(one)
        with two.database.uow() as uow:  # server two's download check: pyHanko's validator
            doc = documents.document_of_record(two, uow, consent_id)
        report = documents.check_seal(two, doc, consent_id)
        assert report.valid and report.trusted and report.intact
    finally:
        one.database.dispose()
        two.database.dispose()

    sealed = tmp_path / "sealed-on-one.pdf"
    sealed.write_bytes(pdf)
    code, said = _verify(monkeypatch, capsys, sealed, tmp_path / "two", db_url)
    assert (code, said.splitlines()[0]) == (0, "VALID")
    # Control: a server of another clinic (its own data folder, no shared database) trusts none.
    code, said = _verify(monkeypatch, capsys, sealed, tmp_path / "stranger", None)
    assert (code, said.splitlines()[0]) == (3, "UNTRUSTED")


def test_a_server_with_another_passphrase_is_told_what_to_fix(db_url: str, tmp_path: Path) -> None:
    first = open_database(db_url)
    try:
        clinic_sealer(_server(db_url, tmp_path / "one", seal_key_passphrase=PASSPHRASE), first)
        with pytest.raises(SealError) as refused:
            clinic_sealer(_server(db_url, tmp_path / "two", seal_key_passphrase="typo"), first)
    finally:
        first.dispose()
    message = str(refused.value)
    assert "CONSENT_SEAL_KEY_PASSPHRASE" in message and "typo" not in message


def test_two_servers_starting_together_make_one_seal(db_url: str, tmp_path: Path) -> None:
    databases = [open_database(db_url) for _ in range(2)]
    gate = threading.Barrier(2)
    made: list[str] = []

    def start(n: int) -> None:
        gate.wait()
        made.append(clinic_sealer(_server(db_url, tmp_path / f"s{n}"), databases[n]).fingerprint)

    threads = [threading.Thread(target=start, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    try:
        with databases[0].engine.connect() as conn:
            rows = conn.execute(select(clinic_seals.c.fingerprint)).scalars().all()
    finally:
        for database in databases:
            database.dispose()
    assert len(made) == 2 and made[0] == made[1] and rows == [made[0]]


def test_keys_servers_kept_on_disk_are_adopted_and_their_pdfs_still_verify(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Before issue #18 each server made its own key in its data folder: the first to start
    after the upgrade brings its key to the database; another's stays trusted, so PDFs sealed
    by either before still verify on both."""
    old_one = load_or_create_sealer(_server(db_url, tmp_path / "one"))
    old_two = load_or_create_sealer(_server(db_url, tmp_path / "two"))
    assert old_one.fingerprint != old_two.fingerprint

    one = build_context(_server(db_url, tmp_path / "one"))
    two = build_context(_server(db_url, tmp_path / "two"))
    try:
        assert one.sealer.fingerprint == old_one.fingerprint  # adopted: the same key
        assert two.sealer.fingerprint == old_one.fingerprint  # two now seals with it too
        kept = {r.fingerprint: r for r in _rows(two)}
        assert set(kept) == {old_one.fingerprint, old_two.fingerprint}
        assert kept[old_one.fingerprint].current and kept[old_one.fingerprint].private_key
        assert kept[old_two.fingerprint].private_key is None  # trusted, never used to seal
        # A PDF as server two sealed it before, with its own key.
        consent = make_consent()
        two_before = dataclasses.replace(two, sealer=old_two)
        pdf_by_two = documents.render_and_seal(two_before, consent, [], T0)
    finally:
        one.database.dispose()
        two.database.dispose()
    sealed = tmp_path / "sealed-by-two-before.pdf"
    sealed.write_bytes(pdf_by_two)
    code, said = _verify(monkeypatch, capsys, sealed, tmp_path / "one", db_url)
    assert (code, said.splitlines()[0]) == (0, "VALID")
    (tmp_path / "two" / "seal" / "seal-cert.pem").unlink()  # not only because two has it on disk
    code, said = _verify(monkeypatch, capsys, sealed, tmp_path / "two", db_url)
    assert (code, said.splitlines()[0]) == (0, "VALID")


def _p12(path: Path, name: str) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            None, key, cert, None, serialization.BestAvailableEncryption(b"p12 secret")
        )
    )
    return path


def _production(db_url: str, data: Path, p12: Path, key: str | None = None) -> Settings:
    return get_settings(
        environment="production",
        data_dir=data,
        database_url=db_url,
        encryption_key=key or Fernet.generate_key().decode(),
        seal_p12_path=p12,
        seal_p12_password="p12 secret",
        clinic_name="Riverside Vein Care",
        clinic_phone="(503) 555-2187",
        clinic_address="12 River Road, Portland OR 97201",
        argon2_time_cost=2,
        argon2_memory_kib=19456,
    )


POSTGRES_ONLY = [pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)
def test_production_postgres_refuses_a_server_whose_seal_differs(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    clinic = _p12(tmp_path / "clinic.p12", "Riverside consent seal")
    stray = _p12(tmp_path / "stray.p12", "Someone else's seal")
    database = open_database(db_url)
    try:
        first = clinic_sealer(_production(db_url, tmp_path / "one", clinic), database)
        again = clinic_sealer(_production(db_url, tmp_path / "two", clinic), database)
        assert again.fingerprint == first.fingerprint  # the same PKCS#12: starts
        stray_settings = _production(db_url, tmp_path / "three", stray)
        with pytest.raises(SealMismatch) as refused:
            clinic_sealer(stray_settings, database)
        stray_print = pkcs12_sealer(stray_settings).fingerprint
        [row] = _rows_of(database)
    finally:
        database.dispose()
    message = str(refused.value)
    assert f"certificate SHA-256 {stray_print}" in message  # this server's
    assert f"certificate SHA-256 {first.fingerprint}" in message  # the database's
    assert "CONSENT_SEAL_P12_PATH" in message and "python cli.py init" in message
    assert "p12 secret" not in message
    assert row.fingerprint == first.fingerprint  # nothing changed


def _rows_of(database) -> list:  # type: ignore[no-untyped-def]
    with database.engine.connect() as conn:
        return conn.execute(select(clinic_seals)).all()


@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)
def test_production_postgres_refuses_without_an_explicit_cookie_secret(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit's default cookie secret is random per process: behind a load balancer the
    servers would not accept each other's cookies. The page says what to set, on every server."""
    from streamlit import config as st_config

    from ui import resources

    clinic = _production(db_url, tmp_path / "one", _p12(tmp_path / "clinic.p12", "Riverside"))
    monkeypatch.setattr(resources, "get_settings", lambda: clinic)
    built: list[Settings] = []
    monkeypatch.setattr(resources, "build_context", lambda s, **_: built.append(s))
    resources.app_context.clear()
    assert not st_config.is_manually_set("server.cookieSecret")  # this process: not set
    message = resources.startup_problem()
    assert message is not None and "STREAMLIT_SERVER_COOKIE_SECRET" in message
    assert "the same on every server" in message and built == []

    resources.app_context.clear()
    monkeypatch.setattr(st_config, "is_manually_set", lambda name: name == "server.cookieSecret")
    assert resources.startup_problem() is None and built == [clinic]
    resources.app_context.clear()


@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)
def test_production_postgres_refuses_a_server_whose_encryption_key_differs(
    db_url: str, tmp_path: Path
) -> None:
    """A server with another CONSENT_ENCRYPTION_KEY would store records the others cannot read."""
    p12 = _p12(tmp_path / "clinic.p12", "Riverside")
    key, stray = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    one = _production(db_url, tmp_path / "one", p12, key)
    database = open_database(db_url, settings=one)
    with database.uow() as uow:
        uow.consents.add(make_consent())
        uow.commit()
    require_the_clinics_key(one, database)  # the key that stored it
    database.dispose()
    for keys, refused in ((stray, True), (f"{stray},{key}", False)):  # a rotation: new, old
        server = _production(db_url, tmp_path / "two", p12, keys)
        other = open_database(db_url, settings=server, upgrade=False)
        try:
            if refused:
                with pytest.raises(ConfigurationError) as why:
                    require_the_clinics_key(server, other)
                assert str(why.value) == KEY_DIFFERS and stray not in str(why.value)
            else:
                require_the_clinics_key(server, other)
        finally:
            other.dispose()


def test_a_server_up_before_another_kept_its_old_key_trusts_that_key_within_a_minute(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rolling upgrade: server one is up when server two first starts and records its earlier
    key; a PDF two sealed with that key before opens on one without restarting it."""
    old_two = load_or_create_sealer(_server(db_url, tmp_path / "two"))  # on disk before #18
    one = build_context(_server(db_url, tmp_path / "one"))
    two = None
    try:
        first_id, _ = _seal_on(one)
        with one.database.uow() as uow:  # one reads the seals the database knows now
            documents.document_of_record(one, uow, first_id)
        two = build_context(_server(db_url, tmp_path / "two"))
        assert two.sealer.fingerprint == one.sealer.fingerprint != old_two.fingerprint
        old_id, _ = _seal_on(dataclasses.replace(two, sealer=old_two))  # sealed before, stored
        with one.database.uow() as uow, pytest.raises(documents.DocumentRefused):
            documents.document_of_record(one, uow, old_id)  # one's copy is still fresh
        monkeypatch.setattr("services.clinic_seal.TRUST_TTL_S", 0.0)  # ...a minute later
        with one.database.uow() as uow:
            doc = documents.document_of_record(one, uow, old_id)
        assert documents.check_seal(one, doc, old_id).trusted
    finally:
        one.database.dispose()
        if two is not None:
            two.database.dispose()
