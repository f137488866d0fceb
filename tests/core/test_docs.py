"""Docs that cannot drift: README's commands and the command line agree (sqlite-utils' test_docs)."""

from __future__ import annotations

import re
from pathlib import Path

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
