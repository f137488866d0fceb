"""`verify FILE.pdf [--trust CERT]`; it registers `sample-pdf` too (cli_commands/pdf_sample.py).

verify's first line is its verdict, and so is its exit code: 0 VALID; 1 ALTERED (the integrity
check failed: changed after sealing, content added, seal damaged or missing); 2 UNREADABLE (not
a PDF, or not one of this system's consent documents); 3 UNTRUSTED (intact, but sealed by a
certificate not trusted here). Trust is reported for intact documents only: for an altered one
it would distract from what matters.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from errors import DomainError, configuration_message
from settings import Settings, get_settings

if TYPE_CHECKING:
    from forms.seal_check import VerifyReport

LOUD_LIBRARIES = ("pyhanko", "pyhanko_certvalidator", "fpdf", "fontTools")


def register(subparsers: argparse._SubParsersAction) -> None:
    from cli_commands.pdf_sample import register_sample

    verify = subparsers.add_parser(
        "verify",
        help="check a consent PDF's digital seal",
        description=(
            "Check that a consent PDF's seal is intact, made by a trusted certificate and covers "
            "the whole file. By default the clinic's own seal certificates are trusted (every "
            "seal its database knows, whichever server sealed, and the configured PKCS#12). "
            "Exit 0 VALID, 1 ALTERED (integrity check "
            "failed), 2 UNREADABLE (not one of this system's consent documents), 3 UNTRUSTED "
            "(intact, but sealed by a certificate not trusted here)."
        ),
    )
    verify.add_argument("file", metavar="FILE.pdf", type=Path)
    verify.add_argument(
        "--trust",
        metavar="CERT",
        type=Path,
        action="append",
        help="a PEM or DER certificate to trust instead of the clinic's own (repeatable)",
    )
    verify.set_defaults(func=verify_command)

    register_sample(subparsers)  # sample-pdf: cli_commands/pdf_sample.py


def _quiet() -> None:
    # pyHanko logs a full traceback for an untrusted or broken signature; the report says it.
    for name in LOUD_LIBRARIES:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _settings() -> Settings | None:
    try:
        return get_settings()
    except ValidationError as exc:
        print(configuration_message(exc))
        return None


def _default_trust(settings: Settings) -> list:
    """The clinic's own certificates (every server's, from its database), never creating a key."""
    from services.clinic_seal import verification_certificates

    return verification_certificates(settings)


def _local(value: dt.datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return "-"
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


# The verdict, by what failed first: integrity before trust.
ALTERED, UNREADABLE, UNTRUSTED = 1, 2, 3


def _verdict(report: VerifyReport) -> tuple[str, int]:
    if report.status == "valid":
        return "VALID", 0
    if report.status == "unreadable":
        return "UNREADABLE", UNREADABLE
    if report.intact and report.covers_whole_file:
        return "UNTRUSTED", UNTRUSTED  # the document is as sealed; only the signer is unknown
    return "ALTERED", ALTERED


def _reason(report: VerifyReport) -> str:
    """The report's own sentence, without its old one-word verdict."""
    message = report.message.removeprefix("INVALID: ")
    return message[:1].upper() + message[1:]


def verify_command(args: argparse.Namespace) -> int:
    from forms.seal_check import verify_pdf

    _quiet()
    settings = _settings()
    if settings is None:
        return UNREADABLE
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"UNREADABLE: cannot read {args.file}: {exc.strerror or exc}")
        return UNREADABLE
    try:
        trust = list(args.trust) if args.trust else _default_trust(settings)
        report = verify_pdf(data, trust)
    except DomainError as exc:
        print(f"UNREADABLE: {exc}")
        return UNREADABLE
    verdict, code = _verdict(report)
    yes_no = {True: "yes", False: "no"}
    if verdict == "ALTERED":
        print("ALTERED: the integrity check failed. This is not the document that was sealed;")
        print("  do not rely on it. Get the stored original from the app by its document id.")
        print(f"  {_reason(report)}")
        print(f"  Document id:       {report.document_id or '-'}")
        print(f"  Pack version:      {report.pack_version or '-'}")
        print(f"  Intact:            {yes_no[report.intact]}")
        print(f"  Covers whole file: {yes_no[report.covers_whole_file]}")
        return code
    print(verdict)
    if verdict != "UNREADABLE" or report.document_id:
        print(f"  Signer:            {report.signer or '-'}")
        print(f"  Signing time:      {_local(report.signing_time, settings.tz)}")
        print(f"  Document id:       {report.document_id or '-'}")
        print(f"  Pack version:      {report.pack_version or '-'}")
        print(f"  Covers whole file: {yes_no[report.covers_whole_file]}")
        print(f"  Intact:            {yes_no[report.intact]}")
        if verdict != "UNREADABLE":
            print(f"  Trusted signer:    {yes_no[report.trusted]}")
            print(f"  Self-signed seal:  {yes_no[report.self_signed]}")
    print(f"  {_reason(report)}")
    if verdict != "UNREADABLE" and report.seal_note:  # allowed, but always said (issue #13)
        print(f"  {report.seal_note}")
    return code
