"""Encryption at rest (Fernet: AES-128-CBC + HMAC-SHA256): the one home for sealing stored values.

The key comes from settings.encryption_key. Several keys may be given separated by commas: the
first encrypts, all decrypt, so a clinic can switch keys first and re-encrypt with
``python cli.py rotate-key`` after. Every stored value says whether it is encrypted, so turning
encryption on later still reads older plaintext rows:
- blobs (PDFs, signature images and strokes) carry an ``encrypted`` column beside them;
- text (names, birth dates, MRNs, printed names, screening answers) is stored as ``enc1:<token>``;
- JSON (the consent record, a draft's state) is stored as ``{"enc1": "<token>"}``.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from store.errors import KeyMismatch

WRONG_KEY = (
    "The encryption key does not match the one these records were stored with. "
    "Check CONSENT_ENCRYPTION_KEY; nothing was shown or changed."
)
NO_KEY = (
    "These records are stored encrypted but no encryption key is set. "
    "Set CONSENT_ENCRYPTION_KEY to the clinic's key."
)
BAD_KEY = "CONSENT_ENCRYPTION_KEY is not a valid key. Make one with `python cli.py gen-key`."

TEXT_PREFIX = "enc1:"  # a Fernet token always starts "gAAAAA" (version byte 0x80)
JSON_KEY = "enc1"
_INDEX_PURPOSE = b"consent blind index v1"  # HKDF info: the search key is never the cipher key


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def split_keys(key: str | None) -> list[str]:
    return [k.strip() for k in (key or "").split(",") if k.strip()]


def index_key(fernet_key: str) -> bytes:
    """The blind index's HMAC key, derived from one Fernet key for that purpose only."""
    raw = base64.urlsafe_b64decode(fernet_key.encode("ascii"))
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INDEX_PURPOSE)
    return hkdf.derive(raw)


class BlobCipher:
    def __init__(self, key: str | None) -> None:
        self.keys = split_keys(key)
        self._fernet: MultiFernet | None = None
        self._primary: Fernet | None = None
        if self.keys:
            try:
                fernets = [Fernet(k.encode("ascii")) for k in self.keys]
            except (ValueError, UnicodeEncodeError) as exc:
                raise KeyMismatch(BAD_KEY) from exc
            self._fernet = MultiFernet(fernets)
            self._primary = fernets[0]
        self._index_keys = [index_key(k) for k in self.keys]

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    @property
    def index_keys(self) -> list[bytes]:
        """HMAC keys of the blind index: the first writes, all are searched (as for decrypting)."""
        return self._index_keys

    # --- blobs ----------------------------------------------------------------------------
    def seal(self, data: bytes) -> tuple[bytes, bool]:
        """(blob to store, whether it is encrypted)."""
        if self._fernet is None:
            return data, False
        return self._fernet.encrypt(data), True

    def open(self, blob: bytes, encrypted: bool) -> bytes:
        if not encrypted:
            return bytes(blob)
        if self._fernet is None:
            raise KeyMismatch(NO_KEY)
        try:
            return self._fernet.decrypt(bytes(blob))
        except InvalidToken as exc:
            raise KeyMismatch(WRONG_KEY) from exc

    def is_current(self, token: bytes | str) -> bool:
        """Whether ``token`` (a blob, or a sealed text's token) is under the first key."""
        if self._primary is None:
            return False
        try:
            self._primary.decrypt(token)
        except InvalidToken:
            return False
        return True

    # --- text -----------------------------------------------------------------------------
    def seal_text(self, value: str | None) -> str | None:
        if value is None or self._fernet is None:
            return value
        return TEXT_PREFIX + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open_text(self, value: str | None) -> str | None:
        if not is_sealed_text(value):
            return value
        assert value is not None
        return self.open(value[len(TEXT_PREFIX) :].encode("ascii"), True).decode("utf-8")

    # --- JSON -----------------------------------------------------------------------------
    def seal_json(self, value: Any) -> Any:
        if self._fernet is None:
            return value
        data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return {JSON_KEY: self._fernet.encrypt(data).decode("ascii")}

    def open_json(self, value: Any) -> Any:
        if isinstance(value, str):  # a driver that hands JSON back as text
            value = json.loads(value)
        if not is_sealed_json(value):
            return value
        return json.loads(self.open(value[JSON_KEY].encode("ascii"), True))


def is_sealed_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TEXT_PREFIX + "gAAAAA")


def is_sealed_json(value: object) -> bool:
    return (
        isinstance(value, dict) and list(value) == [JSON_KEY] and isinstance(value[JSON_KEY], str)
    )


def token_of(value: Any) -> bytes:
    """The Fernet token inside a sealed text or sealed JSON value."""
    if is_sealed_text(value):
        return str(value)[len(TEXT_PREFIX) :].encode("ascii")
    return str(value[JSON_KEY]).encode("ascii")
