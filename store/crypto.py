"""Encryption at rest for PDFs and signatures (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from settings.encryption_key. Several keys may be given separated by commas: the
first encrypts, all decrypt, so a clinic can rotate keys without re-encrypting old rows at once.
Each stored blob records whether it was encrypted, so turning encryption on later still reads the
older plaintext rows.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from store.errors import KeyMismatch

WRONG_KEY = (
    "The encryption key does not match the one these records were stored with. "
    "Check CONSENT_ENCRYPTION_KEY; nothing was shown or changed."
)
NO_KEY = (
    "These records are stored encrypted but no encryption key is set. "
    "Set CONSENT_ENCRYPTION_KEY to the clinic's key."
)


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


class BlobCipher:
    def __init__(self, key: str | None) -> None:
        self._fernet: MultiFernet | None = None
        if key:
            try:
                fernets = [Fernet(k.strip().encode("ascii")) for k in key.split(",") if k.strip()]
            except (ValueError, UnicodeEncodeError) as exc:
                raise KeyMismatch(
                    "CONSENT_ENCRYPTION_KEY is not a valid key. "
                    "Make one with `python cli.py gen-key`."
                ) from exc
            self._fernet = MultiFernet(fernets) if fernets else None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

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
