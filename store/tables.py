"""Table definitions (SQLAlchemy Core). Migrations under store/migrations create exactly these.

The consent's full record is kept as JSON (the source of truth for ``get``); the columns beside it
are copies for searching and listing. Signature images and strokes are moved out of that JSON into
``signatures`` so they can be encrypted at rest together with the PDFs in ``documents``.
With an encryption key, every personal column is ciphertext (store/crypto.py says how each kind is
marked) and search goes through ``search_tags`` (store/blind_index.py); status, times, pack ids and
codes stay in clear so lists and queues can be queried.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from store.coltypes import UTCDateTime

# Stable constraint names so migrations can refer to them on both databases.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

consents = Table(
    "consents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("legal_name", Text, nullable=False),  # encrypted with a key
    # Normalised (lower case, no accents) for search without a key; empty with one (search_tags).
    Column("name_key", Text, nullable=False),
    Column("date_of_birth", Text, nullable=False),  # ISO date, encrypted with a key
    Column("mrn", Text),  # encrypted with a key
    Column("pack_id", String(64), nullable=False),
    Column("pack_version", String(32), nullable=False),
    Column("pack_language", String(16), nullable=False),
    Column("pack_fingerprint", String(64), nullable=False),
    Column("site", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", Text),
    Column("draft_token", String(128), unique=True),
    Column("demo", Boolean, nullable=False, default=False),
    Column("record", JSON, nullable=False),  # {"enc1": token} with a key
    # The course (issue #14), copies of the record's kind / visit_of / replaces: ids and codes.
    Column("kind", String(16), nullable=False, server_default="consent"),  # or "visit"
    Column("course_id", String(36), index=True),  # a visit's course consent
    Column("replaces_id", String(36), index=True),  # a re-consent's replaced consent
    Index("ix_consents_created_at", "created_at"),
    # (name_key, id): a clear name search reads the index alone, never the rows (issue #17).
    Index("ix_consents_name_key", "name_key", "id"),
    Index("ix_consents_date_of_birth", "date_of_birth"),
)

acknowledgements = Table(
    "acknowledgements",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("consent_id", String(36), ForeignKey("consents.id"), nullable=False, index=True),
    Column("item_id", String(64), nullable=False),
    Column("acknowledged_at", UTCDateTime, nullable=False),
    Column("question_for_doctor", Boolean, nullable=False),
)

screening_answers = Table(
    "screening_answers",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("consent_id", String(36), ForeignKey("consents.id"), nullable=False, index=True),
    Column("question_id", String(64), nullable=False),
    Column("answer", Text, nullable=False),  # encrypted with a key (a health answer)
    Column("flag", Text),  # encrypted with a key
    Column("answered_at", UTCDateTime, nullable=False),
)

signatures = Table(
    "signatures",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("consent_id", String(36), ForeignKey("consents.id"), nullable=False, index=True),
    Column("slot", String(32), nullable=False),  # where in the record: patient, interpreter, ...
    Column("role", String(32), nullable=False),
    Column("printed_name", Text, nullable=False),  # encrypted with a key
    Column("signed_at", UTCDateTime, nullable=False),
    Column("encrypted", Boolean, nullable=False),
    Column("png", LargeBinary),
    Column("strokes", LargeBinary, nullable=False),  # JSON bytes, encrypted like the PNG
)

# The blind index: HMAC tags of name words, whole name and birth date (store/blind_index.py).
search_tags = Table(
    "search_tags",
    metadata,
    Column("consent_id", String(36), ForeignKey("consents.id"), primary_key=True),
    Column("tag", String(32), primary_key=True),
    Index("ix_search_tags_tag", "tag", "consent_id"),  # a lookup by tag reads only the index
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("consent_id", String(36), ForeignKey("consents.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("encrypted", Boolean, nullable=False),
    Column("blob", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

drafts = Table(
    "drafts",
    metadata,
    Column("token", String(128), primary_key=True),
    Column("state", JSON, nullable=False),  # {"enc1": token} with a key
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("closed_at", UTCDateTime),
)

# A staff checklist's answers before it is signed or saved (issue #18), one row per consent and
# checklist ("verify", "timeout", "sign_out"), so a nurse sent to another server finds them.
# Not the record: never rendered; deleted in the transaction that submits the checklist.
checklist_drafts = Table(
    "checklist_drafts",
    metadata,
    Column("consent_id", String(36), ForeignKey("consents.id"), primary_key=True),
    Column("checklist", String(16), primary_key=True),
    Column("answers", JSON, nullable=False),  # codes and typed notes; {"enc1": token} with a key
    Column("by_id", Integer, ForeignKey("staff_users.id"), nullable=False),  # who answered last
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False, index=True),
)

# Old and new values are canonical JSON text, not a JSON type, so the bytes the hash covers are
# exactly the bytes stored (a JSON type may reorder keys or reformat numbers).
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # chain position, 1, 2, ...
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor_id", String(120), nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("action", String(64), nullable=False, index=True),
    Column("consent_id", String(36), index=True),
    Column("old", Text),
    Column("new", Text),
    Column("session_id", String(128)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# One row: the last event's position and hash. Appending updates it first, which serialises
# concurrent appends on both databases, and lets check_chain notice a deleted last event.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

staff_users = Table(
    "staff_users",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("username", String(60), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("roles", Text, nullable=False),  # comma-separated role names
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("demo", Boolean, nullable=False, default=False),
    sqlite_autoincrement=True,  # SQLite: never reuse the id of a deleted account
)

# A staff sign-in that any app server can resume (issue #18). The id is StaffSession.session_id
# (in audit events, not a secret); the browser's HttpOnly cookie holds a random token of which
# only the SHA-256 is kept (null until a one-time ticket hands the cookie over).
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("token_hash", String(64), unique=True),
    Column("user_id", Integer, ForeignKey("staff_users.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),  # saved at most once a minute
    Column("expires_at", UTCDateTime, nullable=False),  # absolute, however active
    Column("ended_at", UTCDateTime),
    Column("ended_reason", String(32)),  # user, idle, handoff, ...
)

# One-time tickets: the script hands one to the browser, which trades it (in a POST body, never
# a URL) for the cookie at /_consent/session; only the SHA-256 is kept, used once, ~60 s.
staff_session_tickets = Table(
    "staff_session_tickets",
    metadata,
    Column("ticket_hash", String(64), primary_key=True),
    Column("session_id", String(128), ForeignKey("staff_sessions.id"), nullable=False, index=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
)

# Which content version new consents start on (REDCap-like): an admin's activation, one row each,
# never updated; the newest row per (pack, language) wins unless CONSENT_ACTIVE_VERSIONS pins one
# (services.context.AppContext.active_pack). The name is the staff member's, in clear as above.
pack_activations = Table(
    "pack_activations",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("pack_id", String(64), nullable=False),
    Column("language", String(16), nullable=False),
    Column("version", String(32), nullable=False),
    Column("activated_at", UTCDateTime, nullable=False),
    Column("activated_by_id", Integer, ForeignKey("staff_users.id"), nullable=False),
    Column("activated_by_name", String(120), nullable=False),
    Index("ix_pack_activations_pack_id", "pack_id", "language", "id"),
    sqlite_autoincrement=True,  # ids only grow: "newest" is the highest id
)

# The clinic's seals (issue #18): every app server seals with the current one and trusts them all,
# so a PDF sealed by any server verifies on every other. A generated key is kept here, PKCS#8
# encrypted under CONSENT_SEAL_KEY_PASSPHRASE when one is set, so all servers on this database use
# the same; a PKCS#12's key never is (each server is given the file), only its certificate. An
# earlier seal keeps its certificate (its PDFs still verify) and loses its key.
clinic_seals = Table(
    "clinic_seals",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("fingerprint", String(64), nullable=False, unique=True),  # certificate SHA-256, hex
    Column("source", String(16), nullable=False),  # "generated" or "pkcs12"
    Column("certificate", Text, nullable=False),  # PEM
    Column("private_key", LargeBinary),  # the generated key in use only
    Column("current", Boolean, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    sqlite_autoincrement=True,
)

GENESIS_HASH = "0" * 64
