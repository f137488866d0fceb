"""The error every layer raises and every screen shows: its message is written for the person at
the screen (a nurse, a patient, the front desk), never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class DomainError(Exception):
    """A rule was broken; the message says what to do."""


class IllegalTransition(DomainError):
    """A consent cannot move from its status to the one asked for."""


class ConflictError(DomainError):
    """Someone else saved this consent first."""


class ConfigurationError(Exception):
    """The app cannot start with these settings; ``str()`` is one line naming what to fix."""


def configuration_message(exc: ValidationError | ConfigurationError) -> str:
    """One line for a person: each problem with the CONSENT_ variable it comes from.

    Never the values themselves (a mistyped secret must not reach a log or the screen).
    """
    if isinstance(exc, ConfigurationError):
        return str(exc)
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        loc = [str(part) for part in error["loc"]]
        if loc:
            message = f"CONSENT_{loc[0].upper()}: {message}"
        problems.append(message)
    return "Settings are not valid: " + "; ".join(problems) + "."
