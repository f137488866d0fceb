"""Consent records: the full record as JSON plus searchable columns and child rows.

The record JSON is the source of truth for ``get``. Signature images and strokes are taken out of
it and kept in ``signatures`` (encrypted when a key is set); ``get`` puts them back, so what comes
out equals what went in. Acknowledgement and screening rows are copies for reporting.
With a key every personal value is sealed by ``database.cipher`` (store/crypto.py) on the way in
and opened on the way out, here and nowhere else; search uses the blind index (store/search.py).

It is over 300 lines because it is one repository: saving, versioned updates, the day lists and
search all read and write the same columns and child rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Row,
    Text,
    and_,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError

from errors import ConflictError
from forms.record_parts import Signature
from forms.records import Consent, Status
from store import search as where
from store.crypto import NO_KEY, WRONG_KEY
from store.errors import DuplicateSubmission, IntegrityProblem, KeyMismatch, NotFound
from store.tables import acknowledgements, consents, screening_answers, signatures
from store.text import name_key, reject_nul
from store.unreadable import Unreadable, why

if TYPE_CHECKING:
    from store.db import Database

NOT_FOUND = "That consent could not be found. It may have been opened from an old link."

# Where signatures sit in a record: slot name -> (get the Signature, path to it in the JSON).
_SLOTS: dict[str, tuple[Callable[[Consent], Signature | None], tuple[str, ...]]] = {
    "patient": (lambda c: c.patient_signature, ("patient_signature",)),
    "interpreter": (
        lambda c: c.interpreter.signature if c.interpreter else None,
        ("interpreter", "signature"),
    ),
    "nurse": (
        lambda c: c.nurse_verification.signature if c.nurse_verification else None,
        ("nurse_verification", "signature"),
    ),
    "clinician": (
        lambda c: c.attestation.signature if c.attestation else None,
        ("attestation", "signature"),
    ),
}


def _dig(record: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    node: Any = record
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


class ConsentRepository:
    def __init__(self, conn: Connection, database: Database) -> None:
        self._conn = conn
        self._db = database
        self.unreadable: list[Unreadable] = []  # rows the lists of this unit of work left out

    def unreadable_rows(self) -> list[Unreadable]:
        """Every consent row that cannot be read back (for ``cli.py check-all``)."""
        self.unreadable = []
        self._load(select(consents).order_by(consents.c.created_at, consents.c.id))
        return list(self.unreadable)

    # --- writing --------------------------------------------------------------------------
    def add(self, consent: Consent, *, draft_token: str | None = None) -> None:
        """Store a new consent. A draft token that already produced a consent is refused."""
        reject_nul(consent.model_dump())
        if draft_token is not None:
            existing = self._id_for_token(draft_token)
            if existing is not None:
                raise DuplicateSubmission(existing)
        record, sig_rows = self._split(consent)
        values = self._columns(consent, record)
        # A savepoint, so a lost race on the unique draft token leaves the transaction usable.
        savepoint = self._conn.begin_nested()
        try:
            self._conn.execute(insert(consents).values(**values, draft_token=draft_token))
        except IntegrityError:
            savepoint.rollback()
            existing = self._id_for_token(draft_token) if draft_token else None
            if existing is not None:
                raise DuplicateSubmission(existing) from None
            raise
        savepoint.commit()
        self._write_children(consent, sig_rows)

    def update(
        self,
        consent: Consent,
        *,
        expected_version: int,
        actor_name: str,
        tz: ZoneInfo | str | None = None,
    ) -> None:
        """Save changes if nobody else saved since ``expected_version``; bump the version."""
        reject_nul(consent.model_dump())
        reject_nul(actor_name)
        new_version = expected_version + 1
        stored = consent.model_copy(update={"version": new_version})
        record, sig_rows = self._split(stored)
        values = self._columns(stored, record)
        values.pop("id")
        result = self._conn.execute(
            update(consents)
            .where(and_(consents.c.id == str(consent.id), consents.c.version == expected_version))
            .values(**values, updated_by=actor_name)
        )
        if result.rowcount != 1:
            row = self._conn.execute(
                select(consents.c.updated_by, consents.c.updated_at).where(
                    consents.c.id == str(consent.id)
                )
            ).one_or_none()
            if row is None:
                raise NotFound(NOT_FOUND)
            when = row.updated_at.astimezone(where.zone(tz, self._db.tz)).strftime(
                "%Y-%m-%d %H:%M %Z"
            )
            who = row.updated_by or "someone else"
            raise ConflictError(f"Changed by {who} at {when}. Reload to see the latest.")
        cid = str(consent.id)
        for table in (acknowledgements, screening_answers, signatures):
            self._conn.execute(delete(table).where(table.c.consent_id == cid))
        self._write_children(stored, sig_rows)
        consent.version = new_version

    # --- reading --------------------------------------------------------------------------
    def get(self, consent_id: str | uuid.UUID) -> Consent:
        try:
            cid = str(uuid.UUID(str(consent_id)))
        except ValueError:
            raise NotFound(NOT_FOUND) from None
        found = self._load(select(consents).where(consents.c.id == cid))
        if not found:
            bad = next((u for u in self.unreadable if u.consent_id == cid), None)
            if bad is not None and bad.reason == why(KeyMismatch()):
                # The key, not the row, is wrong: say so plainly (settings to fix, nothing damaged).
                raise KeyMismatch(WRONG_KEY if self._db.cipher.enabled else NO_KEY)
            if bad is not None:
                raise IntegrityProblem(
                    f"Consent {cid} cannot be read: {bad.reason}. Nothing was changed; report it "
                    "to the administrator (python cli.py check-all names every such record)."
                )
            raise NotFound(NOT_FOUND)
        return found[0]

    def find_by_draft_token(self, token: str) -> Consent | None:
        found = self._load(select(consents).where(consents.c.draft_token == token))
        return found[0] if found else None

    def list_for_day(
        self,
        day: dt.date,
        tz: ZoneInfo | str | None = None,
        statuses: Iterable[Status | str] | None = None,
        *,
        days: int = 1,
    ) -> list[Consent]:
        """Consents created on ``day`` (and the ``days - 1`` after it) in the clinic's zone,
        oldest first: a range of the created_at index, so past days cost nothing."""
        zone = where.zone(tz, self._db.tz)
        start = where.day_start(day, zone)
        end = where.day_start(day + dt.timedelta(days=days), zone)
        stmt = select(consents).where(consents.c.created_at >= start, consents.c.created_at < end)
        if statuses is not None:
            stmt = stmt.where(consents.c.status.in_([Status(s).value for s in statuses]))
        return self._load(stmt.order_by(consents.c.created_at, consents.c.id))

    def search(self, *query: Any, limit: int = 200, offset: int = 0, **named: Any) -> list[Consent]:
        """``search_page``'s rows for ``limit``/``offset``: newest first. Name, ignoring case and
        accents: any part of the legal name; with a key, each word typed starts a word of the
        name (blind index). Dates: created on or after date_from and on or before date_to
        (clinic days)."""
        return self.search_page(*query, size=limit, offset=offset, **named)[0]

    def search_page(
        self,
        name: str | None = None,
        date_of_birth: dt.date | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        tz: ZoneInfo | str | None = None,
        *,
        size: int,
        offset: int = 0,
    ) -> tuple[list[Consent], bool]:
        """One page of ``search`` and whether more follow. The matching ids are found first,
        from the indexes alone (the blind index, created_at, the clear name key), and only the
        page's rows are then read and decrypted: a search costs what it shows."""
        zone = where.zone(tz, self._db.tz)
        newest = where.newest_ids(self._db.cipher, name, date_of_birth, date_from, date_to, zone)
        ids = list(self._conn.execute(newest.limit(size + 1).offset(offset)).scalars())
        place = {cid: i for i, cid in enumerate(ids[:size])}
        found = self._load(select(consents).where(consents.c.id.in_(list(place)))) if ids else []
        return sorted(found, key=lambda x: place[str(x.id)]), len(ids) > size

    def for_patient(self, legal_name: str, date_of_birth: dt.date) -> list[Consent]:
        """Every consent of one person (same name ignoring case/accents, same birth date)."""
        stmt = (
            select(consents)
            .where(where.one_person(self._db.cipher, legal_name, date_of_birth))
            .order_by(consents.c.created_at, consents.c.id)
        )
        return self._load(stmt)

    # --- the course (issue #14): the listing columns, so no list loads every record -----------
    def visits_of(self, course_id: str | uuid.UUID) -> list[Consent]:
        """A course's visit records (any status), oldest first."""
        return self._load(_oldest_first(select(consents).where(where.visits_of([course_id]))))

    def course_records(self, ids: Iterable[str | uuid.UUID]) -> list[Consent]:
        """The consents with these ids, their visits and the re-consents replacing them, oldest
        first: what a staff list needs to say where each listed record's course stands."""
        return self._load(_oldest_first(select(consents).where(where.course_records(ids))))

    def on_version(self, pack_id: str, version: str, language: str) -> list[Consent]:
        """Every record made on one content version (any status or kind), oldest first."""
        c = consents.c
        on = and_(c.pack_id == pack_id, c.pack_version == version, c.pack_language == language)
        return self._load(_oldest_first(select(consents).where(on)))

    def count_non_demo(self) -> int:
        stmt = select(func.count()).select_from(consents).where(consents.c.demo.is_(False))
        return int(self._conn.execute(stmt).scalar_one())

    # --- helpers --------------------------------------------------------------------------
    def _id_for_token(self, token: str) -> str | None:
        return self._conn.execute(
            select(consents.c.id).where(consents.c.draft_token == token)
        ).scalar_one_or_none()

    def _split(self, consent: Consent) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The record JSON without signature images/strokes, and the signature rows."""
        record = json.loads(consent.model_dump_json())
        rows = []
        for slot, (getter, path) in _SLOTS.items():
            sig = getter(consent)
            node = _dig(record, path)
            if sig is None or node is None:
                continue
            png, png_encrypted = (None, False)
            if sig.png is not None:
                png, png_encrypted = self._db.cipher.seal(sig.png)
            strokes_json = json.dumps([s.model_dump(mode="json") for s in sig.strokes]).encode()
            strokes, strokes_encrypted = self._db.cipher.seal(strokes_json)
            rows.append(
                {
                    "slot": slot,
                    "role": sig.role.value,
                    "printed_name": self._db.cipher.seal_text(sig.printed_name),
                    "signed_at": sig.signed_at,
                    "encrypted": png_encrypted or strokes_encrypted,
                    "png": png,
                    "strokes": strokes,
                }
            )
            node["png"] = None
            node["strokes"] = []
        return record, rows

    def _columns(self, consent: Consent, record: dict[str, Any]) -> dict[str, Any]:
        p, seal = consent.patient, self._db.cipher
        return {
            "id": str(consent.id),
            "status": consent.status.value,
            "version": consent.version,
            "legal_name": seal.seal_text(p.legal_name),
            "name_key": "" if seal.enabled else name_key(p.legal_name),
            "date_of_birth": seal.seal_text(p.date_of_birth.isoformat()),
            "mrn": seal.seal_text(p.mrn),
            "pack_id": consent.pack.pack_id,
            "pack_version": consent.pack.version,
            "pack_language": consent.pack.language,
            "pack_fingerprint": consent.pack.fingerprint,
            "site": consent.site,
            "created_at": consent.created_at,
            "updated_at": consent.updated_at,
            "demo": consent.demo,
            "record": seal.seal_json(record),
            "kind": consent.kind,
            "course_id": str(consent.visit_of.consent_id) if consent.visit_of else None,
            "replaces_id": str(consent.replaces.consent_id) if consent.replaces else None,
        }

    def _write_children(self, consent: Consent, sig_rows: list[dict[str, Any]]) -> None:
        cid, seal = str(consent.id), self._db.cipher.seal_text
        p = consent.patient
        where.write_tags(self._conn, self._db.cipher, cid, p.legal_name, p.date_of_birth)
        if consent.acknowledgements:
            self._conn.execute(
                insert(acknowledgements),
                [
                    {
                        "consent_id": cid,
                        "item_id": a.item_id,
                        "acknowledged_at": a.acknowledged_at,
                        "question_for_doctor": a.question_for_doctor,
                    }
                    for a in consent.acknowledgements
                ],
            )
        if consent.screening:
            self._conn.execute(
                insert(screening_answers),
                [
                    {
                        "consent_id": cid,
                        "question_id": s.question_id,
                        "answer": seal(s.answer.value),
                        "flag": seal(s.flag.value) if s.flag else None,
                        "answered_at": s.answered_at,
                    }
                    for s in consent.screening
                ],
            )
        if sig_rows:
            self._conn.execute(insert(signatures), [{**r, "consent_id": cid} for r in sig_rows])

    def _load(self, stmt: Any) -> list[Consent]:
        """The consents ``stmt`` selects. A row that cannot be read back (broken JSON, a record
        that no longer validates, a value that does not decrypt) is left out and named in
        ``self.unreadable``: one bad row never breaks a list (issue #12, point 10)."""
        # The record as the driver gives it (SQLite: text): a JSON type would parse every row
        # while fetching, and one broken row would fail the whole list.
        raw_record = type_coerce(consents.c.record, Text).label("record")
        stmt = stmt.with_only_columns(
            *(raw_record if c.key == "record" else c for c in consents.c),
            maintain_column_froms=True,
        )
        rows = self._conn.execute(stmt).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        sigs: dict[str, list[Row[Any]]] = {}
        for sig in self._conn.execute(select(signatures).where(signatures.c.consent_id.in_(ids))):
            sigs.setdefault(sig.consent_id, []).append(sig)
        found = []
        for r in rows:
            try:
                found.append(self._assemble(r, sigs.get(r.id, [])))
            except (ValueError, TypeError, KeyError, AttributeError, KeyMismatch) as exc:
                self.unreadable.append(Unreadable(str(r.id), r.status, why(exc)))
        return found

    def _assemble(self, row: Row[Any], sig_rows: list[Row[Any]]) -> Consent:
        record = self._db.cipher.open_json(row.record)
        for sig in sig_rows:
            node = _dig(record, _SLOTS[sig.slot][1])
            if node is None:
                continue
            strokes = json.loads(self._db.cipher.open(sig.strokes, sig.encrypted))
            node["strokes"] = strokes
            if sig.png is not None:
                png = self._db.cipher.open(sig.png, sig.encrypted)
                node["png"] = _b64(png)
        return Consent.model_validate_json(json.dumps(record))


def _oldest_first(stmt: Any) -> Any:
    return stmt.order_by(consents.c.created_at, consents.c.id)


def _b64(data: bytes) -> str:
    # pydantic's base64 for bytes is the URL-safe alphabet.
    return base64.urlsafe_b64encode(data).decode("ascii")
