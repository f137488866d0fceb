"""`python cli.py check-content [DIR]`: output and exit codes."""

from __future__ import annotations

import re

import pytest
from pack_helpers import ES_FILE, item, read_raw, section, write_pack

import cli
from checklist.models import Pack


def run(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["check-content", *args])
    return code, capsys.readouterr().out


def test_shipped_packs_pass(capsys, good_raw) -> None:
    code, out = run(capsys)
    assert code == 0, out
    assert f"fingerprint {Pack.model_validate(good_raw).fingerprint}" in out
    assert re.search(r"^\s+risks\s+grade\s+\d+\.\d,\s+\d+ words$", out, re.M)
    assert "median" in out
    assert "problem" not in out


def test_broken_pack_in_dir_exits_1_naming_file_item_and_fix(capsys, tmp_path, good_raw) -> None:
    good_raw["version"] = "2.0.0"
    item(good_raw, "risk.clot").pop("frequency")
    path = write_pack(tmp_path, good_raw)
    code, out = run(capsys, str(tmp_path))
    assert code == 1
    assert f"- {path}: section risks > item risk.clot has no frequency. Add frequency:" in out


def test_content_dir_from_settings(capsys, tmp_path, good_raw, monkeypatch) -> None:
    good_raw["version"] = "2.0.0"
    section(good_raw, "benefits")["items"] = []
    write_pack(tmp_path, good_raw)
    monkeypatch.setenv("CONSENT_CONTENT_DIR", str(tmp_path))
    code, out = run(capsys)
    assert code == 1
    assert "section benefits has no items" in out


def test_hard_section_exits_1(capsys, tmp_path, good_raw) -> None:
    good_raw["version"] = "2.0.0"
    item(good_raw, "benefit.look")["text"] = (
        "Sclerotherapeutic obliteration characteristically precipitates progressive "
        "diminution of telangiectatic visibility notwithstanding considerable interindividual "
        "variability."
    )
    write_pack(tmp_path, good_raw)
    code, out = run(capsys, str(tmp_path))
    assert code == 1
    assert "TOO HARD" in out
    assert "section benefits is too hard to read" in out


def test_missing_dir_exits_2(capsys, tmp_path) -> None:
    code, out = run(capsys, str(tmp_path / "nope"))
    assert code == 2
    assert "no such directory" in out


@pytest.mark.parametrize("argv", [["check-content", "--help"]])
def test_help_mentions_dir(capsys, argv) -> None:
    with pytest.raises(SystemExit):
        cli.main(argv)
    assert "DIR" in capsys.readouterr().out


def test_spanish_pack_shows_both_spanish_measures(capsys) -> None:
    code, out = run(capsys)
    assert code == 0
    assert "sclerotherapy 1.0.0 (es)" in out
    line = next(ln for ln in out.splitlines() if "(es)" in ln)
    assert line.split("fingerprint ")[1] == Pack.model_validate(read_raw(ES_FILE)).fingerprint
    assert re.search(
        r"^\s+risks\s+Fernández-Huerta\s+\d+\.\d \((muy fácil|fácil|bastante fácil)\), "
        r"Szigriszt-Pazos\s+\d+\.\d \((muy fácil|fácil|bastante fácil)\),\s+\d+ words$",
        out,
        re.M,
    )
