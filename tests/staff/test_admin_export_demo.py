"""Admin accounts and audit trail, day export, demo data, and the staff commands of cli.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from staff_helpers import PASSWORD, all_yes

from accounts.staff import Role
from errors import DomainError
from forms.records import Status
from services import admin, audit_trail, auth, clinic_setup, demo, export, staff_views
from services import staff as staff_svc

ROOT = Path(__file__).resolve().parents[2]


# --- accounts --------------------------------------------------------------------------------
def test_ids_are_never_reused_and_accounts_are_disabled_not_deleted(ctx, team):
    a = admin.add_user(
        ctx,
        team[Role.ADMIN],
        username="temp",
        display_name="Temp",
        roles=["nurse"],
        password=PASSWORD,
    )
    admin.set_disabled(ctx, team[Role.ADMIN], a.id, True)
    b = admin.add_user(
        ctx,
        team[Role.ADMIN],
        username="temp2",
        display_name="Temp Two",
        roles=["nurse"],
        password=PASSWORD,
    )
    assert b.id > a.id
    users = {u.username: u for u in admin.list_users(ctx, team[Role.ADMIN])}
    assert users["temp"].disabled and not users["temp2"].disabled
    with pytest.raises(DomainError, match="already taken"):
        admin.add_user(
            ctx,
            team[Role.ADMIN],
            username="temp",
            display_name="Again",
            roles=["nurse"],
            password=PASSWORD,
        )


def test_user_changes_are_audited_without_the_password(ctx, team):
    boss = team[Role.ADMIN]
    u = admin.add_user(
        ctx, boss, username="newbie", display_name="New", roles=["nurse"], password=PASSWORD
    )
    admin.set_roles(ctx, boss, u.id, ["nurse", "clinician"])
    admin.reset_password(ctx, boss, u.id, "another secret value")
    admin.set_disabled(ctx, boss, u.id, True)
    admin.set_disabled(ctx, boss, u.id, False)
    rows = audit_trail.audit_trail(ctx, boss, actor_id=str(boss.id))
    actions = [r.action for r in rows]
    for action in (
        "user.created",
        "user.roles_changed",
        "user.password_reset",
        "user.disabled",
        "user.enabled",
    ):
        assert action in actions
    roles_row = next(r for r in rows if r.action == "user.roles_changed")
    assert '"nurse"' in roles_row.old and '"clinician"' in roles_row.new
    dump = audit_trail.audit_csv(rows).decode()
    assert PASSWORD not in dump and "another secret value" not in dump
    assert all(r.actor == "Ada Admin" for r in rows)


def test_last_admin_cannot_be_disabled_or_demoted(ctx, team):
    boss = team[Role.ADMIN]
    with pytest.raises(DomainError, match="at least one active administrator"):
        admin.set_disabled(ctx, boss, boss.id, True)
    with pytest.raises(DomainError, match="at least one active administrator"):
        admin.set_roles(ctx, boss, boss.id, ["nurse"])


def test_unknown_role_and_bad_username_are_clear(ctx):
    with pytest.raises(DomainError, match="Unknown role 'surgeon'"):
        admin.add_user(
            ctx,
            None,
            username="x1",
            display_name="X",
            roles=["surgeon"],
            password=PASSWORD,
            via_cli=True,
        )
    with pytest.raises(DomainError, match="Usernames are 2 to 60 characters"):
        admin.add_user(
            ctx,
            None,
            username="Bad Name!",
            display_name="X",
            roles=["nurse"],
            password=PASSWORD,
            via_cli=True,
        )


def test_audit_trail_filters_and_csv(ctx, team, make_consent):
    c = make_consent()
    boss = team[Role.ADMIN]
    rows = audit_trail.audit_trail(ctx, boss, consent_id=str(c.id))
    assert {r.action for r in rows} >= {"consent.started", "consent.submitted", "document.issued"}
    only = audit_trail.audit_trail(ctx, boss, action="consent.submitted")
    assert [r.consent_id for r in only] == [str(c.id)]
    day = staff_views.today(ctx)
    assert audit_trail.audit_trail(ctx, boss, date_from=day + dt.timedelta(days=1)) == []
    table = list(csv.reader(io.StringIO(audit_trail.audit_csv(rows).decode())))
    assert table[0] == ["id", "time", "actor", "role", "action", "consent_id", "old", "new"]
    assert len(table) == len(rows) + 1
    assert audit_trail.audit_chain(ctx, boss).ok


def test_pack_list_shows_version_active_and_reading_level(ctx, team):
    rows = clinic_setup.pack_list(ctx, team[Role.ADMIN])
    english = {r.version: r for r in rows if r.language == "en"}
    # Every shipped version is listed; only the one new consents start on is active.
    assert {"1.0.0", "1.1.0"} <= set(english)
    assert [v for v, r in english.items() if r.active] == [ctx.active_pack("en").version]
    assert all(r.hardest_section.startswith("grade ") for r in english.values())


def test_settings_view_hides_secrets(monkeypatch, clock):
    from services.context import build_context
    from settings import get_settings
    from store.crypto import generate_key

    key = generate_key()
    monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", key)
    ctx2 = build_context(get_settings(), clock=clock)
    admin.add_user(
        ctx2,
        None,
        username="ada",
        display_name="Ada",
        roles=["admin"],
        password=PASSWORD,
        via_cli=True,
    )
    rows = dict(clinic_setup.settings_view(ctx2, auth.sign_in(ctx2, "ada", PASSWORD)))
    assert rows["encryption_key"] == "set"
    assert key not in str(rows)


# --- day export ------------------------------------------------------------------------------
def test_day_export_zip_has_each_pdf_and_a_manifest_matching_their_hashes(ctx, team, make_consent):
    a = make_consent(legal_name="Nguyễn Thị Hương")
    a = staff_svc.verify(
        ctx,
        team[Role.NURSE],
        a.id,
        answers=all_yes(ctx),
        password=PASSWORD,
        expected_version=a.version,
    )
    b = make_consent(decision="decline")
    result = export.day_export(ctx, team[Role.FRONT_DESK], staff_views.today(ctx))
    assert (result.documents, result.problems) == (2, 0)
    zf = zipfile.ZipFile(io.BytesIO(result.zip_bytes))
    manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode())))
    by_id = {r["consent_id"]: r for r in manifest}
    assert set(by_id) == {str(a.id), str(b.id)}
    row = by_id[str(a.id)]
    assert (row["patient"], row["status"], row["document"]) == (
        "Nguyễn Thị Hương",
        "verified",
        "final",
    )
    assert row["date_of_birth"] and row["submitted_at"] and row["verified_at"]
    import hashlib

    for r in manifest:
        pdf = zf.read(r["file"])
        assert hashlib.sha256(pdf).hexdigest() == r["sha256"]
        assert PdfReader(io.BytesIO(pdf)).pages
    assert by_id[str(b.id)]["document"] == "refusal"
    with ctx.database.uow() as uow:
        [event] = uow.audit.query(action="export.day")
    assert event.new["documents"] == 2


def test_day_export_leaves_out_an_altered_pdf_and_says_so(ctx, team, make_consent):
    from sqlalchemy import text

    c = make_consent()
    with ctx.database.engine.begin() as conn:
        conn.execute(
            text("UPDATE documents SET sha256 = :s WHERE consent_id = :c"),
            {"s": "0" * 64, "c": str(c.id)},
        )
    result = export.day_export(ctx, team[Role.FRONT_DESK], staff_views.today(ctx))
    assert (result.documents, result.problems) == (0, 1)
    zf = zipfile.ZipFile(io.BytesIO(result.zip_bytes))
    assert zf.namelist() == ["manifest.csv"]
    assert "NOT EXPORTED" in zf.read("manifest.csv").decode()


def test_day_export_refuses_a_future_day(ctx, team):
    with pytest.raises(DomainError, match="future"):
        export.day_export(ctx, team[Role.FRONT_DESK], staff_views.today(ctx) + dt.timedelta(days=1))


# --- demo data -------------------------------------------------------------------------------
def test_demo_data_makes_every_state_and_one_account_per_role(ctx):
    result = demo.fill(ctx, len(demo.SCENARIOS), seed=3)
    assert set(demo.SCENARIOS) <= set(result.consents)
    with ctx.database.uow() as uow:
        consents = uow.consents.search(
            date_from=staff_views.today(ctx), date_to=staff_views.today(ctx)
        )
        every = uow.consents.search(
            date_from=staff_views.today(ctx) - dt.timedelta(days=200),
            date_to=staff_views.today(ctx),
        )
        users = {u.username: u for u in uow.users.list()}
        assert uow.consents.count_non_demo() == 0
    statuses = {c.status for c in consents}
    assert statuses == {
        Status.SUBMITTED,
        Status.VERIFIED,
        Status.ATTESTED,
        Status.FILED,
        Status.DECLINED,
        Status.ENTERED_IN_ERROR,
    }
    assert any(c.on_hold for c in consents) and any(c.open_stop_flags() for c in consents)
    assert all(c.demo and c.patient_signature.png for c in consents)
    for username, _name, role in demo.DEMO_ACCOUNTS:
        assert users[username].roles == {role} and users[username].demo
        assert auth.sign_in(ctx, username, result.passwords[username]).has(role)
    assert all(c.created_at <= ctx.clock.now() for c in consents)
    # The treatment courses (issue #14): two and three visits, a re-consent the newer major
    # version forced, a justified foam volume over 10 mL and an adverse event.
    visits: dict = {}
    for v in every:
        if v.visit_of is not None:
            visits.setdefault(v.visit_of.consent_id, []).append(v.visit_of.session)
    assert sorted(sorted(s) for s in visits.values()) == [[2, 3], [2, 3, 4]]
    assert [c.replaces.reason.value for c in every if c.replaces] == ["new_major_version"]
    signed = [c.sign_out for c in every if c.sign_out and c.sign_out.signed]
    assert any("foam_over_max" in s.justifications for s in signed)
    assert any(s.entry.adverse_events for s in signed)


def test_demo_data_refuses_a_database_with_real_consents(ctx, make_consent):
    make_consent()  # not marked demo: a real patient's consent as far as the tool knows
    with pytest.raises(DomainError, match="not demo data"):
        demo.fill(ctx, 3)
    with ctx.database.uow() as uow:
        assert uow.users.list() == []


# --- the command line ------------------------------------------------------------------------
def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_add_user_reads_the_password_from_stdin_never_argv(ctx):
    done = run_cli(
        "add-user",
        "boss",
        "--role",
        "admin",
        "--role",
        "nurse",
        "--display-name",
        "Bo Boss",
        stdin="a long enough secret\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Added boss" in done.stdout and "a long enough secret" not in done.stdout
    session = auth.sign_in(ctx, "boss", "a long enough secret")
    assert session.roles == {Role.ADMIN, Role.NURSE} and session.display_name == "Bo Boss"
    # There is no way to pass it as an argument.
    bad = run_cli("add-user", "other", "--role", "admin", "--password", "x")
    assert bad.returncode == 2 and "unrecognized arguments" in bad.stderr
    weak = run_cli("add-user", "weak", "--role", "nurse", stdin="short\n")
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr


def _cli(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """``cli.main`` in this process (a subprocess start costs ~2 s; the password-from-stdin rule
    is run as a real process above): exit code, stdout, stderr."""
    import cli

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_users_disable_enable(ctx, capsys, monkeypatch):
    run = lambda *a, **k: _cli(capsys, monkeypatch, *a, **k)  # noqa: E731
    assert run("add-user", "nina", "--role", "nurse", stdin="a long enough secret\n")[0] == 0
    _, listing, _ = run("users")
    assert "nina" in listing and "active" in listing
    assert run("disable-user", "nina")[0] == 0
    assert "disabled" in run("users")[1]
    with pytest.raises(auth.AccountDisabled):
        auth.sign_in(ctx, "nina", "a long enough secret")
    assert run("enable-user", "nina")[0] == 0
    assert auth.sign_in(ctx, "nina", "a long enough secret").username == "nina"
    code, _, err = run("disable-user", "nobody")
    assert code == 2 and "No staff account nobody" in err


def test_cli_demo_data_then_export(tmp_path):
    made = run_cli("demo-data", "--count", "3", "--seed", "5")
    assert made.returncode == 0, made.stderr
    assert "demo.nurse" in made.stdout and "demo.admin" in made.stdout
    day = (
        dt.datetime.now(dt.UTC)
        .astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
        .date()
    )
    out = run_cli("export", "--date", day.isoformat(), "--out", str(tmp_path / "x"))
    assert out.returncode == 0, out.stderr
    zips = list((tmp_path / "x").glob("*.zip"))
    assert len(zips) == 1
    names = zipfile.ZipFile(zips[0]).namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert "manifest.csv" in names and len(pdfs) == 3
    assert len([n for n in names if n.startswith("fhir/")]) == 3 and len(names) == 7
    bad = run_cli("export", "--date", "23/11/2026", "--out", str(tmp_path))
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
