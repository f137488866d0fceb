"""Settings: a demo clinic with no configuration; CONSENT_ environment; secrets.toml; production guard."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import settings as settings_module
from settings import get_settings


def test_no_configuration_runs_as_demo_clinic(isolated_settings: Path) -> None:
    s = get_settings()
    assert s.is_demo
    assert s.clinic_name == "Demo Vein Clinic"
    assert s.resolved_database_url == f"sqlite:///{isolated_settings.resolve() / 'consent.db'}"
    assert s.patient_idle_minutes == 5
    assert s.staff_idle_minutes == 15
    assert s.draft_ttl_minutes == 120
    assert s.placeholder_values["clinic_phone"] == s.clinic_phone
    assert s.tz.key == "America/New_York"


def test_environment_names_start_with_consent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_CLINIC_NAME", "Riverside Vein Care")
    monkeypatch.setenv("CONSENT_PATIENT_IDLE_MINUTES", "7")
    monkeypatch.setenv("CONSENT_DATABASE_URL", "postgresql+psycopg://u:p@db/consent")
    monkeypatch.setenv("CONSENT_PLACEHOLDERS", '{"compression_days": "14"}')
    monkeypatch.setenv("CLINIC_NAME", "ignored without the prefix")
    s = get_settings()
    assert s.clinic_name == "Riverside Vein Care"
    assert s.patient_idle_minutes == 7
    assert s.resolved_database_url == "postgresql+psycopg://u:p@db/consent"
    assert s.placeholder_values["compression_days"] == "14"
    assert s.placeholder_values["walk_minutes"]  # defaults kept beside overrides


def test_secrets_toml_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[consent]\nclinic_name = "From secrets"\nclinic_phone = "555-0199"\n')
    monkeypatch.setattr(settings_module, "SECRETS_FILE", secrets)
    monkeypatch.setenv("CONSENT_CLINIC_PHONE", "555-0142")
    s = get_settings()
    assert s.clinic_name == "From secrets"
    assert s.clinic_phone == "555-0142"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CONSENT_CLINIC_TIMEZONE", "Mars/Olympus_Mons"),
        ("CONSENT_PATIENT_IDLE_MINUTES", "0"),
        ("CONSENT_PATIENT_IDLE_MINUTES", "0.01"),  # under 3 s: the tablet would clear mid-read
        ("CONSENT_PATIENT_IDLE_MINUTES", "nan"),
        ("CONSENT_PATIENT_IDLE_MINUTES", "inf"),
        ("CONSENT_PATIENT_IDLE_MINUTES", "five"),
        ("CONSENT_MRN_PATTERN", "([unclosed"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        get_settings()


def test_patient_idle_minutes_may_be_fractional(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_PATIENT_IDLE_MINUTES", "0.5")
    assert get_settings().patient_idle_minutes == 0.5


def test_production_refuses_insecure_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match=r"CONSENT_DATABASE_URL.*CONSENT_ENCRYPTION_KEY"):
        get_settings()


ARGON2 = ("CONSENT_ARGON2_TIME_COST", "CONSENT_ARGON2_MEMORY_KIB", "CONSENT_ARGON2_PARALLELISM")


def test_password_hashing_defaults_to_the_production_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ARGON2:  # the test fixture sets them cheap
        monkeypatch.delenv(name)
    s = get_settings()
    assert (s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism) == (3, 65536, 4)


def test_tests_hash_passwords_cheaply() -> None:
    s = get_settings()
    assert (s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism) == (1, 8, 1)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CONSENT_ARGON2_TIME_COST", "0"),
        ("CONSENT_ARGON2_TIME_COST", "21"),
        ("CONSENT_ARGON2_MEMORY_KIB", "7"),
        ("CONSENT_ARGON2_MEMORY_KIB", str(4 * 1024 * 1024 + 1)),
        ("CONSENT_ARGON2_PARALLELISM", "0"),
        ("CONSENT_ARGON2_PARALLELISM", "65"),
    ],
)
def test_argon2_values_out_of_range_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("CONSENT_").lower()):
        get_settings()


def test_argon2_memory_must_cover_every_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_ARGON2_PARALLELISM", "4")  # memory is 8 KiB: 2 KiB a lane
    with pytest.raises(ValidationError, match="at least 8 KiB per lane: 32"):
        get_settings()


def _production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_ENVIRONMENT", "production")
    monkeypatch.setenv("CONSENT_DATABASE_URL", "postgresql+psycopg://u:p@db/consent")
    # A real Fernet key and the clinic's own identity (tests/core/test_production.py refuses
    # anything less); the tests here are about the password hash.
    monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", "A" * 43 + "=")
    monkeypatch.setenv("CONSENT_SEAL_KEY_PASSPHRASE", "river seal passphrase")
    monkeypatch.setenv("CONSENT_CLINIC_NAME", "Riverside Vein Care")
    monkeypatch.setenv("CONSENT_CLINIC_PHONE", "(503) 555-2187")
    monkeypatch.setenv("CONSENT_CLINIC_ADDRESS", "12 River Road, Portland OR 97201")


def test_production_refuses_a_weak_password_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch)  # with the tests' cheap argon2 parameters still set
    with pytest.raises(ValidationError) as refused:
        get_settings()
    message = str(refused.value)
    assert "CONSENT_ARGON2_TIME_COST=1 is too weak for production (at least 2" in message
    assert "CONSENT_ARGON2_MEMORY_KIB=8 is too weak for production (at least 19456" in message


def test_production_accepts_the_default_and_owasps_least_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _production(monkeypatch)
    for name in ARGON2:
        monkeypatch.delenv(name)
    assert get_settings().argon2_memory_kib == 65536
    monkeypatch.setenv("CONSENT_ARGON2_TIME_COST", "2")
    monkeypatch.setenv("CONSENT_ARGON2_MEMORY_KIB", "19456")
    monkeypatch.setenv("CONSENT_ARGON2_PARALLELISM", "1")
    assert get_settings().argon2_time_cost == 2
