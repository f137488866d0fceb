"""Production refuses to start as the demo clinic, or with a missing or weak setting: one clear
line, exit 2 from the command line, a plain message on the page, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError
from streamlit.testing.v1 import AppTest

from errors import configuration_message
from settings import REPO_DIR, get_settings

SHIPPED_1_1 = REPO_DIR / "checklist" / "packs" / "sclerotherapy" / "1.1.0"

CLINIC = {
    "CONSENT_CLINIC_NAME": "Riverside Vein Care",
    "CONSENT_CLINIC_PHONE": "(503) 555-2187",
    "CONSENT_CLINIC_ADDRESS": "12 River Road, Portland OR 97201",
}


def _production(env: dict[str, str], data: Path, **extra: str) -> dict[str, str]:
    """A production environment with everything right except what the test leaves out."""
    env.update(
        {
            "CONSENT_ENVIRONMENT": "production",
            "CONSENT_DATABASE_URL": f"sqlite:///{data / 'consent.db'}",
            "CONSENT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "CONSENT_SEAL_KEY_PASSPHRASE": "river seal passphrase",
            "CONSENT_ARGON2_TIME_COST": "2",
            "CONSENT_ARGON2_MEMORY_KIB": "19456",
            **CLINIC,
            **extra,
        }
    )
    return env


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=REPO_DIR,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _refused(monkeypatch: pytest.MonkeyPatch) -> str:
    with pytest.raises(ValidationError) as refused:
        get_settings()
    return configuration_message(refused.value)


@pytest.mark.parametrize(
    ("name", "demo"),
    [
        ("CONSENT_CLINIC_NAME", "Demo Vein Clinic"),
        ("CONSENT_CLINIC_PHONE", "555-0100"),
        ("CONSENT_CLINIC_ADDRESS", "100 Example Street, Springfield"),
        ("CONSENT_CLINIC_PHONE", "   "),
    ],
)
def test_production_refuses_the_demo_clinics_identity(
    monkeypatch: pytest.MonkeyPatch, isolated_settings: Path, name: str, demo: str
) -> None:
    _production(os.environ, isolated_settings)  # type: ignore[arg-type]
    monkeypatch.setenv(name, demo)
    message = _refused(monkeypatch)
    assert "\n" not in message
    assert f"production needs the clinic's own {name}" in message
    others = set(CLINIC) - {name}
    assert not any(other in message for other in others)


def test_production_with_no_identity_names_all_three(
    monkeypatch: pytest.MonkeyPatch, isolated_settings: Path
) -> None:
    _production(os.environ, isolated_settings)  # type: ignore[arg-type]
    for name in CLINIC:
        monkeypatch.delenv(name)
    message = _refused(monkeypatch)
    assert "CONSENT_CLINIC_NAME, CONSENT_CLINIC_PHONE, CONSENT_CLINIC_ADDRESS" in message


@pytest.mark.parametrize("key", ["x" * 44, "not-a-key", "", "tooshort=="])
def test_production_refuses_an_encryption_key_that_is_not_a_key(
    monkeypatch: pytest.MonkeyPatch, isolated_settings: Path, key: str
) -> None:
    _production(os.environ, isolated_settings)  # type: ignore[arg-type]
    monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", key)
    message = _refused(monkeypatch)
    assert "CONSENT_ENCRYPTION_KEY" in message
    assert key not in message or not key  # the value itself is never echoed


def test_production_accepts_a_key_list_for_rotation(
    monkeypatch: pytest.MonkeyPatch, isolated_settings: Path
) -> None:
    _production(os.environ, isolated_settings)  # type: ignore[arg-type]
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    monkeypatch.setenv("CONSENT_ENCRYPTION_KEY", keys)
    assert get_settings().clinic_name == "Riverside Vein Care"


def test_a_bad_value_names_its_variable_and_never_echoes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSENT_PATIENT_IDLE_MINUTES", "s3cr3t-looking")
    message = _refused(monkeypatch)
    assert message.startswith("Settings are not valid: CONSENT_PATIENT_IDLE_MINUTES: ")
    assert "s3cr3t" not in message


def test_cli_in_production_as_the_demo_clinic_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, isolated_settings: Path
) -> None:
    monkeypatch.setenv("CONSENT_ENVIRONMENT", "production")
    done = _cli("init")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "CONSENT_DATABASE_URL" in lines[0]
    assert "CONSENT_CLINIC_NAME, CONSENT_CLINIC_PHONE, CONSENT_CLINIC_ADDRESS" in lines[0]


def test_cli_in_production_refuses_the_demo_content_pack(
    monkeypatch: pytest.MonkeyPatch, isolated_settings: Path
) -> None:
    _production(os.environ, isolated_settings)  # type: ignore[arg-type]
    done = _cli("users")  # any command that starts the app's context
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "still has the demo approval text" in lines[0]
    assert "sclerotherapy 1.3.0 (en)" in lines[0] and "sclerotherapy 1.3.0 (es)" in lines[0]


def _approved_copy(content: Path) -> None:
    """The clinic's own pack: the shipped 1.1.0 text as version 2.0.0 (newer than every shipped
    version, so it is the newest), approved by its director."""
    target = content / "sclerotherapy" / "2.0.0"
    target.mkdir(parents=True)
    for path in SHIPPED_1_1.glob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace('version: "1.1.0"', 'version: "2.0.0"')
        text = re.sub(
            r"approved_by: >-\n(  .*\n)+",
            "approved_by: Dr. A. Rivera, medical director, 2027-01-10\n",
            text,
            count=1,
        )
        (target / path.name).write_text(text, encoding="utf-8")


def test_production_starts_with_the_clinics_identity_and_approved_content(
    monkeypatch: pytest.MonkeyPatch, isolated_settings: Path, tmp_path: Path
) -> None:
    _approved_copy(tmp_path / "content")
    _production(  # type: ignore[arg-type]
        os.environ, isolated_settings, CONSENT_CONTENT_DIR=str(tmp_path / "content")
    )
    done = _cli("init")
    assert done.returncode == 0, done.stderr
    done = _cli("users")
    assert done.returncode == 0, done.stderr


def test_the_page_shows_one_plain_message_instead_of_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSENT_ENVIRONMENT", "production")
    at = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("Settings are not valid: production needs CONSENT_DATABASE_URL")
    assert "CONSENT_CLINIC_NAME" in message
