"""Issue #16, part 3: "Send to EHR" POSTs the consent's transaction Bundle to a FHIR endpoint.

Run against the small local endpoint (tests/fhir_endpoint.py) that validates with the same R4B
models and files by conditional update: a repeat creates nothing new, failures reach the front
desk in words, nothing is marked sent unless the EHR accepted it, and the token stays secret.
"""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import pytest
from fhir_endpoint import FhirEndpoint
from pydantic import SecretStr
from sqlalchemy import text

from accounts.staff import Role
from errors import DomainError
from services import ehr_push, staff_views
from services.context import AppContext
from services.documents import DocumentRefused


@pytest.fixture
def ehr():
    with FhirEndpoint() as endpoint:
        yield endpoint


@pytest.fixture
def waits() -> list[float]:
    return []


def pushing(ctx: AppContext, url: str, **settings) -> AppContext:
    update = {"fhir_base_url": url, **settings}
    return replace(ctx, settings=ctx.settings.model_copy(update=update))


def events(ctx: AppContext, consent_id, action: str) -> list:
    with ctx.database.uow() as uow:
        return [e for e in uow.audit.for_consent(str(consent_id)) if e.action == action]


def nothing_listens() -> str:
    with socket.socket() as s:  # a port just freed: refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/fhir"


def test_one_send_files_the_record_and_a_repeat_creates_nothing_new(ctx, make_consent, ehr, waits):
    c = make_consent()
    push = pushing(ctx, ehr.url)
    first = ehr_push.send_consent(push, None, c.id, sleep=waits.append)
    [bundle] = ehr.received
    assert bundle["type"] == "transaction"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "DocumentReference", "Consent"} <= kinds
    entries = len(bundle["entry"])
    assert ehr.created == entries and ehr.updated == 0
    assert first.status == 200 and first.attempts == 1 and len(first.locations) == entries
    assert all("/_history/1" in loc for loc in first.locations)

    second = ehr_push.send_consent(push, None, c.id, sleep=waits.append)
    assert len(ehr.received) == 2
    assert ehr.created == entries and ehr.updated == entries  # the EHR updated, made no copy
    assert len(ehr.stored("Consent")) == 1 and len(ehr.stored("Patient")) == 1
    assert [loc.split("/_history")[0] for loc in second.locations] == [
        loc.split("/_history")[0] for loc in first.locations
    ]
    sent = events(ctx, c.id, ehr_push.SENT)
    assert [e.new["locations"] for e in sent] == [list(first.locations), list(second.locations)]
    assert sent[0].new["status"] == 200 and sent[0].new["attempts"] == 1
    assert isinstance(sent[0].new["document"], int) and sent[0].actor_role == "system"
    mark = ehr_push.last_sent(ctx, c.id)
    assert mark is not None and mark.resources == entries and mark.actor is None
    assert mark.at == second.at and waits == []


def test_an_unreachable_ehr_is_said_in_words_and_nothing_is_marked_sent(ctx, make_consent, waits):
    c = make_consent()
    with pytest.raises(DomainError) as caught:
        ehr_push.send_consent(pushing(ctx, nothing_listens()), None, c.id, sleep=waits.append)
    said = str(caught.value)
    assert said.startswith("The EHR could not be reached. Nothing was marked as sent.")
    assert "download the FHIR file and give it to IT" in said
    assert waits == list(ehr_push.BACKOFF)  # tried three times, a short wait between
    [failed] = events(ctx, c.id, ehr_push.SEND_FAILED)
    assert failed.new == {"problem": "unreachable", "attempts": 3}
    assert events(ctx, c.id, ehr_push.SENT) == [] and ehr_push.last_sent(ctx, c.id) is None


def test_a_busy_ehr_is_tried_again_and_the_record_goes(ctx, make_consent, ehr, waits):
    c = make_consent()
    push = pushing(ctx, ehr.url)
    ehr.fail_next(503)
    result = ehr_push.send_consent(push, None, c.id, sleep=waits.append)
    assert result.attempts == 2 and waits == [ehr_push.BACKOFF[0]]
    assert len(ehr.requests) == 2 and len(ehr.received) == 1
    [sent] = events(ctx, c.id, ehr_push.SENT)
    assert sent.new["attempts"] == 2

    ehr.close_next()  # the line drops, then the EHR is busy: the third try goes
    ehr.fail_next(429)
    assert ehr_push.send_consent(push, None, c.id, sleep=waits.append).attempts == 3
    assert waits[1:] == list(ehr_push.BACKOFF) and len(ehr.received) == 2


def test_a_refusal_is_not_retried_and_each_failure_says_what_to_do(ctx, make_consent, ehr, waits):
    c = make_consent()
    push = pushing(ctx, ehr.url)
    cases = [
        (lambda: ehr.fail_next(400, diagnostics="Patient.birthDate:  not a date"), 400,
         'The EHR refused the record (HTTP 400: "Patient.birthDate: not a date"). Nothing was '
         "marked as sent. Sending again will not help"),
        (lambda: ehr.fail_next(401), 401, "The EHR refused the clinic's key (HTTP 401)."),
        (lambda: ehr.fail_next(500), 500, "The EHR had a problem of its own (HTTP 500)."),
        (lambda: ehr.fail_next(200), 200, "not with a filing receipt this app understands"),
    ]  # fmt: skip
    for arrange, status, words in cases:
        before = len(ehr.requests)
        arrange()
        with pytest.raises(DomainError, match="Nothing was marked as sent") as caught:
            ehr_push.send_consent(push, None, c.id, sleep=waits.append)
        assert words in str(caught.value)
        assert len(ehr.requests) == before + 1  # not retried
        assert events(ctx, c.id, ehr_push.SEND_FAILED)[-1].new["status"] == status
    problems = [e.new["problem"] for e in events(ctx, c.id, ehr_push.SEND_FAILED)]
    assert problems == ["http_4xx", "http_4xx", "http_5xx", "bad_response"]
    assert ehr.received == [] and waits == [] and ehr_push.last_sent(ctx, c.id) is None


def test_an_ehr_that_does_not_answer_in_time_gets_timeout_words(ctx, make_consent, ehr, waits):
    c = make_consent()
    ehr.hang_next(1.0, times=3)
    push = pushing(ctx, ehr.url, fhir_timeout_seconds=0.5)
    with pytest.raises(DomainError, match=r"did not answer within 0\.5 seconds") as caught:
        ehr_push.send_consent(push, None, c.id, sleep=waits.append)
    assert "Sending again is safe" in str(caught.value)
    [failed] = events(ctx, c.id, ehr_push.SEND_FAILED)
    assert failed.new == {"problem": "timeout", "attempts": 3}


def test_the_bearer_token_reaches_the_ehr_and_nowhere_else(ctx, make_consent, ehr, caplog):
    c = make_consent()
    token = "tok-3f9a-never-shown"
    push = pushing(ctx, ehr.url, fhir_bearer_token=SecretStr(token))
    ehr_push.send_consent(push, None, c.id)
    ehr.fail_next(403)
    with pytest.raises(DomainError) as caught:
        ehr_push.send_consent(push, None, c.id, sleep=lambda s: None)
    headers = [r.headers for r in ehr.requests]
    assert all(h["Authorization"] == f"Bearer {token}" for h in headers) and len(headers) == 2
    assert headers[0]["Content-Type"] == "application/fhir+json"
    with ctx.database.uow() as uow:
        stored = json.dumps([e.new for e in uow.audit.for_consent(str(c.id))])
    assert token not in stored and token not in str(caught.value) and token not in caplog.text
    assert c.patient.legal_name not in caplog.text + str(caught.value)


def test_front_desk_sends_as_itself_and_the_mark_names_them(ctx, team, make_consent, ehr):
    c = make_consent()
    desk = team[Role.FRONT_DESK]
    ehr_push.send_consent(pushing(ctx, ehr.url), desk, str(c.id))
    [sent] = events(ctx, c.id, ehr_push.SENT)
    assert sent.actor_id == str(desk.id) and sent.session_id == desk.session_id
    mark = ehr_push.last_sent(ctx, c.id)
    assert mark is not None and mark.actor == f"Fran Front (#{desk.id})"
    assert mark.role == "front_desk"


def test_without_an_ehr_address_or_a_good_document_nothing_is_sent(ctx, make_consent, ehr):
    c = make_consent()
    with pytest.raises(DomainError, match="CONSENT_FHIR_BASE_URL"):
        ehr_push.send_consent(ctx, None, c.id)
    with pytest.raises(DomainError, match="not a consent number"):
        ehr_push.send_consent(pushing(ctx, ehr.url), None, "12345")
    with ctx.database.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET sha256 = :s"), {"s": "0" * 64})
    with pytest.raises(DocumentRefused, match="No FHIR export was made"):
        ehr_push.send_consent(pushing(ctx, ehr.url), None, c.id)
    assert ehr.requests == []
    [failed] = events(ctx, c.id, ehr_push.SEND_FAILED)
    assert failed.new["problem"] == "document_refused" and failed.new["attempts"] == 0


def test_a_day_is_sent_consent_by_consent_and_one_failure_stops_nothing(ctx, make_consent, ehr):
    first, second = make_consent(), make_consent()
    ehr.fail_next(422, diagnostics="duplicate")
    results = ehr_push.send_day(pushing(ctx, ehr.url), staff_views.today(ctx), sleep=lambda s: 0)
    assert sorted(r.consent_id for r in results) == sorted([str(first.id), str(second.id)])
    assert [r.ok for r in results] == [False, True]  # the first failed; the second still went
    failed, went = results
    assert '(HTTP 422: "duplicate")' in failed.message
    assert went.resources == len(ehr.received[0]["entry"])
    assert ehr_push.last_sent(ctx, failed.consent_id) is None
    assert ehr_push.last_sent(ctx, went.consent_id) is not None
