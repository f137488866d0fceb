"""Admin command line: `python cli.py --help`.

Each area registers its own subcommands from ``cli_commands/`` so this file stays a router.
Every command returns an exit code: 0 success, 1 a check failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from pydantic import ValidationError

from errors import ConfigurationError, configuration_message

# Modules in cli_commands/ that define ``register(subparsers)``; order is the --help order.
COMMAND_MODULES = ("content", "store", "pdf", "staff", "ehr", "check")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python cli.py", description="Sclerotherapy e-consent: admin commands."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"cli_commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"cli_commands.{name}":
                continue  # that area has no commands yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValidationError, ConfigurationError) as exc:
        # A setting to fix, not a bug: one line naming it, no traceback (exit 2: bad input).
        print(configuration_message(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
