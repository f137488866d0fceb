"""Send a consent to the clinic's EHR: POST its FHIR transaction Bundle to CONSENT_FHIR_BASE_URL.

The bundle is the one ``ehr_bundle.fhir_export`` builds (document of record checked as for a
download; the read audited as ``fhir.exported``). Its identifiers are stable and every entry is a
conditional update, so sending again is harmless: the EHR updates what it filed before. That is
why a dropped line, a timeout and a busy answer (429, 502-504) are retried. The EHR's answer (a
``transaction-response`` Bundle, every entry 2xx) is recorded as ``fhir.sent`` with the resource
locations; anything else as ``fhir.send_failed`` with a short code, and the front desk gets words
saying what happened and what to do. No token and no patient data go into a message, a log line
or the audit.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from errors import DomainError
from forms.record_parts import as_consent_id
from services import documents, ehr_bundle, export
from services.auth import StaffSession, load_actor

if TYPE_CHECKING:
    from services.context import AppContext

log = logging.getLogger(__name__)

SENT = "fhir.sent"
SEND_FAILED = "fhir.send_failed"
FHIR_JSON = "application/fhir+json"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
BACKOFF = (0.5, 2.0)  # seconds before the second and the third attempt
MAX_RETRY_AFTER = 5.0  # a server's Retry-After is honoured up to this many seconds

NO_ENDPOINT = "No EHR address is set up: the administrator sets CONSENT_FHIR_BASE_URL."
NOT_SENT = "Nothing was marked as sent."
AGAIN = "Try again in a few minutes; if it keeps failing, download the FHIR file and give it to IT."
WORDS = {
    "unreachable": f"The EHR could not be reached. {NOT_SENT} {AGAIN}",
    "timeout": (
        "The EHR did not answer within {seconds:g} seconds. {not_sent} Sending again is safe: "
        "the EHR updates the same record instead of making a copy. {again}"
    ),
    "unauthorized": (
        "The EHR refused the clinic's key (HTTP {status}). {not_sent} Tell the administrator: "
        "the EHR access token (CONSENT_FHIR_BEARER_TOKEN) needs checking."
    ),
    "http_4xx": (
        "The EHR refused the record (HTTP {status}{quote}). {not_sent} Sending again will not "
        "help: download the FHIR file and give it to IT with this message."
    ),
    "busy": f"The EHR is too busy to take the record (HTTP 429). {NOT_SENT} {AGAIN}",
    "http_5xx": "The EHR had a problem of its own (HTTP {status}). {not_sent} {again}",
    "bad_response": (
        "The EHR answered, but not with a filing receipt this app understands ({why}). "
        "{not_sent} {again}"
    ),
}


@dataclass(frozen=True)
class SendResult:
    consent_id: uuid.UUID
    status: int
    locations: tuple[str, ...]
    attempts: int
    at: dt.datetime


@dataclass(frozen=True)
class SentMark:
    """The newest send the EHR accepted: when, who (None: the command line), how many resources."""

    at: dt.datetime
    actor: str | None
    role: str
    resources: int


@dataclass(frozen=True)
class DayResult:
    consent_id: str
    ok: bool
    resources: int = 0
    message: str = ""


class _Failed(Exception):
    """One attempt's failure: a short code for the audit, the HTTP status if any, and words."""

    def __init__(self, problem: str, words: str, status: int | None = None, retry: bool = False):
        super().__init__(problem)
        self.problem, self.words, self.status, self.retry = problem, words, status, retry
        self.wait: float | None = None  # the server's Retry-After, when it sent a usable one
        self.attempts = 0


def _words(problem: str, **values: Any) -> str:
    return WORDS[problem].format(not_sent=NOT_SENT, again=AGAIN, **values)


def _quote(body: bytes) -> str:
    """': "..."' with the OperationOutcome's first diagnostics, short; '' when there is none."""
    try:
        issues = json.loads(body).get("issue") or []
        text = " ".join(str(issues[0].get("diagnostics") or "").split())
    except (ValueError, AttributeError, IndexError, TypeError):
        return ""
    if not text:
        return ""
    return f': "{text[:157] + "..." if len(text) > 160 else text}"'


def _http_failure(status: int, body: bytes, headers: Any) -> _Failed:
    if status in (401, 403):
        return _Failed("http_4xx", _words("unauthorized", status=status), status)
    if status == 429:
        failed = _Failed("http_4xx", _words("busy"), status, retry=True)
    elif 400 <= status < 500:
        return _Failed("http_4xx", _words("http_4xx", status=status, quote=_quote(body)), status)
    else:
        failed = _Failed("http_5xx", _words("http_5xx", status=status), status)
        failed.retry = status in RETRY_STATUSES
    after = (headers.get("Retry-After") or "").strip() if headers else ""
    if after.isdigit():
        failed.wait = min(float(after), MAX_RETRY_AFTER)
    return failed


def _locations(status: int, body: bytes) -> tuple[str, ...]:
    """Each entry's response.location from a transaction-response whose entries are all 2xx."""

    def bad(why: str) -> _Failed:
        return _Failed("bad_response", _words("bad_response", why=why), status)

    try:
        reply = Bundle.model_validate_json(body)
    except (ValidationError, ValueError):
        raise bad("not a FHIR Bundle") from None
    if reply.type != "transaction-response":
        raise bad(f"a Bundle of type {reply.type!r}")
    found = []
    for entry in reply.entry or []:
        answer = entry.response
        if answer is None or not str(answer.status).strip().startswith("2"):
            raise bad(f"an entry answered {answer.status if answer else 'nothing'!r}")
        found.append(str(answer.location or ""))
    return tuple(found)


def _post_once(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, data = reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        raise _http_failure(exc.code, exc.read(), exc.headers) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError):
            raise _Failed("timeout", _words("timeout", seconds=timeout), retry=True) from None
        raise _Failed("unreachable", _words("unreachable"), retry=True) from None
    return status, _locations(status, data)


def _post(ctx: AppContext, bundle: str, sleep: Callable[[float], None]) -> tuple:
    """(status, locations, attempts), or _Failed after the last attempt (with .attempts)."""
    settings = ctx.settings
    headers = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
    if settings.fhir_bearer_token is not None:
        headers["Authorization"] = f"Bearer {settings.fhir_bearer_token.get_secret_value()}"
    url, timeout = str(settings.fhir_base_url), settings.fhir_timeout_seconds
    for attempt in range(1, len(BACKOFF) + 2):
        try:
            status, locations = _post_once(url, bundle.encode("utf-8"), headers, timeout)
            return status, locations, attempt
        except _Failed as failed:
            failed.attempts = attempt
            log.warning("EHR send attempt %d failed: %s %s", attempt, failed.problem, failed.status)
            if not failed.retry or attempt > len(BACKOFF):
                raise
            sleep(failed.wait if failed.wait is not None else BACKOFF[attempt - 1])
    raise AssertionError("unreachable")  # the loop returns or raises


def send_consent(
    ctx: AppContext,
    staff: StaffSession | None,
    consent_id: uuid.UUID | str,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """Send the consent's bundle to the EHR. ``staff`` None: the command line (actor "system");
    otherwise a role that may download the PDF. Raises DomainError with words on any failure."""
    if not ctx.settings.fhir_base_url:
        raise DomainError(NO_ENDPOINT)
    cid = as_consent_id(consent_id)
    reader = {"actor_id": documents.SYSTEM, "actor_role": documents.SYSTEM}
    # Build (and audit the read) in one short transaction, then talk to the EHR outside any:
    # a slow EHR must not hold the database's write lock for up to three timeouts.
    with ctx.database.uow() as uow:
        if staff is not None:
            user, role = load_actor(uow, staff, *documents.DOWNLOAD_ROLES)
            reader = {"actor_id": str(user.id), "actor_role": role.value}
            reader["session_id"] = staff.session_id
        consent = uow.consents.get(cid)
        try:
            bundle = ehr_bundle.fhir_export(ctx, uow, consent, **reader)
        except documents.DocumentRefused as exc:
            new = {"problem": "document_refused", "refusal": exc.reason.value, "attempts": 0}
            _audit(ctx, uow, cid, SEND_FAILED, new, reader)
            uow.commit()
            raise
        document = documents.document_of_record(ctx, uow, cid).id  # checked a moment ago
        uow.commit()
    try:
        status, locations, attempts = _post(ctx, bundle, sleep)
    except _Failed as failed:
        new = {"problem": failed.problem, "attempts": failed.attempts}
        if failed.status is not None:
            new["status"] = failed.status
        with ctx.database.uow() as uow:
            _audit(ctx, uow, cid, SEND_FAILED, new, reader)
            uow.commit()
        raise DomainError(failed.words) from None
    new = {"status": status, "locations": list(locations), "document": document}
    new["attempts"] = attempts
    at = ctx.clock.now()
    with ctx.database.uow() as uow:
        _audit(ctx, uow, cid, SENT, new, reader, at=at)
        uow.commit()
    return SendResult(cid, status, locations, attempts, at)


def _audit(ctx, uow, cid, action: str, new: dict[str, Any], reader, at=None) -> None:
    at = at or ctx.clock.now()
    uow.audit.append(at=at, action=action, consent_id=str(cid), new=new, **reader)


def last_sent(ctx: AppContext, consent_id: uuid.UUID | str) -> SentMark | None:
    """The newest send of this consent the EHR accepted; None if it was never sent."""
    cid = as_consent_id(consent_id)
    with ctx.database.uow() as uow:
        sent = [e for e in uow.audit.for_consent(str(cid)) if e.action == SENT]
        if not sent:
            return None
        event = max(sent, key=lambda e: e.id)
        actor = None
        if event.actor_id != documents.SYSTEM:
            actor = documents._actor_label(uow, event.actor_id, event.actor_role, {})
    locations = (event.new or {}).get("locations") or []
    return SentMark(event.at, actor, event.actor_role, len(locations))


def send_day(
    ctx: AppContext, day: dt.date, *, sleep: Callable[[float], None] = time.sleep
) -> list[DayResult]:
    """Send every consent the day's export would ship (``export.day_consents``), one result each;
    a failure is reported and the next consent still goes. For the command line."""
    if not ctx.settings.fhir_base_url:
        raise DomainError(NO_ENDPOINT)
    with ctx.database.uow() as uow:
        ids = [str(c.id) for c in export.day_consents(ctx, uow, day)]
        unreadable = {u.consent_id: u for u in uow.consents.unreadable}
    results = []
    for cid in ids:
        try:
            sent = send_consent(ctx, None, cid, sleep=sleep)
        except DomainError as exc:
            results.append(DayResult(cid, False, message=str(exc)))
            continue
        results.append(DayResult(cid, True, resources=len(sent.locations)))
    for cid, bad in unreadable.items():  # listed, as the day export lists them, never skipped
        results.append(DayResult(cid, False, message=f"The record cannot be read ({bad.reason})."))
    return results
