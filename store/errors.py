"""Store errors. Each is a DomainError: its message is written for the person at the screen."""

from __future__ import annotations

from errors import DomainError


class NotFound(DomainError):
    """The record asked for does not exist."""


class DuplicateSubmission(DomainError):
    """This draft was already submitted; ``existing_id`` is the consent it produced."""

    def __init__(self, existing_id: str) -> None:
        super().__init__("This consent was already submitted. Nothing was saved twice.")
        self.existing_id = existing_id


class IntegrityProblem(DomainError):
    """Stored bytes no longer match their recorded SHA-256."""


class KeyMismatch(DomainError):
    """The encryption key cannot decrypt what is stored."""


class BadText(DomainError):
    """Text the database cannot store faithfully (a NUL character)."""
