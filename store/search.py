"""Search conditions on consents: by name, by birth date, one person's consents, a course's
records (the ``course_id`` listing column; ids, never personal, in clear with or without a key).

Without a key the clear columns are searched (``name_key`` LIKE any part of the name). With a key
the blind index is (``search_tags``, store/blind_index.py): each word typed must start a word of
the name. Both run together, so rows stored in clear before the key was set (and not yet
encrypted by ``rotate-key``/``init``) are still found; an encrypted row's clear columns are empty
or ciphertext and never match. Every configured key is searched, like every key decrypts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    union,
)

from store import blind_index
from store.crypto import BlobCipher
from store.tables import consents, search_tags
from store.text import like_pattern, name_key


def _has_all(tags: set[str]) -> Select[Any]:
    """Ids of consents holding every one of ``tags`` (the primary key makes each pair unique);
    read from the (tag, consent_id) index alone."""
    return (
        select(search_tags.c.consent_id.label("id"))
        .where(search_tags.c.tag.in_(sorted(tags)))
        .group_by(search_tags.c.consent_id)
        .having(func.count() == len(tags))
    )


def _either(clear: ColumnElement[bool], tag_sets: Iterable[set[str]]) -> ColumnElement[bool]:
    """Consents whose clear columns match, or that hold every tag of one of ``tag_sets``.

    An id list made by UNION of index lookups, never ``clear OR tags`` on the table: the OR, or
    a LIKE beside the ORDER BY, makes both databases read every consent row (each holds its
    whole record). ``clear`` must be answerable from an index (see ``by_name``)."""
    # correlate(None): the clear half reads consents itself, it is not a condition on the outer row
    clear_ids = select(consents.c.id).where(clear).correlate(None)
    indexed = [_has_all(tags) for tags in tag_sets if tags]
    return consents.c.id.in_(union(clear_ids, *indexed) if indexed else clear_ids)


def by_name(cipher: BlobCipher, name: str) -> ColumnElement[bool]:
    # "> ''" first: encrypted rows keep an empty name_key, so with a key only the rows stored
    # in clear are read, from the (name_key, id) index; without one, that index, not the table.
    clear = and_(
        consents.c.name_key > "",
        consents.c.name_key.like(like_pattern(name_key(name)), escape="\\"),
    )
    return _either(clear, (blind_index.name_query_tags(k, name) for k in cipher.index_keys))


def by_birth_date(cipher: BlobCipher, date_of_birth: dt.date) -> ColumnElement[bool]:
    clear = consents.c.date_of_birth == date_of_birth.isoformat()
    return _either(clear, (blind_index.dob_tags(k, date_of_birth) for k in cipher.index_keys))


def one_person(cipher: BlobCipher, legal_name: str, date_of_birth: dt.date) -> ColumnElement[bool]:
    clear = and_(
        consents.c.name_key == name_key(legal_name),
        consents.c.date_of_birth == date_of_birth.isoformat(),
    )
    tag_sets = (blind_index.patient_tags(k, legal_name, date_of_birth) for k in cipher.index_keys)
    return _either(clear, tag_sets)


def zone(tz: ZoneInfo | str | None, default: ZoneInfo) -> ZoneInfo:
    """The zone a caller named (or the clinic's) for the day lists and date searches."""
    if tz is None:
        return default
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(str(tz))


def day_start(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant a clinic day begins."""
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def newest_ids(
    cipher: BlobCipher,
    name: str | None,
    date_of_birth: dt.date | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    tz: ZoneInfo,
) -> Select[Any]:
    """Ids of the consents a staff search matches (created on date_from .. date_to, clinic
    days), newest first then by id: one order that never changes, so pages never repeat or
    skip one."""
    c = consents.c
    stmt = select(c.id)
    if name and name_key(name):
        stmt = stmt.where(by_name(cipher, name))
    if date_of_birth is not None:
        stmt = stmt.where(by_birth_date(cipher, date_of_birth))
    if date_from is not None:
        stmt = stmt.where(c.created_at >= day_start(date_from, tz))
    if date_to is not None:
        stmt = stmt.where(c.created_at < day_start(date_to + dt.timedelta(days=1), tz))
    return stmt.order_by(c.created_at.desc(), c.id)


def _ids(ids: Iterable[str | uuid.UUID]) -> list[str]:
    return sorted({str(i) for i in ids})


def visits_of(course_ids: Iterable[str | uuid.UUID]) -> ColumnElement[bool]:
    """The visit records of these course consents."""
    return consents.c.course_id.in_(_ids(course_ids))


def course_records(ids: Iterable[str | uuid.UUID]) -> ColumnElement[bool]:
    """These consents, the visits of any of them that is a course, and the re-consents that
    replace one."""
    wanted = _ids(ids)
    return or_(
        consents.c.id.in_(wanted),
        consents.c.course_id.in_(wanted),
        consents.c.replaces_id.in_(wanted),
    )


def write_tags(
    conn: Connection,
    cipher: BlobCipher,
    consent_id: str,
    legal_name: str,
    date_of_birth: dt.date | str,
) -> None:
    """Replace one consent's tags (none without a key: the clear columns serve search, and a
    consent encrypted earlier could not be read without one anyway)."""
    if not cipher.enabled:
        return
    conn.execute(delete(search_tags).where(search_tags.c.consent_id == consent_id))
    tags = blind_index.consent_tags(cipher.index_keys[0], legal_name, date_of_birth)
    conn.execute(insert(search_tags), [{"consent_id": consent_id, "tag": t} for t in sorted(tags)])
