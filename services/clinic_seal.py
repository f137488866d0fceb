"""One seal for the clinic across app servers (issue #18): the seal the database knows.

With ``CONSENT_SEAL_P12_PATH`` every server is given the same PKCS#12 and the database records its
certificate. Without it, the generated seal key is kept in the database (PKCS#8, encrypted under
CONSENT_SEAL_KEY_PASSPHRASE, which production requires): the first server makes it under the seal
lock (store/clinic_seals.py) and every other server on that database loads the same one. A key a
server kept in its data directory before (one per server, until now) is adopted once; another
server's earlier key is kept as a trusted certificate, so every PDF any server sealed verifies on
all of them. With PostgreSQL in production a server whose seal differs refuses to start
(``SealMismatch``); ``python cli.py init`` is how a clinic changes its seal on purpose.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from errors import ConfigurationError, DomainError
from forms.seal import Sealer, passphrase_of, pkcs12_sealer
from forms.seal_keys import (
    SealKey,
    certificate_from_pem,
    legacy_key,
    new_seal_key,
    protected,
    sealer_from_key,
)
from store.clinic_seals import ClinicSeals, StoredSeal, newest_sealed_record
from store.errors import KeyMismatch

if TYPE_CHECKING:
    from settings import Settings
    from store.db import Database
    from store.uow import UnitOfWork

log = logging.getLogger(__name__)
IN_DATABASE = "the database"
HOW_TO_FIX = (
    "Every server must seal with the same: give every server the same CONSENT_SEAL_P12_PATH and "
    "CONSENT_SEAL_P12_PASSWORD, or set CONSENT_SEAL_P12_PATH on none of them to use the seal key "
    "kept in the database. To change the clinic's seal on purpose, run `python cli.py init` once "
    "with the new settings, then restart every server with them."
)


class SealMismatch(ConfigurationError):
    """This server's seal is not the one the clinic's database knows (production, PostgreSQL)."""


def needs_one_identity(settings: Settings) -> bool:
    """Production on PostgreSQL, where several app servers may share the database: each must
    have the clinic's one seal, cookie secret and encryption key; a seal must match."""
    return not settings.is_demo and settings.resolved_database_url.startswith("postgresql")


def _mismatch(mine: str, known: StoredSeal) -> SealMismatch:
    return SealMismatch(
        f"This server's seal ({mine}) differs from the clinic's seal the database knows "
        f"({known.source}, certificate SHA-256 {known.fingerprint}); it did not start. "
        + HOW_TO_FIX
    )


def clinic_sealer(settings: Settings, database: Database, *, adopt: bool = False) -> Sealer:
    """The seal this server uses, recorded in (or loaded from) the database; it also trusts
    every other seal the database knows. ``adopt``: make this server's configured seal the
    clinic's current one even where a mismatch would refuse (``init``)."""
    passphrase = passphrase_of(settings)
    p12 = pkcs12_sealer(settings)
    legacy = legacy_key(settings)
    now = dt.datetime.now(dt.UTC)
    with database.uow() as uow:
        seals = ClinicSeals(uow.connection)
        seals.lock()
        known = seals.all()
        current = next((s for s in known if s.current), None)
        refuse = needs_one_identity(settings) and not adopt and current is not None
        if p12 is not None:
            sealer = p12
            if current is None or current.fingerprint != p12.fingerprint:
                if refuse:
                    assert current is not None
                    raise _mismatch(f"PKCS#12, certificate SHA-256 {p12.fingerprint}", current)
                _record(seals, known, p12.fingerprint, "pkcs12", _pem(p12), None, now)
        elif current is not None and current.private_key is not None:
            stored = SealKey(current.private_key, current.certificate_pem)
            sealer = sealer_from_key(stored, passphrase, IN_DATABASE)
            if passphrase and not stored.encrypted:  # a passphrase set after the key was made
                seals.replace_key(current.fingerprint, protected(stored, passphrase).key_pem)
                log.info("Encrypted the consent seal key in the database")
        else:
            if refuse:
                assert current is not None
                raise _mismatch("no PKCS#12: CONSENT_SEAL_P12_PATH is not set", current)
            key = _unknown(legacy, known) or new_seal_key(settings.clinic_name, passphrase)
            key = protected(key, passphrase)
            sealer = sealer_from_key(key, passphrase, IN_DATABASE)
            _record(seals, known, sealer.fingerprint, "generated", key.cert_pem, key.key_pem, now)
            log.info("The consent seal key is kept in the database now (%s)", sealer.fingerprint)
        if current is not None and current.fingerprint != sealer.fingerprint:
            log.warning(
                "The clinic's seal changed from certificate SHA-256 %s to %s; PDFs sealed "
                "before still verify",
                current.fingerprint,
                sealer.fingerprint,
            )
        if legacy is not None:
            _keep_certificate(seals, legacy, now)  # another server's earlier key: still trusted
        uow.commit()
        known = seals.all()
    return _trusting(sealer, known)


def _certificates(known: Iterable[StoredSeal]) -> tuple[Any, ...]:
    return tuple(certificate_from_pem(s.certificate_pem) for s in known)


def _trusting(sealer: Sealer, known: list[StoredSeal]) -> Sealer:
    """``sealer``, also trusting every other seal the database knows (their PDFs verify)."""
    others = [s for s in known if s.fingerprint != sealer.fingerprint]
    return dataclasses.replace(sealer, also_trusted=_certificates(others))


KEY_DIFFERS = (
    "This server's CONSENT_ENCRYPTION_KEY cannot open the records in the database, so it did not "
    "start: every server must have the same CONSENT_ENCRYPTION_KEY (while rotating, the new key "
    "first and the old one after it, comma-separated, on every server)."
)


def require_the_clinics_key(settings: Settings, database: Database) -> None:
    """With PostgreSQL in production, refuse a server whose encryption key cannot open what the
    other servers stored: it would write records they could not read."""
    if not needs_one_identity(settings):
        return
    with database.uow(read_only=True) as uow:
        stored = newest_sealed_record(uow.connection)
    if stored is None:
        return
    try:
        database.cipher.open_json(stored)
    except KeyMismatch:
        raise ConfigurationError(KEY_DIFFERS) from None


# How long a server trusts its copy of the database's seals: another server may record one after
# this one started (its earlier key, adopted at its first start after the upgrade).
TRUST_TTL_S = 30.0


class SealTrust:
    """Every seal certificate the database knows, re-read at most every ``TRUST_TTL_S`` through
    the caller's unit of work (never a second connection inside the caller's transaction)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._certs: tuple[Any, ...] = ()
        self._read_at: float | None = None

    def certificates(self, uow: UnitOfWork | None = None) -> tuple[Any, ...]:
        with self._lock:
            fresh = self._read_at is not None and time.monotonic() - self._read_at < TRUST_TTL_S
            if uow is None or fresh:
                return self._certs
        known = ClinicSeals(uow.connection).all()
        certs = _certificates(known)
        with self._lock:
            self._certs, self._read_at = certs, time.monotonic()
        return certs


def _pem(sealer: Sealer) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_der_x509_certificate(sealer.certificate.dump())
    return cert.public_bytes(serialization.Encoding.PEM)


def _unknown(legacy: SealKey | None, known: list[StoredSeal]) -> SealKey | None:
    """The data directory's key, if the database has not seen it (adopt it: its PDFs verify)."""
    if legacy is None or legacy.fingerprint in {s.fingerprint for s in known}:
        return None
    return legacy


def _record(
    seals: ClinicSeals,
    known: list[StoredSeal],
    fingerprint: str,
    source: str,
    cert_pem: bytes,
    key_pem: bytes | None,
    at: dt.datetime,
) -> None:
    if fingerprint in {s.fingerprint for s in known}:
        seals.make_current(fingerprint)
        if key_pem is not None:
            seals.replace_key(fingerprint, key_pem)
    else:
        seals.add(fingerprint, source, cert_pem, key_pem, current=True, at=at)


def _keep_certificate(seals: ClinicSeals, legacy: SealKey, at: dt.datetime) -> None:
    fingerprint = legacy.fingerprint
    if fingerprint not in {s.fingerprint for s in seals.all()}:
        seals.add(fingerprint, "generated", legacy.cert_pem, None, current=False, at=at)
        log.info("Kept this server's earlier seal certificate %s as trusted", fingerprint)


def stored_sealer(settings: Settings, database: Database) -> Sealer:
    """The clinic's seal without changing anything (check-all): the configured PKCS#12, else
    the database's current key, else a key still in the data directory."""
    p12 = pkcs12_sealer(settings)
    with database.uow(read_only=True) as uow:
        known = ClinicSeals(uow.connection).all()
    current = next((s for s in known if s.current and s.private_key is not None), None)
    if p12 is not None:
        sealer = p12
    elif current is not None:
        stored = SealKey(current.private_key or b"", current.certificate_pem)
        sealer = sealer_from_key(stored, passphrase_of(settings), IN_DATABASE)
    else:
        legacy = legacy_key(settings)
        if legacy is None:
            raise DomainError(
                f"no seal key in the database or in {settings.resolved_data_dir}: run "
                "`python cli.py init` first"
            )
        sealer = sealer_from_key(legacy, passphrase_of(settings), str(settings.resolved_data_dir))
    return _trusting(sealer, known)


def _existing_database(settings: Settings) -> Database | None:
    """The clinic's database at this app's schema, never creating or upgrading it; else None."""
    from store.db import DatabaseUnavailable, head_revision, open_database, sqlite_file

    url = settings.resolved_database_url
    db_file = sqlite_file(url)
    if db_file is not None and not db_file.exists():
        return None
    try:
        database = open_database(url, settings=settings, upgrade=False)
    except DomainError:
        return None
    try:
        if database.schema_revision() == head_revision():
            return database
    except DatabaseUnavailable as exc:
        log.warning("the database's seals were not read (%s)", type(exc).__name__)
    database.dispose()
    return None


def existing_sealer(settings: Settings) -> Sealer | None:
    """The seal the clinic's database keeps (sample-pdf), without making one; else None."""
    database = _existing_database(settings)
    if database is None:
        return None
    try:
        return stored_sealer(settings, database)
    except DomainError:
        return None
    finally:
        database.dispose()


def verification_certificates(settings: Settings) -> list[Any]:
    """What `cli.py verify` trusts by default: every seal the clinic's database knows (any
    server's), the configured PKCS#12 and a certificate still in the data directory. Never
    creates a key or a database; a database it cannot read adds nothing."""
    from forms.seal import default_cert_path

    certs: list[Any] = []
    p12 = pkcs12_sealer(settings)
    if p12 is not None:
        certs.append(p12.certificate)
    path = default_cert_path(settings)
    if path is not None:
        certs.append(path)
    database = _existing_database(settings)
    if database is None:
        return certs
    try:
        with database.uow(read_only=True) as uow:
            known = ClinicSeals(uow.connection).all()
    finally:
        database.dispose()
    return certs + list(_certificates(known))
