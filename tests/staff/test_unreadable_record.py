"""One unreadable record never breaks a list: with a deliberately corrupted consent row present,
the nurse queue, search and the day export keep working and show it as unreadable, by id."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import text

from accounts.staff import Role
from errors import DomainError
from services import export, staff_views


def _corrupt(ctx, consent_id, record: str) -> None:
    with ctx.database.engine.begin() as conn:
        conn.execute(
            text("UPDATE consents SET record = :r WHERE id = :id"),
            {"r": record, "id": str(consent_id)},
        )


def _stored_record(ctx, consent_id) -> dict:
    with ctx.database.engine.connect() as conn:
        raw = conn.execute(
            text("SELECT record FROM consents WHERE id = :id"), {"id": str(consent_id)}
        ).scalar_one()
    return raw if isinstance(raw, dict) else json.loads(raw)


@pytest.fixture(params=["invalid JSON", "ink is null"])
def broken(request, ctx, make_consent):
    good = [make_consent(), make_consent()]
    bad = make_consent()
    if request.param == "invalid JSON":
        if ctx.database.dialect != "sqlite":
            pytest.skip("PostgreSQL's json type refuses invalid JSON itself")
        _corrupt(ctx, bad.id, '{"id": "' + str(bad.id) + '", not json')
    else:  # what a NaN pad width once became: valid JSON that no longer validates
        record = _stored_record(ctx, bad.id)
        if set(record) == {"enc1"}:
            pytest.skip("an encrypted record is corrupted by the at-rest tests")
        record["patient_signature"]["ink"] = None
        _corrupt(ctx, bad.id, json.dumps(record))
    return good, bad


def test_the_nurse_queue_keeps_working_and_names_the_broken_record(ctx, team, broken) -> None:
    good, bad = broken
    rows = staff_views.nurse_queue(ctx, team[Role.NURSE])
    assert {r.consent_id for r in rows} == {c.id for c in [*good, bad]}
    [shown] = [r for r in rows if r.unreadable]
    assert shown.consent_id == bad.id
    assert str(bad.id) in shown.patient_name and "UNREADABLE" in shown.patient_name
    assert f"{shown.date_of_birth:%Y-%m-%d}" == "unknown"  # never a made-up date
    assert rows[0] is shown  # first: it needs someone's attention


def test_search_keeps_working(ctx, team, broken) -> None:
    good, bad = broken
    day = staff_views.today(ctx)
    rows = staff_views.search(ctx, team[Role.FRONT_DESK], date_from=day, date_to=day)
    assert {r.consent_id for r in rows if not r.unreadable} == {c.id for c in good}
    assert [r.consent_id for r in rows if r.unreadable] == [bad.id]
    found = staff_views.search(ctx, team[Role.FRONT_DESK], name=good[0].patient.legal_name)
    assert good[0].id in {r.consent_id for r in found}


def test_opening_it_says_so_clearly(ctx, team, broken) -> None:
    _, bad = broken
    with pytest.raises(DomainError, match=f"Consent {bad.id} cannot be read"):
        staff_views.open_consent(ctx, team[Role.NURSE], bad.id)


def test_the_day_export_ships_the_rest_and_lists_it(ctx, team, broken) -> None:
    good, bad = broken
    result = export.day_export(ctx, team[Role.FRONT_DESK], staff_views.today(ctx))
    with zipfile.ZipFile(io.BytesIO(result.zip_bytes)) as zf:
        manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
    by_id = {row["consent_id"]: row for row in manifest}
    assert {str(c.id) for c in good} <= set(by_id)
    assert by_id[str(bad.id)]["problem"] == "unreadable"
    assert by_id[str(bad.id)]["note"].startswith("NOT EXPORTED: its stored record")
    assert (str(bad.id), "unreadable") in result.left_out


def test_the_store_reports_every_unreadable_row_for_check_all(ctx, broken) -> None:
    _, bad = broken
    with ctx.database.uow() as uow:
        [found] = uow.consents.unreadable_rows()
    assert found.consent_id == str(bad.id)
    assert found.reason
