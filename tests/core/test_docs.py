"""Docs that cannot drift: README's commands and the command line agree (sqlite-utils' test_docs)."""

from __future__ import annotations

import re
from pathlib import Path

from product_layout import PRODUCT_CODE

import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def cli_commands() -> set[str]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)


def readme_commands() -> set[str]:
    return set(re.findall(r"python cli\.py ([a-z][a-z-]+)", README))


def test_every_cli_command_is_in_the_readme() -> None:
    assert cli_commands() - readme_commands() == set()


def test_the_readme_names_no_command_that_does_not_exist() -> None:
    assert readme_commands() - cli_commands() == set()


def test_readme_gives_the_two_quick_start_commands_and_the_test_command() -> None:
    assert "pip install -r requirements.txt" in README
    assert "streamlit run app.py" in README
    assert re.search(r"^pytest$", README, re.M)


def test_ci_installs_what_readme_says_and_runs_its_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip" install -q -r requirements.txt' in ci
    apt = re.search(r"apt-get install -y ([a-z0-9 -]+)", README)
    assert apt, "README gives the system step"
    for package in apt.group(1).split():
        assert package in ci
    assert re.search(r"^pytest ", ci, re.M)
    assert "CONSENT_REQUIRE_POSTGRES=1" in ci and "CONSENT_REQUIRE_BROWSER=1" in ci


def test_requirements_pin_exact_versions() -> None:
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    assert lines and all("==" in line for line in lines), lines
    assert any(line.startswith("streamlit==1.67.") for line in lines)


# --- README's Configuration table and settings.py hold each other ------------------------------
# Fields of Settings that are not for a clinic to set, with why (none yet: add here, saying why).
INTERNAL_SETTINGS: dict[str, str] = {}
# Fields read only by settings.py itself, with what reads them there.
READ_BY_SETTINGS_ITSELF = {"environment": "the production guard (_production_is_explicit)"}


def readme_settings() -> set[str]:
    """Every CONSENT_ name in the first column of README's Configuration table.

    A row may shorten names after the first: `CONSENT_CLINIC_NAME`, `_ADDRESS` is
    CONSENT_CLINIC_NAME and CONSENT_CLINIC_ADDRESS (the first name's last word replaced).
    """
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for row in re.findall(r"^\| (.+?) \|", section, re.M):
        cell = re.findall(r"`([A-Z_0-9]+)`", row)
        if not cell or not cell[0].startswith("CONSENT_"):
            continue
        stem = cell[0].rsplit("_", 1)[0]
        names.update(n if n.startswith("CONSENT_") else stem + n for n in cell)
    return names


def settings_fields() -> set[str]:
    from settings import Settings

    return set(Settings.model_fields)


def test_every_setting_in_the_readme_is_a_field_of_settings() -> None:
    documented = {n.removeprefix("CONSENT_").lower() for n in readme_settings()}
    assert documented, "README has a Configuration table"
    assert documented - settings_fields() == set()


def test_every_field_of_settings_is_in_the_readme() -> None:
    documented = {n.removeprefix("CONSENT_").lower() for n in readme_settings()}
    assert settings_fields() - documented - set(INTERNAL_SETTINGS) == set()


def _settings_properties() -> dict[str, set[str]]:
    """Each derived value of Settings (a property) and the fields it reads through ``self``."""
    import ast

    tree = ast.parse((ROOT / "settings.py").read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings")
    return {
        fn.name: {
            a.attr
            for a in ast.walk(fn)
            if isinstance(a, ast.Attribute)
            and isinstance(a.value, ast.Name)
            and a.value.id == "self"
        }
        for fn in cls.body
        if isinstance(fn, ast.FunctionDef)
        and any(isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list)
    }


def test_every_setting_is_read_by_the_product() -> None:
    """A documented setting that nothing reads is a promise the app does not keep."""
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for place in PRODUCT_CODE
        for path in ([ROOT / place] if place.endswith(".py") else (ROOT / place).rglob("*.py"))
    )

    def read(name: str) -> bool:  # `settings.name` or `s.name` (s = ctx.settings)
        return re.search(rf"\b(settings|s)\.{name}\b", code) is not None

    properties = _settings_properties()
    unread = {
        field
        for field in settings_fields() - set(READ_BY_SETTINGS_ITSELF)
        if not read(field) and not any(read(p) for p, uses in properties.items() if field in uses)
    }
    assert unread == set()
