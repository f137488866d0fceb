"""Site codes: a consent whose site was stored as words ("Left leg") now holds the code (left_leg).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Before this revision the record kept the patient's site choice as its text in the clinic's
language; from now on it keeps the code and every screen and document renders the words
(``checklist.sites``). This rewrites the ``site`` of each consent whose site is exactly one of the
catalog's labels (any language, ignoring case and spacing) to its code, in the record JSON and in
the ``site`` column beside it. Anything else (a staff member's free text such as "Left leg, below
knee") is left as recorded and is shown as recorded. Safe to re-run: a code is not a label, so a
second run finds nothing and appends nothing.

Where it is: the record body is plain JSON in ``consents.record`` (store/consents.py); only the
signature images and strokes (``signatures``) and the PDFs (``documents``) are encrypted with the
Fernet key. So no key is needed and none is read; encrypted data is never touched.

The record's SHA-256 (printed in every sealed PDF, and in the ``document.issued`` audit event as
``record_sha256``) covers the whole record, so re-writing ``site`` changes it: a PDF issued before
this migration prints the hash of the record *as it was*, and re-hashing the stored record no
longer gives that number. Sealed PDFs are evidence and are never re-written or re-sealed here (the
migration could not, and must not, change what was signed). What it does instead, the honest
behaviour: for every consent it changes it appends one event to the hash-chained audit trail,
``consent.site_recoded``, with the words it replaced (``old``) and the code (``new``), so anyone
checking an older PDF's hash can see why it differs and get it back (put the old words back into
``site`` and hash again). The next document issued for that consent prints the new hash.

The labels are frozen here, as the message catalog held them when this revision was written (the
only words the app could have stored); tests/store/test_store_migrations.py checks they match it.
Downgrade changes nothing: a code is still readable as text by older code, and which consents held
words is kept in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTOR = "system"
ACTION = "consent.site_recoded"

# patient.site.<code> in every catalog language (language/messages/*/patient.yaml).
LABELS: dict[str, dict[str, str]] = {
    "left_leg": {"en": "Left leg", "es": "Pierna izquierda"},
    "right_leg": {"en": "Right leg", "es": "Pierna derecha"},
    "both_legs": {"en": "Both legs", "es": "Las dos piernas"},
}

consents = sa.table(
    "consents",
    sa.column("id", sa.String(36)),
    sa.column("site", sa.Text()),
    sa.column("record", sa.JSON()),
)
audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.String(120)),
    sa.column("actor_role", sa.String(32)),
    sa.column("action", sa.String(64)),
    sa.column("consent_id", sa.String(36)),
    sa.column("old", sa.Text()),
    sa.column("new", sa.Text()),
    sa.column("session_id", sa.String(128)),
    sa.column("prev_hash", sa.String(64)),
    sa.column("hash", sa.String(64)),
)
audit_head = sa.table(
    "audit_head",
    sa.column("id", sa.Integer()),
    sa.column("last_id", sa.Integer()),
    sa.column("last_hash", sa.String(64)),
)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


_CODE_OF = {_key(label): code for code, words in LABELS.items() for label in words.values()}


def code_for(site: object) -> str | None:
    """The code for a stored label, or None for a code, free text or anything else."""
    return _CODE_OF.get(_key(site)) if isinstance(site, str) else None


def _canonical(value: Any) -> str:  # store.audit.canonical_json, frozen
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _event_hash(prev_hash: str, fields: dict[str, Any]) -> str:  # store.audit.event_hash, frozen
    payload = dict(fields, at=fields["at"].astimezone(dt.UTC).isoformat(timespec="microseconds"))
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def _append(conn: sa.Connection, at: dt.datetime, consent_id: str, old: str, new: str) -> None:
    """One audit event, chained exactly as store.audit.AuditRepository.append does."""
    head = conn.execute(
        sa.update(audit_head)
        .where(audit_head.c.id == 1)
        .values(last_id=audit_head.c.last_id + 1)
        .returning(audit_head.c.last_id, audit_head.c.last_hash)
    ).one()
    fields = {
        "id": head.last_id,
        "at": at,
        "actor_id": ACTOR,
        "actor_role": ACTOR,
        "action": ACTION,
        "consent_id": consent_id,
        "old": _canonical({"site": old}),
        "new": _canonical({"site": new, "revision": revision}),
        "session_id": None,
    }
    digest = _event_hash(head.last_hash, fields)
    stored_at = at.replace(tzinfo=None) if conn.dialect.name == "sqlite" else at  # as UTCDateTime
    conn.execute(
        sa.insert(audit_events).values(
            **dict(fields, at=stored_at), prev_hash=head.last_hash, hash=digest
        )
    )
    conn.execute(sa.update(audit_head).where(audit_head.c.id == 1).values(last_hash=digest))


def upgrade() -> None:
    conn = op.get_bind()
    at = dt.datetime.now(dt.UTC)
    rows = conn.execute(sa.select(consents.c.id, consents.c.site).order_by(consents.c.id)).all()
    for row in rows:
        if code_for(row.site) is None:
            continue  # the column mirrors record.site; the record is checked below all the same
        record = conn.execute(
            sa.select(consents.c.record).where(consents.c.id == row.id)
        ).scalar_one()
        record = record if isinstance(record, dict) else json.loads(record)
        old = record.get("site")
        code = code_for(old)
        if code is None:
            continue
        record["site"] = code
        conn.execute(
            sa.update(consents).where(consents.c.id == row.id).values(site=code, record=record)
        )
        _append(conn, at, row.id, old, code)


def downgrade() -> None:
    pass  # see the module docstring: codes stay, the audit trail says which were words
