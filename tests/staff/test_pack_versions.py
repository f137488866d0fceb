"""Which content version is active (issue #14 point 5): CONSENT_ACTIVE_VERSIONS pins win, then an
admin's newest activation (password re-entered, audited ``pack.activated``), then the newest on
disk; another app server sees an activation within a minute; the versions page's rows count the
consents and visits signed on each version, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select
from staff_db_helpers import BOTH, clinic_on
from staff_helpers import PASSWORD

import services.context as context_module
from accounts.staff import Role
from errors import DomainError
from forms.course import VisitOf
from forms.synthetic import synthetic_consent
from services import admin, auth, clinic_setup, courses, drafts, pack_versions
from services import consent as patient_svc
from services.auth import NotAllowed, WrongPassword
from services.context import build_context
from settings import get_settings
from store.tables import pack_activations

ROOT = Path(__file__).resolve().parents[2]
NEWEST, OLDER = "1.3.0", "1.2.0"  # 1.3.0 is a minor change on 1.2.0's line


def activate(ctx, staff, version: str, language: str = "en", password: str = PASSWORD) -> None:
    pack_versions.activate(
        ctx, staff, pack_id="sclerotherapy", language=language, version=version, password=password
    )


def rows_of(ctx, staff, language: str = "en") -> dict[str, pack_versions.VersionRow]:
    return {r.version: r for r in pack_versions.version_rows(ctx, staff) if r.language == language}


def events(ctx, action: str):
    with ctx.database.uow() as uow:
        return uow.audit.query(action=action)


def test_the_newest_version_on_disk_is_active_until_an_admin_chooses(ctx, team) -> None:
    for lang in ("en", "es"):
        assert ctx.active_choice(lang)[0].version == NEWEST
        assert ctx.active_choice(lang)[1] == "newest"
    rows = rows_of(ctx, team[Role.ADMIN])
    assert list(rows) == [NEWEST, OLDER, "1.1.0", "1.0.0"]  # newest first
    top = rows[NEWEST]
    assert top.active and top.source == "newest" and top.activated_at is None
    assert top.change == "minor" and top.line == OLDER and top.changes
    assert rows[OLDER].can_activate and not top.can_activate


def test_an_admin_makes_an_older_version_active_with_the_password_audited(ctx, team) -> None:
    boss = team[Role.ADMIN]
    activate(ctx, boss, OLDER)
    assert ctx.active_pack("en").version == OLDER and ctx.active_choice("en")[1] == "activated"
    assert ctx.active_pack("es").version == NEWEST  # per language
    with ctx.database.uow() as uow:
        (row,) = uow.connection.execute(select(pack_activations)).all()
    assert (row.pack_id, row.language, row.version) == ("sclerotherapy", "en", OLDER)
    assert row.activated_by_name == "Ada Admin" and row.activated_by_id == boss.id
    (event,) = events(ctx, pack_versions.ACTIVATED)
    assert event.actor_id == str(boss.id) and event.actor_role == "admin"
    assert event.old == {"pack_id": "sclerotherapy", "language": "en", "version": NEWEST}
    assert event.new["version"] == OLDER and len(event.new["fingerprint"]) == 64
    listed = rows_of(ctx, boss)[OLDER]
    assert listed.active and listed.source == "activated"
    assert listed.activated_by == "Ada Admin" and listed.activated_at == ctx.clock.now()
    # one home: the packs page, the course line and a new draft all follow the activation
    packs = {r.version: r.active for r in clinic_setup.pack_list(ctx, boss) if r.language == "en"}
    assert packs == {"1.0.0": False, "1.1.0": False, OLDER: True, NEWEST: False}
    assert courses.active_line(ctx, "en") == OLDER
    token = patient_svc.start_consent(ctx, language="en")
    state = drafts.load_draft(ctx, token)  # a later tap: the draft stays on the chosen version
    assert state is not None and drafts.pack_of(ctx, state).version == OLDER
    with pytest.raises(DomainError, match="already the active version"):
        activate(ctx, boss, OLDER)
    activate(ctx, boss, NEWEST)  # and back: the newest row wins
    assert ctx.active_pack("en").version == NEWEST
    assert courses.active_line(ctx, "en") == OLDER  # 1.3.0 is a minor change on 1.2.0's line


def test_a_wrong_password_or_a_non_admin_activates_nothing(ctx, team) -> None:
    with pytest.raises(WrongPassword):
        activate(ctx, team[Role.ADMIN], OLDER, password="not the password")
    for role in (Role.NURSE, Role.CLINICIAN, Role.FRONT_DESK):
        with pytest.raises(NotAllowed, match="administrator can do this"):
            activate(ctx, team[role], OLDER)
        with pytest.raises(NotAllowed):
            pack_versions.version_rows(ctx, team[role])
    assert ctx.active_pack("en").version == NEWEST
    assert events(ctx, pack_versions.ACTIVATED) == []
    (failed,) = events(ctx, "user.sign_in_failed")
    assert failed.new["reason"] == "wrong password at signing"
    with ctx.database.uow() as uow:
        assert uow.connection.execute(select(pack_activations)).all() == []


def test_the_setting_pins_win_over_an_activation(ctx, team, clock) -> None:
    activate(ctx, team[Role.ADMIN], OLDER)
    pinned = build_context(get_settings(active_versions={"en": "1.0.0"}), clock=clock)
    try:
        assert pinned.active_choice("en")[0].version == "1.0.0"
        assert pinned.active_choice("en")[1] == "pinned"
        assert pinned.active_pack("es").version == NEWEST  # es is not pinned
        boss = auth.sign_in(pinned, "ada", PASSWORD)
        rows = rows_of(pinned, boss)
        assert rows["1.0.0"].active and rows["1.0.0"].source == "pinned"
        assert not any(r.can_activate for r in rows.values())
        assert rows[OLDER].activated_by == "Ada Admin"  # the activation is still listed
        with pytest.raises(DomainError, match="CONSENT_ACTIVE_VERSIONS pins the en version"):
            activate(pinned, boss, NEWEST)
    finally:
        pinned.database.dispose()


def test_production_refuses_to_activate_content_with_the_demo_approval(ctx, team) -> None:
    production = dataclasses.replace(
        ctx, settings=ctx.settings.model_copy(update={"environment": "production"})
    )
    with pytest.raises(DomainError, match="demo approval text"):
        activate(production, team[Role.ADMIN], OLDER)
    assert events(ctx, "user.sign_in_failed") == []  # refused before the password is checked


def test_another_server_sees_an_activation_within_a_minute(ctx, team, clock, monkeypatch) -> None:
    other = build_context(get_settings(), clock=clock)  # a second app server, same database
    try:
        assert other.active_pack("en").version == NEWEST  # read once, kept for a short while
        activate(ctx, team[Role.ADMIN], OLDER)
        assert ctx.active_pack("en").version == OLDER  # this server at once
        ticks = [context_module.time.monotonic()]
        monkeypatch.setattr(context_module.time, "monotonic", lambda: ticks[0])
        assert other.active_pack("en").version == NEWEST  # its copy, not a query per call
        ticks[0] += context_module.ACTIVATIONS_TTL_S + 1
        assert context_module.ACTIVATIONS_TTL_S + 1 <= 60
        assert other.active_pack("en").version == OLDER
    finally:
        other.database.dispose()


# --- counts on both databases ------------------------------------------------------------------
@pytest.fixture(params=BOTH)
def any_ctx(request, clock, prepared_data_dir):
    with clinic_on(request.param, clock) as context:
        yield context


def test_counts_of_consents_and_visits_signed_on_each_version(any_ctx, clock) -> None:
    ctx = any_ctx
    admin.add_user(
        ctx,
        None,
        username="ada",
        display_name="Ada Admin",
        roles=[Role.ADMIN],
        password=PASSWORD,
        via_cli=True,
    )
    boss = auth.sign_in(ctx, "ada", PASSWORD)
    values = ctx.settings.placeholder_values
    lib = ctx.library
    on = {
        (v, lang): lib.get("sclerotherapy", v, lang)
        for v in (OLDER, NEWEST)
        for lang in ["en", "es"]
    }
    seed = iter(range(100))

    def made(version: str, lang: str, stage: str):
        return synthetic_consent(
            on[(version, lang)], values, clock.now(), stage=stage, seed=next(seed)
        )[0]

    course = made(OLDER, "en", "filed")
    records = [
        course,
        made(OLDER, "en", "attested"),
        made(OLDER, "en", "declined"),  # a signed refusal counts as signed on the version
        made(OLDER, "en", "draft"),  # a draft does not
        made(NEWEST, "es", "verified"),
    ]
    for session, version in ((2, OLDER), (3, NEWEST)):
        visit = made(version, "en", "verified")
        assert course.patient_signature is not None
        visit.kind = "visit"
        visit.visit_of = VisitOf(
            consent_id=course.id,
            consent_signed_at=course.patient_signature.signed_at,
            consent_pack_version=OLDER,
            session=session,
        )
        records.append(visit)
    with ctx.database.uow() as uow:
        for record in records:
            uow.consents.add(record)
        uow.commit()

    got = {
        (r.language, r.version): (r.consents, r.visits)
        for r in pack_versions.version_rows(ctx, boss)
    }
    assert got == {
        ("en", NEWEST): (0, 1),
        ("en", OLDER): (3, 1),
        ("en", "1.1.0"): (0, 0),
        ("en", "1.0.0"): (0, 0),
        ("es", NEWEST): (1, 0),
        ("es", OLDER): (0, 0),
        ("es", "1.1.0"): (0, 0),
        ("es", "1.0.0"): (0, 0),
    }
    activate(ctx, boss, OLDER, language="es")  # the activation table works on this database too
    assert ctx.active_pack("es").version == OLDER
