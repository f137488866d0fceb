"""Migration 0002: a consent's site stored as words becomes its code, audited; safe to re-run."""

from __future__ import annotations

import importlib.util
import json

import pytest
from alembic import command
from sqlalchemy import text
from store_builders import T0, fake_pdf, make_consent

from checklist.sites import SITE_CHOICES
from language.i18n import languages, t
from settings import get_settings
from store.crypto import BlobCipher, generate_key
from store.db import (
    MIGRATIONS_DIR,
    alembic_config,
    head_revision,
    open_database,
)

KEY = generate_key()


def _migration():  # type: ignore[no-untyped-def]
    path = MIGRATIONS_DIR / "versions" / "0002_site_codes.py"
    spec = importlib.util.spec_from_file_location("site_codes_0002", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_frozen_labels_are_the_catalogs_labels() -> None:
    labels = _migration().LABELS
    assert set(labels) == set(SITE_CHOICES)
    for code in SITE_CHOICES:
        assert labels[code] == {lang: t(lang, f"patient.site.{code}") for lang in languages()}


def test_words_become_codes_audited_and_a_second_run_changes_nothing(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings(encryption_key=KEY)  # signatures encrypted: the migration needs no key
    old = open_database(db_url, settings=settings)
    # Rows as the app wrote them before revision 0003 (only blobs encrypted, names and record in
    # clear), then the schema taken back to 0001 under them: today's code cannot write to 0001.
    pre_0003 = pytest.MonkeyPatch()
    pre_0003.setattr(BlobCipher, "enabled", property(lambda self: False))
    pre_0003.setattr(BlobCipher, "seal_text", lambda self, value: value)
    pre_0003.setattr(BlobCipher, "seal_json", lambda self, value: value)
    sites = ["Left leg", "Pierna izquierda", "  both   LEGS ", "Left leg, below knee", "right_leg"]
    consents = [make_consent(name=f"Pat {i}", site=s, seed=i) for i, s in enumerate(sites)]
    with old.uow() as uow:
        for c in consents:
            uow.consents.add(c)
            uow.documents.add(c.id, "submitted", fake_pdf(seed=1), T0)
        uow.audit.append(at=T0, actor_id="patient", actor_role="patient", action="x.y")
        uow.commit()
    hashes_before = {c.id: c.sha256() for c in consents}
    pre_0003.undo()
    with old.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    old.dispose()

    open_database(db_url).dispose()  # to head: 0002 runs (0003 without a key: nothing encrypted)
    db = open_database(db_url, settings=settings, upgrade=False)
    try:
        assert db.schema_revision() == head_revision()
        with db.uow() as uow:
            stored = {c.id: uow.consents.get(c.id) for c in consents}
            events = uow.audit.query(action="consent.site_recoded")
            chain = uow.audit.check_chain()
            total = uow.audit.count()
        got = [stored[c.id].site for c in consents]
        # Labels in any catalog language (case and spacing aside) become codes; free text stays.
        assert got == ["left_leg", "left_leg", "both_legs", "Left leg, below knee", "right_leg"]
        with db.engine.connect() as conn:
            column = dict(conn.execute(text("SELECT id, site FROM consents")).all())
        assert [column[str(c.id)] for c in consents] == got  # the searchable copy too
        # Everything else reads back as before, the encrypted signature included.
        first = stored[consents[0].id]
        assert first.patient_signature == consents[0].patient_signature
        assert first.model_copy(update={"site": "Left leg"}).sha256() == hashes_before[first.id]
        # One event per consent changed, with the words it replaced: why an older PDF's printed
        # record hash differs from the stored record's, and how to get it back.
        assert chain.ok and total == 4
        assert [(e.consent_id, e.old, e.new) for e in events] == sorted(
            (str(c.id), {"site": c.site}, {"site": code, "revision": "0002"})
            for c, code in zip(consents[:3], got[:3], strict=True)
        )
        for c in consents[3:]:
            assert stored[c.id].sha256() == hashes_before[c.id]  # untouched, same hash

        # Re-run: back to 0001 and up again (and the data step itself): nothing more happens.
        with db.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0001")
            command.upgrade(alembic_config(conn), "head")
        with db.uow() as uow:
            assert uow.audit.count() == 4 and uow.audit.check_chain().ok
            assert [uow.consents.get(c.id).site for c in consents] == got
        with db.engine.connect() as conn:  # the stored JSON itself
            raw = conn.execute(
                text("SELECT record FROM consents WHERE id = :i"), {"i": str(consents[1].id)}
            ).scalar_one()
        assert (raw if isinstance(raw, dict) else json.loads(raw))["site"] == "left_leg"
    finally:
        db.dispose()
