"""Issue 13: with the key set nothing personal is readable in the stored bytes (SQLite file, WAL,
backup copy; PostgreSQL dump or raw columns); search still finds people through the blind index;
rotate-key re-encrypts and resumes after a crash; and the files are owner-only."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from store_builders import T0, fake_pdf, make_consent

import cli
from accounts.staff import Role
from errors import DomainError
from forms.records import Consent
from language.dates import format_date, format_date_with_iso
from services import auth, consent, demo, staff_views
from services.clock import FixedClock
from services.context import AppContext, build_context
from settings import get_settings
from store.crypto import generate_key
from store.db import Database, open_database
from store.rekey import rekey
from store.text import name_key

OLD, NEW = generate_key(), generate_key()
NOTE = "Will the foam make my ankle swell up for weeks?"
PG_DUMP = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"


def needles(c: Consent) -> list[str]:
    """How a patient's data could show up in stored bytes: as typed, as the search key, escaped
    in JSON, and the birth date as ISO and as printed."""
    p = c.patient
    words = [p.legal_name, name_key(p.legal_name), json.dumps(p.legal_name)[1:-1]]
    dob = p.date_of_birth
    words += [dob.isoformat(), format_date("en", dob), format_date_with_iso("en", dob)]
    words += [p.mrn] if p.mrn else []
    words += [n for q in c.questions for n in (q.note, json.dumps(q.note)[1:-1])]
    return sorted(set(words))


def found_in(data: bytes, consents: list[Consent]) -> list[str]:
    return [w for c in consents for w in needles(c) if w.encode("utf-8") in data]


@pytest.fixture
def keyed(
    db_url: str, prepared_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AppContext, list[Consent]]]:
    """Demo data made with the key set, plus a patient with an MRN and a question for the
    doctor and one draft left half-way, on SQLite or PostgreSQL."""
    monkeypatch.setenv("CONSENT_DATABASE_URL", db_url)
    monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", OLD)
    ctx = build_context(get_settings(), clock=FixedClock(T0))
    made = sum(demo.fill(ctx, len(demo.SCENARIOS), seed=3, courses=False).consents.values())
    section = ctx.active_pack("en").sections[0].id
    asked = demo.patient_completes(
        ctx,
        legal_name="Ñandú Þórsdóttir",
        date_of_birth=dt.date(1958, 7, 19),
        questions={section: NOTE},
    )
    with_mrn = make_consent(name="Quentin Zyskowski-Ortega", dob=dt.date(1977, 3, 9), seed=4)
    with ctx.database.uow() as uow:
        uow.consents.add(with_mrn)
        uow.documents.add(with_mrn.id, "submitted", fake_pdf(), T0)
        uow.commit()
    token = consent.start_consent(ctx, language="en")
    consent.choose_language(ctx, token, "en")
    with ctx.database.uow() as uow:
        every = uow.consents.search(date_from=dt.date(2000, 1, 1), limit=1000)
    assert asked.id in {c.id for c in every} and len(every) == made + 2
    yield ctx, every
    ctx.database.dispose()


def search_as_front_desk(ctx: AppContext, **query) -> set:  # type: ignore[no-untyped-def]
    with ctx.database.uow() as uow:
        desk = next(u for u in uow.users.list() if Role.FRONT_DESK in u.roles)
    password = demo.ensure_demo_accounts(ctx)[desk.username]
    session = auth.sign_in(ctx, desk.username, password)
    return {r.consent_id for r in staff_views.search(ctx, session, **query)}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # PostgreSQL: the pg_dump test
def test_nothing_personal_in_the_sqlite_file_its_wal_or_a_backup(
    db_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    ctx, every = request.getfixturevalue("keyed")
    path = ctx.database.sqlite_path
    assert path is not None
    wal = Path(f"{path}-wal")
    assert wal.exists()  # the app still has the database open: recent pages are in the WAL
    assert found_in(wal.read_bytes(), every) == []
    assert found_in(path.read_bytes(), every) == []
    assert cli.main(["backup", "--out", str(tmp_path / "copy.db")]) == 0
    assert found_in((tmp_path / "copy.db").read_bytes(), every) == []
    assert stat.S_IMODE(os.stat(tmp_path / "copy.db").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(wal).st_mode) == 0o600


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)  # SQLite: the file bytes test
def test_nothing_personal_in_a_postgresql_dump_or_any_text_column(
    db_url: str, request: pytest.FixtureRequest
) -> None:
    ctx, every = request.getfixturevalue("keyed")
    url = ctx.database.engine.url
    schema = url.query["options"].removeprefix("-csearch_path=")
    # Every text and JSON column, read raw.
    columns = []
    with ctx.database.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for col in inspect(conn).get_columns(table):
                if str(col["type"]).split("(")[0] in ("TEXT", "VARCHAR", "JSON"):
                    columns.append((table, col["name"]))
        raw = "\n".join(
            str(value)
            for table, column in columns
            for (value,) in conn.execute(text(f'SELECT "{column}"::text FROM "{table}"'))
        )
    assert ("consents", "legal_name") in columns and ("drafts", "state") in columns
    assert found_in(raw.encode("utf-8"), every) == []
    if not Path(PG_DUMP).exists():
        pytest.skip("pg_dump is not installed: the raw columns were checked")
    plain = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    dump = subprocess.run(
        [PG_DUMP, "--data-only", f"--schema={schema}", plain],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    assert b"COPY" in dump and len(dump) > 10_000
    assert found_in(dump, every) == []


def test_the_check_itself_finds_names_when_there_is_no_key(db: Database) -> None:
    c = make_consent(name="Quentin Zyskowski-Ortega")
    with db.uow() as uow:
        uow.consents.add(c)
        uow.commit()
    with db.engine.connect() as conn:
        raw = "\n".join(str(r) for r in conn.execute(text("SELECT * FROM consents")).all())
    assert "Quentin Zyskowski-Ortega" in found_in(raw.encode(), [c])


def test_staff_search_by_name_and_birth_date_goes_through_the_blind_index(
    keyed: tuple[AppContext, list[Consent]],
) -> None:
    ctx, every = keyed
    with ctx.database.engine.connect() as conn:
        assert set(conn.execute(text("SELECT name_key FROM consents")).scalars()) == {""}
        assert conn.execute(text("SELECT count(*) FROM search_tags")).scalar_one() > 100
    for c in every:
        first, *_ = c.patient.legal_name.split()
        assert c.id in search_as_front_desk(ctx, name=first.upper())
        assert c.id in search_as_front_desk(ctx, name=name_key(c.patient.legal_name)[:3])
        by_dob = search_as_front_desk(ctx, date_of_birth=c.patient.date_of_birth)
        assert c.id in by_dob
        assert by_dob <= {x.id for x in every if x.patient.date_of_birth == c.patient.date_of_birth}
        both = search_as_front_desk(ctx, name=first, date_of_birth=c.patient.date_of_birth)
        assert c.id in both
    assert search_as_front_desk(ctx, name="Thandor Nobody") == set()
    with ctx.database.uow() as uow:
        one = every[0]
        mine = uow.consents.for_patient(one.patient.legal_name.upper(), one.patient.date_of_birth)
        assert one.id in {c.id for c in mine}


def _read_everything(db: Database, every: list[Consent]) -> None:
    with db.uow() as uow:
        for c in every:
            got = uow.consents.get(c.id)
            assert got.patient == c.patient and got.questions == c.questions
            doc = uow.documents.latest(c.id)
            assert doc is not None and doc.pdf.startswith(b"%PDF")
        found = uow.consents.search(name=every[0].patient.legal_name)
        assert every[0].id in {c.id for c in found}


def test_rotate_key_re_encrypts_everything_and_resumes_after_a_crash(
    keyed: tuple[AppContext, list[Consent]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ctx, every = keyed
    url = ctx.database.engine.url.render_as_string(hide_password=False)
    ctx.database.dispose()

    # A first run is killed after its second batch (committed batches stay).
    class Killed(Exception):
        pass

    calls = []
    interrupted = open_database(url, settings=get_settings(encryption_key=NEW), upgrade=False)
    target = interrupted.cipher
    read = open_database(url, settings=get_settings(encryption_key=f"{NEW},{OLD}"), upgrade=False)
    with interrupted.engine.connect() as conn:

        def commit_then_die() -> None:
            conn.commit()
            calls.append(1)
            if len(calls) == 2:
                raise Killed

        with pytest.raises(Killed):
            rekey(conn, target, read.cipher, rotate=True, commit=commit_then_die, batch=4)
    interrupted.dispose()
    read.dispose()
    half = open_database(url, settings=get_settings(encryption_key=NEW), upgrade=False)
    with half.engine.connect() as conn:
        names = conn.execute(text("SELECT legal_name FROM consents ORDER BY id")).scalars().all()
    assert all(n.startswith("enc1:gAAAAA") for n in names)  # never in clear, even half-way
    half.dispose()

    monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", NEW)
    assert cli.main(["rotate-key", f"--old-key={OLD}"]) == 0
    out = capsys.readouterr().out
    assert "8 row(s) were already under it" in out  # the two committed batches of consents
    assert "Traceback" not in out and OLD not in out and NEW not in out

    fresh = open_database(url, settings=get_settings(encryption_key=NEW))  # the new key alone
    _read_everything(fresh, every)
    with fresh.uow() as uow:
        [event] = uow.audit.query(action="key.rotated")
        assert uow.audit.check_chain().ok
    assert event.new["rows_changed"]["documents"] >= len(every)  # every PDF, finals too
    fresh.dispose()
    old_only = open_database(url, settings=get_settings(encryption_key=OLD), upgrade=False)
    with old_only.uow() as uow, pytest.raises(DomainError, match="does not match"):
        uow.consents.get(every[0].id)
    old_only.dispose()

    # Again: nothing left to do.
    assert cli.main(["rotate-key", f"--old-key={OLD}"]) == 0
    assert "Re-encrypted under the new key: nothing row(s)." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("env_key", "old", "words"),
    [
        (None, OLD, "Set CONSENT_ENCRYPTION_KEY to the new key first"),
        (NEW, "not-a-key", "--old-key is not a valid key"),
        (NEW, NEW, "--old-key is the key CONSENT_ENCRYPTION_KEY starts with"),
        (NEW, " ", "--old-key is empty"),
    ],
    # Stable ids: the keys are made at import, and every xdist worker must collect the same names.
    ids=["no-key-set", "old-not-a-key", "old-equals-new", "old-empty"],
)
def test_rotate_key_refuses_bad_input_with_exit_2(
    env_key: str | None,
    old: str,
    words: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if env_key:
        monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", env_key)
    assert cli.main(["rotate-key", f"--old-key={old}"]) == 2
    out = capsys.readouterr().out
    assert words in out and "Traceback" not in out


def test_rotate_key_with_a_wrong_old_key_names_the_row_and_exits_1(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_url, settings=get_settings(encryption_key=OLD))
    c = make_consent()
    with db.uow() as uow:
        uow.consents.add(c)
        uow.commit()
    db.dispose()
    monkeypatch.setenv("CONSENT_DATABASE_URL", db_url)
    monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", NEW)
    # "=" form: a random key may begin with "-", which argparse would take for an option.
    assert cli.main(["rotate-key", f"--old-key={generate_key()}"]) == 1
    out = capsys.readouterr().out
    assert f"consents row {c.id}" in out and "does not match" in out


def test_migration_0003_encrypts_existing_rows_and_a_second_run_changes_nothing(
    db_url: str,
) -> None:
    from alembic import command

    from store.db import alembic_config

    plain = open_database(db_url)  # before the key: rows in clear
    consents = [make_consent(name=f"Wilhelmina Okonkwo {i}", seed=i) for i in range(3)]
    with plain.uow() as uow:
        for c in consents:
            uow.consents.add(c)
        uow.drafts.save("tok-1", {"legal_name": "Wilhelmina Draft"}, T0, dt.timedelta(hours=1))
        uow.commit()
    with plain.engine.begin() as conn:  # back to 0002, as a clinic upgrading finds it
        command.downgrade(alembic_config(conn), "0002")
    plain.dispose()

    keyed = open_database(db_url, settings=get_settings(encryption_key=OLD))  # 0003 runs
    with keyed.engine.connect() as conn:
        rows = conn.execute(text("SELECT legal_name, date_of_birth, mrn FROM consents")).all()
        state = conn.execute(text("SELECT state FROM drafts")).scalar_one()
    assert all(v.startswith("enc1:") for row in rows for v in row)
    assert "Wilhelmina" not in str(state)
    with keyed.uow() as uow:
        assert [uow.consents.get(c.id) for c in consents] == consents
        assert uow.drafts.load("tok-1", T0) == {"legal_name": "Wilhelmina Draft"}
        assert {c.id for c in uow.consents.search(name="wilhel okonk")} == {c.id for c in consents}
    with keyed.engine.begin() as conn:  # the data step again: what is encrypted is left alone
        report = rekey(conn, keyed.cipher, keyed.cipher, rotate=False)
    assert report.rows_changed == 0
    with keyed.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT legal_name, date_of_birth, mrn FROM consents")).all() == rows
        )
    keyed.dispose()


def test_files_made_by_init_backup_and_export_are_owner_only(
    isolated_settings: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_umask = os.umask(0o022)  # a typical host: new files readable by everyone
    try:
        assert cli.main(["init"]) == 0
        assert cli.main(["backup", "--out", str(tmp_path / "backups" / "b.db")]) == 0
        assert (
            cli.main(["export", "--date", T0.date().isoformat(), "--out", str(tmp_path / "x")]) == 0
        )
    finally:
        os.umask(old_umask)
    data = isolated_settings
    [zip_file] = (tmp_path / "x").glob("*.zip")

    def mode(p: Path) -> int:
        return stat.S_IMODE(os.stat(p).st_mode)

    for folder in (data, tmp_path / "backups", tmp_path / "x"):
        assert mode(folder) == 0o700, folder
    for file in (data / "consent.db", tmp_path / "backups" / "b.db"):
        assert mode(file) == 0o600, file
    # The seal key is kept in the (owner-only) database, shared by every server (issue #18):
    # no key file is left in the data folder (tests/store/test_clinic_seal.py).
    assert not (data / "seal").exists()
    assert mode(zip_file) == 0o600
    assert not list((tmp_path / "backups").glob("*.part"))


def test_wide_modes_names_what_others_could_read(tmp_path: Path) -> None:
    from store.files import private_file, wide_modes

    ok, wide = private_file(tmp_path / "ok.db"), tmp_path / "wide.db"
    wide.write_bytes(b"x")
    wide.chmod(0o644)
    assert wide_modes([ok, wide, tmp_path / "missing"]) == [
        f"{wide} is mode 0644; other users on this host may read it (make it 0600: chmod 600 {wide})"
    ]


def test_a_pg_url_is_rendered_for_pg_dump_without_the_driver() -> None:
    url = make_url("postgresql+psycopg://u:p@h:5/d?options=-csearch_path%3Dt_1")
    assert (
        url.set(drivername="postgresql", query={}).render_as_string(False)
        == "postgresql://u:p@h:5/d"
    )


@pytest.mark.parametrize("key", [None, OLD], ids=["no-key", "key"])
def test_staff_free_text_in_the_audit_is_a_keyed_digest_when_encrypted(
    db_url: str, monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    """A hold reason or a flag-review note may hold health details: with the key set the audit
    keeps a digest (the words are in the encrypted record and the sealed PDF); the chain holds."""
    if key:
        monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", key)
    database = open_database(db_url, settings=get_settings())
    reason = "Waiting for the HIV test result"
    try:
        with database.uow() as uow:
            uow.audit.append(
                at=T0,
                actor_id="7",
                actor_role="clinician",
                action="consent.held",
                new={"reason": reason, "status": "submitted"},
            )
            uow.commit()
        with database.engine.connect() as conn:
            (stored,) = conn.execute(text("SELECT new FROM audit_events")).one()
        with database.uow() as uow:
            assert uow.audit.check_chain().ok
    finally:
        database.dispose()
    kept = json.loads(stored)
    assert kept["status"] == "submitted"
    if key:
        assert reason not in stored and kept["reason"].startswith("hmac:")
    else:
        assert kept["reason"] == reason
