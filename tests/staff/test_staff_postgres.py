"""The whole staff path once more on PostgreSQL (a fresh schema), including the conflict rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from staff_db_helpers import clinic_on
from staff_helpers import PASSWORD, all_yes, signed_out, time_out, timeout_ids, with_plan

from accounts.staff import Role
from errors import ConflictError
from forms.records import Status
from services import admin, auth, demo, documents, export, staff_views
from services import staff as staff_svc

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_ctx(clock):
    with clinic_on("postgresql", clock) as ctx:
        yield ctx


def test_staff_path_on_postgresql(pg_ctx, clock):
    ctx = pg_ctx
    sessions = {}
    for role, name in ((Role.NURSE, "nina"), (Role.CLINICIAN, "carl"), (Role.FRONT_DESK, "fran")):
        admin.add_user(
            ctx,
            None,
            username=name,
            display_name=name.title(),
            roles=[role],
            password=PASSWORD,
            via_cli=True,
        )
        sessions[role] = auth.sign_in(ctx, name, PASSWORD)
    admin.add_user(
        ctx,
        None,
        username="olga",
        display_name="Olga",
        roles=["nurse"],
        password=PASSWORD,
        via_cli=True,
    )
    olga = auth.sign_in(ctx, "olga", PASSWORD)
    c = with_plan(
        ctx,
        demo.patient_completes(
            ctx, legal_name="Zoë Postgres", date_of_birth=__import__("datetime").date(1966, 6, 6)
        ),
    )
    shown = c.version
    c = staff_svc.verify(
        ctx,
        sessions[Role.NURSE],
        c.id,
        answers=all_yes(ctx),
        password=PASSWORD,
        expected_version=shown,
    )
    with pytest.raises(ConflictError, match="Changed by Nina"):
        staff_svc.verify(
            ctx, olga, c.id, answers=all_yes(ctx), password=PASSWORD, expected_version=shown
        )
    clock.advance(minutes=30)
    c = time_out(
        ctx, sessions[Role.NURSE], c.id, confirmed=timeout_ids(ctx), expected_version=c.version
    )
    c = staff_svc.attest(
        ctx, sessions[Role.CLINICIAN], c.id, password=PASSWORD, expected_version=c.version
    )
    doc = documents.download_pdf(ctx, sessions[Role.FRONT_DESK], c.id)
    assert doc.kind == "final" and doc.pdf.startswith(b"%PDF")
    c = signed_out(ctx, sessions[Role.CLINICIAN], c)
    c = staff_svc.file_consent(
        ctx, sessions[Role.FRONT_DESK], c.id, chart_reference="PG-1", expected_version=c.version
    )
    assert c.status is Status.FILED
    day_zip = export.day_export(ctx, sessions[Role.FRONT_DESK], staff_views.today(ctx))
    assert day_zip.documents == 1
    assert [
        r.patient_name for r in staff_views.search(ctx, sessions[Role.FRONT_DESK], name="zoe")
    ] == ["Zoë Postgres"]
