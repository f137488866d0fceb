"""A staff checklist's answers kept as they are given (issue #18): the nurse's pre-procedure
checklist, the time-out and the procedure sign-out, saved at each answer like the patient's
taps, so a nurse whose app server goes away (or who reloads) finds them on the next one.

A draft belongs to the consent's checklist, not to one nurse: whoever opens the checklist next
gets the answers so far with the name of who gave them and when, and her own answers then make
the draft hers. It is never the record: only what is signed or saved is (the submitting step
deletes the draft in its own transaction, ``services.staff._change_consent``); no PDF, export
or audit event reads it. Answers are codes ("yes", "foam", a staff id, a site code) and the
notes as typed, sealed at rest with the clinic's key.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from errors import DomainError
from forms.record_parts import as_consent_id
from services.auth import StaffSession
from services.context import AppContext

VERIFY = "verify"  # the nurse's pre-procedure checklist (app_pages/staff_verify.py)
TIMEOUT = "timeout"  # the time-out just before the procedure (same page)
SIGN_OUT = "sign_out"  # the procedure sign-out's fields (app_pages/staff_procedure_sign_out.py)
CHECKLISTS = (VERIFY, TIMEOUT, SIGN_OUT)

KEPT_FOR = dt.timedelta(hours=12)  # a clinic day: an older draft is not offered again
MAX_CHARS = 40_000  # every field of the sign-out with its longest notes fits well within this
TOO_LONG = "These answers are too long to keep. Shorten the notes and try again."

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class ChecklistDraft:
    """The answers so far: field name -> value (a code, a number, an ISO date, a note)."""

    answers: dict[str, Any]
    by_id: int
    by_name: str
    updated_at: dt.datetime

    def by(self, staff: StaffSession) -> bool:
        """Whether ``staff`` gave these answers (else the page names who did)."""
        return self.by_id == staff.id


def _checked(checklist: str) -> str:
    if checklist not in CHECKLISTS:
        raise ValueError(f"unknown checklist {checklist!r}")  # a programming error, not input
    return checklist


def _plain(answers: Mapping[str, Any]) -> dict[str, Scalar | list[Scalar]]:
    """The answers as JSON data: str keys, scalar values or lists of scalars; bounded."""
    plain: dict[str, Scalar | list[Scalar]] = {}
    for name, value in answers.items():
        if isinstance(value, list | tuple):
            if not all(isinstance(v, Scalar) for v in value):
                raise TypeError(f"{name}: a draft holds plain values")
            plain[str(name)] = list(value)
        elif isinstance(value, Scalar):
            plain[str(name)] = value
        else:
            raise TypeError(f"{name}: a draft holds plain values, not {type(value).__name__}")
    if len(json.dumps(plain, ensure_ascii=False)) > MAX_CHARS:
        raise DomainError(TOO_LONG)
    return plain


def save(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id: uuid.UUID | str,
    checklist: str,
    answers: Mapping[str, Any],
) -> None:
    """Keep the checklist's answers so far (one statement, like a patient's tap). Nothing is
    audited: a draft decides nothing; the step that submits it is audited."""
    if staff is None:
        raise DomainError("Please sign in as staff first.")
    plain = _plain(answers)
    cid = str(as_consent_id(consent_id))
    with ctx.database.uow(durable=False) as uow:  # a draft step, never a consent
        uow.checklist_drafts.save(cid, _checked(checklist), plain, staff.id, ctx.clock.now())
        uow.commit()


def load(ctx: AppContext, consent_id: uuid.UUID | str, checklist: str) -> ChecklistDraft | None:
    """The answers kept for this consent's checklist, or None (none, or older than a day)."""
    since = ctx.clock.now() - KEPT_FOR
    with ctx.database.uow(read_only=True) as uow:  # one SELECT, no write lock
        row = uow.checklist_drafts.load(str(as_consent_id(consent_id)), _checked(checklist), since)
    if row is None:
        return None
    return ChecklistDraft(row.answers, row.by_id, row.by_name, row.updated_at)


def purge_in(uow, now: dt.datetime) -> int:  # type: ignore[no-untyped-def]
    """Delete, in ``uow``, drafts nobody has touched for a clinic day (``load`` no longer offers
    them); the nightly purge-drafts job calls it beside the patient drafts'."""
    return uow.checklist_drafts.purge_older_than(now - KEPT_FOR)
