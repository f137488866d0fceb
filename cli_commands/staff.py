"""Staff commands: add-user, disable-user, enable-user, reset-password, users, demo-data, export.

Passwords are read from a prompt (getpass) or, when standard input is not a terminal, from its
first line; never from the command line, where they would land in shell history and `ps`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from pydantic import ValidationError

from accounts.staff import Role
from errors import DomainError
from services.context import AppContext, build_context
from settings import get_settings
from store.files import private_dir, write_private

ROLES = [r.value for r in Role]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "add-user", help="add a staff account (password from a prompt or stdin, never argv)"
    )
    p.add_argument("username", help="login name: lower-case letters, digits, . _ -")
    p.add_argument(
        "--role", action="append", required=True, choices=ROLES, help="repeat for several roles"
    )
    p.add_argument("--display-name", help="name shown on screens and signatures")
    p.set_defaults(func=cmd_add_user)
    p = sub.add_parser("disable-user", help="disable a staff account (accounts are never deleted)")
    p.add_argument("username")
    p.set_defaults(func=cmd_disable_user)
    p = sub.add_parser("enable-user", help="enable a disabled staff account and unlock it")
    p.add_argument("username")
    p.set_defaults(func=cmd_enable_user)
    p = sub.add_parser("reset-password", help="set a new password (prompt or stdin) and unlock")
    p.add_argument("username")
    p.set_defaults(func=cmd_reset_password)
    p = sub.add_parser("users", help="list staff accounts")
    p.set_defaults(func=cmd_users)
    p = sub.add_parser(
        "demo-data", help="fill an empty or demo database with synthetic consents and accounts"
    )
    p.add_argument("--count", type=int, default=18, help="number of consents (default 18)")
    p.add_argument("--seed", type=int, help="random seed, for the same names every time")
    p.set_defaults(func=cmd_demo_data)
    p = sub.add_parser("export", help="write a day's PDFs and manifest.csv as one ZIP")
    p.add_argument("--date", required=True, help="the clinic day, YYYY-MM-DD")
    p.add_argument("--out", required=True, type=Path, help="directory to write the ZIP into")
    p.set_defaults(func=cmd_export)


def _context() -> AppContext:
    return build_context(get_settings())


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def read_password(prompt: str = "Password: ", *, confirm: bool = True) -> str:
    """From the terminal (asked twice), or the first line of a piped standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat it: ") != first:
        raise DomainError("The two passwords differ. Nothing was changed.")
    return first


def _run(action) -> int:  # type: ignore[no-untyped-def]
    try:
        return action()
    except (DomainError, ValidationError, ValueError) as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        return _err("cancelled; nothing was changed")


def cmd_add_user(args: argparse.Namespace) -> int:
    from services import admin

    def go() -> int:
        password = read_password()
        ctx = _context()
        user = admin.add_user(
            ctx,
            None,
            username=args.username,
            display_name=args.display_name or args.username,
            roles=args.role,
            password=password,
            via_cli=True,
        )
        print(f"Added {user.username} (id {user.id}): {', '.join(sorted(args.role))}.")
        return 0

    return _run(go)


def _set_disabled(username: str, disabled: bool) -> int:
    from services import admin

    def go() -> int:
        user = admin.set_disabled(_context(), None, username, disabled, via_cli=True)
        print(f"{user.username} is now {'disabled' if user.disabled else 'enabled'}.")
        return 0

    return _run(go)


def cmd_disable_user(args: argparse.Namespace) -> int:
    return _set_disabled(args.username, True)


def cmd_enable_user(args: argparse.Namespace) -> int:
    return _set_disabled(args.username, False)


def cmd_reset_password(args: argparse.Namespace) -> int:
    from services import admin

    def go() -> int:
        password = read_password("New password: ")
        user = admin.reset_password(_context(), None, args.username, password, via_cli=True)
        print(f"Password of {user.username} reset; the account is unlocked.")
        return 0

    return _run(go)


def cmd_users(args: argparse.Namespace) -> int:
    def go() -> int:
        ctx = _context()
        with ctx.database.uow() as uow:
            users = sorted(uow.users.list(), key=lambda u: u.id or 0)
        if not users:
            print("No staff accounts yet. Add the first: python cli.py add-user NAME --role admin")
            return 0
        now = ctx.clock.now()
        print(f"{'id':>4}  {'username':<20} {'name':<28} {'roles':<32} state")
        for u in users:
            state = "disabled" if u.disabled else "active"
            if u.locked_until and u.locked_until > now:
                state = "locked"
            roles = ",".join(sorted(r.value for r in u.roles))
            print(f"{u.id:>4}  {u.username:<20} {u.display_name:<28} {roles:<32} {state}")
        return 0

    return _run(go)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from services import demo

    def go() -> int:
        ctx = _context()
        result = demo.fill(
            ctx, args.count, seed=args.seed, progress=lambda line: print("  " + line, flush=True)
        )
        print(f"Made {sum(result.consents.values())} synthetic consents:")
        if args.count < len(demo.SCENARIOS):
            print(f"  (use --count {len(demo.SCENARIOS)} or more to see every state)")
        for scenario, n in sorted(result.consents.items()):
            print(f"  {scenario:<18} {n}")
        print("\nDemo accounts (passwords are new on every run; keep them for this session):")
        for username, password in result.passwords.items():
            print(f"  {username:<16} {password}")
        print("\nOpen the app, go to /staff and sign in with one of them.")
        return 0

    return _run(go)


def cmd_export(args: argparse.Namespace) -> int:
    from services import export

    def go() -> int:
        try:
            day = dt.date.fromisoformat(args.date)
        except ValueError:
            return _err(f"{args.date!r} is not a date; use YYYY-MM-DD")
        out: Path = args.out
        private_dir(out)
        result = export.day_export_cli(_context(), day)
        target = write_private(out / result.filename, result.zip_bytes)  # mode 0600
        print(f"Wrote {target}: {result.documents} PDF(s) and manifest.csv.")
        if result.problems:
            # Consent ids and reason codes only: no patient names on the terminal or in logs.
            print(
                f"{result.problems} document(s) left out: they failed their checks "
                "(SHA-256, seal or consent id); see manifest.csv.",
                file=sys.stderr,
            )
            for consent_id, problem in result.left_out:
                print(f"  {consent_id}: {problem}", file=sys.stderr)
            return 1
        return 0

    return _run(go)
