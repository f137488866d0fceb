"""Bring every stored value under one key: encrypt what is in clear, re-encrypt what is under an
older key, and rebuild the blind index of each consent that changed.

Used by migration 0003 and ``python cli.py init`` (``rotate=False``: only values still in clear,
no decryption needed) and by ``python cli.py rotate-key`` (``rotate=True``). Tables are walked in
primary-key order in batches, each batch committed through ``commit``; a value already under the
target key is left alone, so after a crash the same command simply carries on. A consent's values
and its search tags change in the same batch, so the index never disagrees with its row.

It touches only these columns (all present since revision 0003); a later revision that renames one
must freeze a copy of this module for 0003.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, inspect, select, update

from store import search
from store.crypto import WRONG_KEY, BlobCipher, is_sealed_json, is_sealed_text, token_of
from store.errors import KeyMismatch
from store.tables import (
    checklist_drafts,
    consents,
    documents,
    drafts,
    screening_answers,
    signatures,
)

BATCH = 100


@dataclass
class RekeyReport:
    changed: dict[str, int] = field(default_factory=dict)  # rows rewritten, by table
    current: dict[str, int] = field(default_factory=dict)  # rows already under the key
    batches: int = 0

    @property
    def rows_changed(self) -> int:
        return sum(self.changed.values())

    @property
    def rows_current(self) -> int:
        return sum(self.current.values())


class _Rekey:
    def __init__(self, target: BlobCipher, read: BlobCipher, rotate: bool) -> None:
        if not target.enabled:
            raise ValueError("rekey needs a target key")
        self.target = BlobCipher(target.keys[0])  # writes with, and checks against, its first key
        self.read = read
        self.rotate = rotate

    def _stale(self, token: bytes | str) -> bool:
        return self.rotate and not self.target.is_current(token)

    def text(self, value: str | None) -> str | None:
        """The value to store, or the same object when it needs no change."""
        if value is None:
            return value
        if not is_sealed_text(value):
            return self.target.seal_text(value)
        if self._stale(token_of(value)):
            return self.target.seal_text(self.read.open_text(value))
        return value

    def json(self, value: Any) -> Any:
        if not is_sealed_json(value):
            return self.target.seal_json(self.read.open_json(value))
        if self._stale(token_of(value)):
            return self.target.seal_json(self.read.open_json(value))
        return value

    def blob(self, blob: bytes | None, encrypted: bool) -> bytes | None:
        if blob is None:
            return None
        if not encrypted:
            return self.target.seal(bytes(blob))[0]
        if self._stale(bytes(blob)):
            return self.target.seal(self.read.open(bytes(blob), True))[0]
        return blob


def _consent(k: _Rekey, conn: Connection, row: Any) -> dict[str, Any]:
    values = {
        "legal_name": k.text(row.legal_name),
        "date_of_birth": k.text(row.date_of_birth),
        "mrn": k.text(row.mrn),
        "record": k.json(row.record),
    }
    changed = {c: v for c, v in values.items() if v is not getattr(row, c)}
    if changed:
        changed["name_key"] = ""
        name, dob = k.read.open_text(row.legal_name), k.read.open_text(row.date_of_birth)
        assert name is not None and dob is not None
        search.write_tags(conn, k.target, row.id, name, dob)
    return changed


def _signature(k: _Rekey, conn: Connection, row: Any) -> dict[str, Any]:
    values = {
        "printed_name": k.text(row.printed_name),
        "png": k.blob(row.png, row.encrypted),
        "strokes": k.blob(row.strokes, row.encrypted),
    }
    changed = {c: v for c, v in values.items() if v is not getattr(row, c)}
    if changed.keys() & {"png", "strokes"}:  # one flag covers both: rewrite them together
        changed.update(png=values["png"], strokes=values["strokes"], encrypted=True)
    return changed


def _answer(k: _Rekey, conn: Connection, row: Any) -> dict[str, Any]:
    values = {"answer": k.text(row.answer), "flag": k.text(row.flag)}
    return {c: v for c, v in values.items() if v is not getattr(row, c)}


def _draft(k: _Rekey, conn: Connection, row: Any) -> dict[str, Any]:
    state = k.json(row.state)
    return {} if state is row.state else {"state": state}


def _checklist_draft(k: _Rekey, conn: Connection, row: Any) -> dict[str, Any]:
    answers = k.json(row.answers)
    return {} if answers is row.answers else {"answers": answers}


def _document(k: _Rekey, conn: Connection, row: Any) -> dict[str, Any]:
    blob = k.blob(row.blob, row.encrypted)
    return {} if blob is row.blob else {"blob": blob, "encrypted": True}


_Handler = Callable[[_Rekey, Connection, Any], dict[str, Any]]
# (table, its primary key, the columns read, what to write)
_TABLES: tuple[tuple[Any, ColumnElement[Any], tuple[str, ...], _Handler], ...] = (
    (consents, consents.c.id, ("legal_name", "date_of_birth", "mrn", "record"), _consent),
    (signatures, signatures.c.id, ("printed_name", "encrypted", "png", "strokes"), _signature),
    (screening_answers, screening_answers.c.id, ("answer", "flag"), _answer),
    (drafts, drafts.c.token, ("state",), _draft),
    # Newer than 0003 (revision 0009): skipped where the table is not there yet.
    (
        checklist_drafts,
        checklist_drafts.c.consent_id + ":" + checklist_drafts.c.checklist,
        ("answers",),
        _checklist_draft,
    ),
    (documents, documents.c.id, ("encrypted", "blob"), _document),
)


def rekey(
    conn: Connection,
    target: BlobCipher,
    read: BlobCipher,
    *,
    rotate: bool,
    commit: Callable[[], None] = lambda: None,
    batch: int = BATCH,
) -> RekeyReport:
    """Put every personal value under ``target``'s first key; ``read`` opens what is there now.

    ``rotate=False`` only encrypts values in clear. Raises KeyMismatch naming the row when a
    value opens with none of ``read``'s keys (the batches before it stay committed).
    """
    k = _Rekey(target, read, rotate)
    report = RekeyReport()
    present = set(inspect(conn).get_table_names())
    for table, pk, columns, handle in _TABLES:
        name = table.name
        if name not in present:
            continue
        report.changed.setdefault(name, 0)
        report.current.setdefault(name, 0)
        last: Any = None
        while True:
            stmt = select(pk, *(table.c[c] for c in columns)).order_by(pk).limit(batch)
            if last is not None:
                stmt = stmt.where(pk > last)
            rows = conn.execute(stmt).all()
            if not rows:
                break
            for row in rows:
                key = row[0]
                try:
                    changes = handle(k, conn, row)
                except KeyMismatch:
                    raise KeyMismatch(
                        f"{name} row {key}: {WRONG_KEY} The rows before it were done; "
                        "run the command again with the right old key to carry on."
                    ) from None
                if changes:
                    conn.execute(update(table).where(pk == key).values(**changes))
                    report.changed[name] += 1
                else:
                    report.current[name] += 1
            last = rows[-1][0]
            commit()
            report.batches += 1
    return report
