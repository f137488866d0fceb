"""`python cli.py check-content [DIR]`: validate every content pack and show its reading level."""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from pydantic import ValidationError

from checklist.loader import load_library
from settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-content",
        help="validate every content pack and print each section's reading level",
        description=(
            "Validate the shipped content packs plus a clinic's own (DIR, or the "
            "CONSENT_CONTENT_DIR setting). Prints each pack's fingerprint and the reading level "
            "of each section and each check of understanding (teach-back); exits 1 on any "
            "problem or anything that is too hard to read."
        ),
    )
    parser.add_argument(
        "directory",
        metavar="DIR",
        nargs="?",
        type=Path,
        help="a clinic content directory laid out as <pack id>/<version>/<language>.yaml",
    )
    parser.set_defaults(func=check_content)


def check_content(args: argparse.Namespace) -> int:
    # Here, not at the top: textstat loads its dictionaries in ~0.6 s, which every other
    # command would pay for nothing.
    from checklist.readability import reading_problems, score_pack
    from checklist.teach_back_checks import (
        score_teach_back,
        teach_back_problems,
        teach_back_too_hard,
    )

    try:
        settings = get_settings()
    except ValidationError as exc:
        print(f"Settings are not valid: {exc.errors()[0]['msg']}. Fix the CONSENT_ variables.")
        return 2
    directory: Path | None = args.directory or settings.content_dir
    if args.directory is not None and not args.directory.is_dir():
        print(
            f"{args.directory}: no such directory. Give a folder holding <id>/<version>/<lang>.yaml."
        )
        return 2

    values = settings.placeholder_values
    library = load_library(values, [directory])
    problems = list(library.problems)

    for loaded in library.all():
        pack = loaded.pack
        print(f"{loaded.path}")
        print(f"  {pack.id} {pack.version} ({pack.language})  fingerprint {pack.fingerprint}")
        scores = score_pack(pack, values)
        for score in scores:
            marker = "  TOO HARD" if score.too_hard else ""
            print(f"    {score.section_id:<15} {score.describe()}{marker}")
        grades = [s.grade for s in scores if s.grade is not None]
        if grades:
            print(f"    {'median':<15} grade {statistics.median(grades):4.1f}")
        problems += [f"{loaded.path}: {p}" for p in reading_problems(pack, scores)]
        checks = score_teach_back(pack, values)
        if checks:
            print("    checks of understanding (teach-back):")
        for score in checks:
            marker = "  TOO HARD" if teach_back_too_hard(score) else ""
            print(f"    {score.section_id:<15} {score.describe()}{marker}")
        problems += [f"{loaded.path}: {p}" for p in teach_back_problems(checks)]

    if not library.packs and not problems:
        problems.append("no content packs found. Add checklist/packs/<id>/<version>/<lang>.yaml.")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for problem in problems:
            print(f"- {problem}")
        return 1
    print(f"\nAll {len(library.packs)} pack(s) are valid and easy enough to read.")
    return 0
