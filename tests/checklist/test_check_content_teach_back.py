"""`python cli.py check-content DIR` on a clinic's copy of pack 1.3.0 (issue #15): it passes as
shipped, and fails, naming the file and the question, for a check of understanding tied to a
missing item, a translation whose answer, choices or checks drift, a question above grade 6,
and a risk picture outside its frequency band."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pack_helpers import item
from teach_back_helpers import clinic_dir, question, raw_1_3

import cli

REPO = Path(__file__).resolve().parents[2]


def run(capsys, directory: Path) -> tuple[int, str]:
    code = cli.main(["check-content", str(directory)])
    return code, capsys.readouterr().out


def problems_in(out: str) -> list[str]:
    return [line[2:] for line in out.splitlines() if line.startswith("- ")]


def test_the_shipped_packs_and_a_clinic_copy_pass_showing_each_question(capsys, tmp_path) -> None:
    paths = clinic_dir(tmp_path)
    code, out = run(capsys, tmp_path)
    assert code == 0, out
    assert "sclerotherapy 1.3.0 (en)" in out and "sclerotherapy 1.4.0 (es)" in out
    assert str(paths["es"]) in out
    assert "checks of understanding (teach-back):" in out
    for qid in ("tb.chest", "tb.stockings", "tb.medicines", "tb.avoid", "tb.calf"):
        assert any(line.split()[:1] == [qid] and "grade" in line for line in out.splitlines())
    assert "TOO HARD" not in out and "problem" not in out


def test_a_question_tied_to_a_missing_item_fails(capsys, tmp_path) -> None:
    en = raw_1_3("en")
    question(en, "tb.avoid")["checks"] = ["after.avoid", "after.saunas"]
    paths = clinic_dir(tmp_path, en=en)
    code, out = run(capsys, tmp_path)
    assert code == 1
    assert (
        f"{paths['en']}: teach_back > question tb.avoid checks item after.saunas, which is not "
        "in the pack. Use the id of an item in sections, or remove it from checks."
    ) in problems_in(out)


def test_a_translation_whose_answer_choices_and_checks_drift_fails(capsys, tmp_path) -> None:
    es = raw_1_3("es")
    question(es, "tb.chest")["answer"] = "a"
    choices = question(es, "tb.medicines")["choices"]
    choices[1], choices[2] = choices[2], choices[1]
    question(es, "tb.calf")["checks"] = ["warn.calf"]
    paths = clinic_dir(tmp_path, es=es)
    code, out = run(capsys, tmp_path)
    assert code == 1
    problems = problems_in(out)
    where = f"{paths['es']}: teach_back > question"
    assert (
        f"{where} tb.chest: answer is a but the en pack has b. Use b: only the words may differ."
        in problems
    )
    assert (
        f"{where} tb.medicines: the choices are in a different order (a, c, b); the en pack has "
        "a, b, c. Put them in the same order."
    ) in problems
    assert any(
        p.startswith(f"{where} tb.calf: checks is [warn.calf] but the en pack") for p in problems
    )
    assert "sclerotherapy 1.4.0 (es)" not in out  # a drifting translation is not loaded


def test_a_question_above_grade_6_fails(capsys, tmp_path) -> None:
    en = raw_1_3("en")
    question(en, "tb.stockings").update(
        question="For what approximate duration should graduated compression hosiery be "
        "continuously maintained following sclerotherapy ({compression_days} days)?",
        explain="Graduated compression facilitates venous occlusion and minimises "
        "postprocedural hyperpigmentation, thrombophlebitis and discomfort "
        "({compression_days} days).",
    )
    paths = clinic_dir(tmp_path, en=en)
    code, out = run(capsys, tmp_path)
    assert code == 1
    shown = next(
        ln for ln in out.splitlines() if ln.split()[:1] == ["tb.stockings"] and "TOO HARD" in ln
    )
    assert "grade" in shown
    (problem,) = [p for p in problems_in(out) if "tb.stockings is too hard" in p]
    assert problem.startswith(
        f"{paths['en']}: teach_back > question tb.stockings is too hard to read (grade "
    )
    assert "limit grade 6 or below). Use shorter sentences and shorter words" in problem


def test_a_rate_outside_its_band_fails(capsys, tmp_path) -> None:
    en, es = raw_1_3("en"), raw_1_3("es")
    for raw in (en, es):  # the same in both, so it is not a translation drift
        item(raw, "risk.clot")["rate"] = {"affected": 3, "of": 100}
    paths = clinic_dir(tmp_path, en=en, es=es)
    code, out = run(capsys, tmp_path)
    assert code == 1
    for lang in ("en", "es"):
        assert (
            f"{paths[lang]}: section risks > item risk.clot: rate 3 in 100 does not fit "
            "frequency uncommon (between 1 in 1,000 and 1 in 100 people). Use the figure's own "
            "number, or fix the frequency word."
        ) in problems_in(out)


def test_the_real_command_exits_1_and_names_the_file_and_question(tmp_path) -> None:
    en = raw_1_3("en")
    question(en, "tb.chest")["checks"] = ["warn.nowhere"]
    paths = clinic_dir(tmp_path, en=en)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSENT_CONTENT")}
    done = subprocess.run(
        [sys.executable, "cli.py", "check-content", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        f"- {paths['en']}: teach_back > question tb.chest checks item warn.nowhere, which is not "
        "in the pack."
    ) in done.stdout
    assert "Traceback" not in done.stderr
