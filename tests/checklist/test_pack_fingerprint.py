"""A pack's fingerprint is stable across runs and changes when one word changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pack_helpers import EN_FILE, item, read_raw

from checklist.models import Pack

REPO = Path(__file__).resolve().parents[2]


def test_fingerprint_is_a_sha256_and_stable_within_a_run() -> None:
    a, b = Pack.model_validate(read_raw()), Pack.model_validate(read_raw())
    assert len(a.fingerprint) == 64 and int(a.fingerprint, 16) >= 0
    assert a.fingerprint == b.fingerprint


def test_fingerprint_is_stable_across_processes() -> None:
    code = (
        "import yaml, sys; from checklist.models import Pack; "
        f"print(Pack.model_validate(yaml.safe_load(open({str(EN_FILE)!r}))).fingerprint)"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert runs == {Pack.model_validate(read_raw()).fingerprint}


def test_fingerprint_changes_when_one_word_changes() -> None:
    raw = read_raw()
    before = Pack.model_validate(raw).fingerprint
    item(raw, "prep.eat")["text"] = "Eat and drink as usual."
    assert Pack.model_validate(raw).fingerprint != before


def test_fingerprint_ignores_yaml_layout(tmp_path) -> None:
    import yaml

    flowed = tmp_path / "en.yaml"
    flowed.write_text(
        yaml.safe_dump(read_raw(), default_flow_style=True, width=60), encoding="utf-8"
    )
    again = Pack.model_validate(yaml.safe_load(flowed.read_text(encoding="utf-8")))
    assert again.fingerprint == Pack.model_validate(read_raw()).fingerprint
