"""The error every layer raises and every screen shows: its message is written for the person at
the screen (a nurse, a patient, the front desk), never a traceback."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; the message says what to do."""


class IllegalTransition(DomainError):
    """A consent cannot move from its status to the one asked for."""


class ConflictError(DomainError):
    """Someone else saved this consent first."""
