"""The keyed blind index staff search uses when names and birth dates are encrypted.

Each consent gets a set of tags in ``search_tags``: HMAC-SHA256 (key derived from the encryption
key for this purpose only, ``store.crypto.index_key``) of
- every beginning (2 to 32 characters) of every word of the normalised name (``name_key``:
  lower case, accents removed), so "jos" finds José and Josefina;
- the whole normalised name, for "every consent of this person";
- the ISO date of birth.
Search computes the same tags from what staff typed and looks them up: nothing is decrypted to
scan. What the index gives away to someone holding the database only: which consents share a
tag (the same name word or birth date), and roughly how long the names are.

Kinds are separated inside the HMAC input, so a word tag can never equal a birth-date tag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from store.text import name_key

MIN_PREFIX = 2  # one letter would tag half the patients alike and tell an observer little else
MAX_PREFIX = 32
TAG_CHARS = 32  # 128 bits of the HMAC: collisions are out of reach, rows stay small


def _tag(key: bytes, kind: str, value: str) -> str:
    mac = hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256)
    return mac.hexdigest()[:TAG_CHARS]


def _word(word: str) -> str:
    return word[:MAX_PREFIX]


def consent_tags(key: bytes, legal_name: str, date_of_birth: dt.date | str) -> set[str]:
    """Every tag one consent is stored with."""
    normal = name_key(legal_name)
    tags = {_tag(key, "name", normal), _tag(key, "dob", _iso(date_of_birth))}
    for word in normal.split():
        word = _word(word)
        for end in range(min(MIN_PREFIX, len(word)), len(word) + 1):
            tags.add(_tag(key, "word", word[:end]))
    return tags


def name_query_tags(key: bytes, query: str) -> set[str]:
    """Tags a consent must all have to match the words typed (each the start of a name word)."""
    return {_tag(key, "word", _word(w)) for w in name_key(query).split()}


def patient_tags(key: bytes, legal_name: str, date_of_birth: dt.date | str) -> set[str]:
    """Tags of one person: the same whole name (case and accents aside) and birth date."""
    return {_tag(key, "name", name_key(legal_name)), _tag(key, "dob", _iso(date_of_birth))}


def dob_tags(key: bytes, date_of_birth: dt.date | str) -> set[str]:
    return {_tag(key, "dob", _iso(date_of_birth))}


def _iso(value: dt.date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()
