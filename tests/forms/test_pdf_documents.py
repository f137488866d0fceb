"""services.documents: issue stores a sealed PDF; serve re-checks hash and seal, and audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from pdf_helpers import pdf_text
from sqlalchemy import update

from errors import DomainError
from forms.records import Consent
from forms.seal import load_or_create_sealer
from forms.seal_check import verify_pdf
from forms.synthetic import synthetic_consent
from services.clock import FixedClock
from services.context import AppContext
from services.documents import (
    DocumentRefused,
    Refusal,
    document_of_record,
    issue_document,
    serve_document,
)
from settings import get_settings

T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def ctx(shipped_library, clock: FixedClock) -> Iterator[AppContext]:
    from store.db import open_database

    settings = get_settings()
    settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
    database = open_database(settings.resolved_database_url, settings=settings)
    context = AppContext(
        settings, shipped_library, database, load_or_create_sealer(settings), clock
    )
    yield context
    database.dispose()


@pytest.fixture
def stored(ctx: AppContext, shipped_pack) -> Consent:
    consent, _ = synthetic_consent(shipped_pack, ctx.settings.placeholder_values, T0)
    with ctx.database.uow() as uow:
        uow.consents.add(consent)
        uow.audit.append(
            at=T0,
            actor_id="patient",
            actor_role="patient",
            action="consent.submitted",
            consent_id=str(consent.id),
        )
        issue_document(ctx, uow, consent, "final", T0 + dt.timedelta(minutes=50))
        uow.commit()
    return consent


def _serve(ctx: AppContext, consent: Consent):
    with ctx.database.uow() as uow:
        try:
            return serve_document(
                ctx, uow, consent.id, actor_id="3", actor_role="front_desk", session_id="s1"
            )
        finally:
            uow.commit()  # keep the audit event either way, as the staff service does


def _actions(ctx: AppContext, consent: Consent) -> list[tuple[str, dict | None]]:
    with ctx.database.uow() as uow:
        return [(e.action, e.new) for e in uow.audit.for_consent(str(consent.id))]


def test_issue_stores_a_sealed_pdf_with_the_audit_trail(ctx: AppContext, stored: Consent) -> None:
    with ctx.database.uow() as uow:
        doc = uow.documents.latest(stored.id, "final")
    assert doc is not None and doc.kind == "final"
    assert verify_pdf(doc.pdf, [ctx.sealer.certificate]).status == "valid"
    text = pdf_text(doc.pdf)
    assert "consent.submitted" in text and stored.sha256() in text
    assert _actions(ctx, stored)[-1][0] == "document.issued"


def test_serve_rechecks_and_audits_the_download(ctx: AppContext, stored: Consent) -> None:
    doc = _serve(ctx, stored)
    assert doc.pdf.startswith(b"%PDF") and doc.kind == "final"
    action, new = _actions(ctx, stored)[-1]
    assert action == "document.downloaded" and new["served"] is True


def test_a_tampered_blob_is_not_served(ctx: AppContext, stored: Consent) -> None:
    from store.tables import documents

    with ctx.database.engine.begin() as conn:
        blob = conn.execute(documents.select()).one().blob
        conn.execute(update(documents).values(blob=blob[:-10] + b"0" * 10))
    with pytest.raises(DomainError, match="altered") as caught:
        _serve(ctx, stored)
    assert isinstance(caught.value, DocumentRefused)
    assert caught.value.reason is Refusal.HASH_MISMATCH
    action, new = _actions(ctx, stored)[-1]
    assert action == "document.downloaded" and new["served"] is False
    assert new["problem"] == "hash_mismatch"


def test_a_resealed_forgery_with_a_matching_hash_is_not_served(
    ctx: AppContext, stored: Consent
) -> None:
    """Someone with database access swaps in a different PDF and updates its SHA-256 too."""
    import hashlib

    from store.tables import documents

    with ctx.database.uow() as uow:
        good = uow.documents.latest(stored.id).pdf
    forged = good.replace(b"sclerotherapy", b"sclerotherapX", 1)
    with ctx.database.engine.begin() as conn:
        conn.execute(
            update(documents).values(blob=forged, sha256=hashlib.sha256(forged).hexdigest())
        )
    with pytest.raises(DomainError, match="seal does not verify"):
        _serve(ctx, stored)
    assert _actions(ctx, stored)[-1][1]["served"] is False


def test_nothing_issued_yet(ctx: AppContext, shipped_pack) -> None:
    consent, _ = synthetic_consent(shipped_pack, ctx.settings.placeholder_values, T0, seed=9)
    with ctx.database.uow() as uow:
        uow.consents.add(consent)
        uow.commit()
    with pytest.raises(DomainError, match="No document has been issued"):
        _serve(ctx, consent)


def test_fhir_export_names_the_stored_pdf(ctx: AppContext, stored: Consent) -> None:
    import base64
    import json

    from services.ehr_bundle import fhir_export

    with ctx.database.uow() as uow:
        doc = uow.documents.latest(stored.id, "final")
        bundle = json.loads(fhir_export(ctx, uow, stored))
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    consent = next(r for r in by_url.values() if r["resourceType"] == "Consent")
    assert consent["identifier"][0]["value"] == f"urn:uuid:{stored.id}"
    paper = by_url[consent["sourceReference"]["reference"]]  # the document of record
    attachment = paper["content"][0]["attachment"]
    assert paper["status"] == "current"
    assert attachment["extension"][0]["valueString"] == doc.sha256
    assert base64.b64decode(attachment["data"]) == doc.pdf and attachment["size"] == doc.size


def test_another_patients_genuine_document_is_not_served(
    ctx: AppContext, stored: Consent, shipped_pack
) -> None:
    """A validly sealed PDF of consent B stored (with its matching hash) under consent A."""
    import hashlib

    from store.tables import documents

    other, _ = synthetic_consent(
        shipped_pack, ctx.settings.placeholder_values, T0, seed=5, patient_name="Ola Nordmann"
    )
    with ctx.database.uow() as uow:
        uow.consents.add(other)
        issue_document(ctx, uow, other, "final", T0)
        uow.commit()
        other_pdf = uow.documents.latest(other.id).pdf
    with ctx.database.engine.begin() as conn:
        conn.execute(
            update(documents)
            .where(documents.c.consent_id == str(stored.id))
            .values(
                blob=other_pdf, sha256=hashlib.sha256(other_pdf).hexdigest(), size=len(other_pdf)
            )
        )
    with pytest.raises(DomainError, match="different consent record"):
        _serve(ctx, stored)


def test_another_patients_document_row_pointed_here_is_refused(
    ctx: AppContext, stored: Consent, shipped_pack
) -> None:
    """Consent B's genuine final document (hash and seal intact) re-pointed at consent A."""
    from store.tables import documents

    other, _ = synthetic_consent(
        shipped_pack, ctx.settings.placeholder_values, T0, seed=6, patient_name="Kari Nordmann"
    )
    with ctx.database.uow() as uow:
        uow.consents.add(other)
        b_final = issue_document(ctx, uow, other, "final", T0 + dt.timedelta(hours=1))
        uow.commit()
    with ctx.database.engine.begin() as conn:
        conn.execute(
            update(documents).where(documents.c.id == b_final.id).values(consent_id=str(stored.id))
        )
    with ctx.database.uow() as uow, pytest.raises(DocumentRefused) as caught:
        document_of_record(ctx, uow, stored.id)
    assert caught.value.reason is Refusal.OTHER_CONSENT and caught.value.document == b_final.id
    with pytest.raises(DomainError, match="different consent record"):
        _serve(ctx, stored)
    action, new = _actions(ctx, stored)[-1]
    assert action == "document.downloaded"
    assert new == {"served": False, "problem": "other_consent", "document": b_final.id}


def test_nothing_issued_is_its_own_reason(ctx: AppContext, shipped_pack) -> None:
    consent, _ = synthetic_consent(shipped_pack, ctx.settings.placeholder_values, T0, seed=8)
    with ctx.database.uow() as uow:
        uow.consents.add(consent)
        uow.commit()
        with pytest.raises(DocumentRefused, match="No document has been issued") as caught:
            document_of_record(ctx, uow, consent.id)
    assert caught.value.reason is Refusal.NOT_ISSUED
