"""`verify FILE.pdf [--trust CERT]` and `sample-pdf --out FILE [--lang L]`.

verify exits 0 when the seal is valid, 1 when the document is invalid or altered, 2 when the file
cannot be read or is not one of this system's consent documents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from forms.records import DomainError
from settings import Settings, get_settings

LOUD_LIBRARIES = ("pyhanko", "pyhanko_certvalidator", "fpdf", "fontTools")


def register(subparsers: argparse._SubParsersAction) -> None:
    verify = subparsers.add_parser(
        "verify",
        help="check a consent PDF's digital seal",
        description=(
            "Check that a consent PDF's seal is intact, made by a trusted certificate and covers "
            "the whole file. By default the clinic's own seal certificate (in the data directory, "
            "or the configured PKCS#12) is trusted. Exit 0 valid, 1 invalid or altered, "
            "2 unreadable or not one of this system's consent documents."
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

    sample = subparsers.add_parser(
        "sample-pdf",
        help="render and seal a consent for a synthetic patient (preview wording and branding)",
    )
    sample.add_argument("--out", metavar="FILE", type=Path, required=True)
    sample.add_argument("--lang", default="en", help="pack language (default en)")
    sample.add_argument(
        "--declined", action="store_true", help="render an informed refusal instead"
    )
    sample.set_defaults(func=sample_command)


def _quiet() -> None:
    # pyHanko logs a full traceback for an untrusted or broken signature; the report says it.
    for name in LOUD_LIBRARIES:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _settings() -> Settings | None:
    try:
        return get_settings()
    except ValidationError as exc:
        print(f"Settings are not valid: {exc.errors()[0]['msg']}. Fix the CONSENT_ variables.")
        return None


def _default_trust(settings: Settings) -> list:
    """The clinic's own certificate, never creating a key."""
    from forms.seal import default_cert_path, load_or_create_sealer

    if settings.seal_p12_path is not None:
        return [load_or_create_sealer(settings).certificate]
    path = default_cert_path(settings)
    return [path] if path else []


def _local(value: dt.datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return "-"
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def verify_command(args: argparse.Namespace) -> int:
    from forms.seal import verify_pdf

    _quiet()
    settings = _settings()
    if settings is None:
        return 2
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"UNREADABLE: cannot read {args.file}: {exc.strerror or exc}")
        return 2
    try:
        trust = list(args.trust) if args.trust else _default_trust(settings)
        report = verify_pdf(data, trust)
    except DomainError as exc:
        print(f"UNREADABLE: {exc}")
        return 2
    verdict = {"valid": "VALID", "invalid": "INVALID", "unreadable": "UNREADABLE"}[report.status]
    print(verdict)
    if report.status != "unreadable" or report.document_id:
        yes_no = {True: "yes", False: "no"}
        print(f"  Signer:            {report.signer or '-'}")
        print(f"  Signing time:      {_local(report.signing_time, settings.tz)}")
        print(f"  Document id:       {report.document_id or '-'}")
        print(f"  Pack version:      {report.pack_version or '-'}")
        print(f"  Covers whole file: {yes_no[report.covers_whole_file]}")
        print(f"  Intact:            {yes_no[report.intact]}")
        print(f"  Trusted signer:    {yes_no[report.trusted]}")
    print(f"  {report.message}")
    return report.exit_code


def sample_command(args: argparse.Namespace) -> int:
    from checklist.loader import load_library
    from forms.clinic import ClinicInfo
    from forms.pdf import render_consent_pdf
    from forms.pdf_sample import sample_consent
    from forms.seal import load_or_create_sealer, seal_pdf, seal_reason

    _quiet()
    settings = _settings()
    if settings is None:
        return 2
    values = settings.placeholder_values
    library = load_library(values, [settings.content_dir])
    try:
        pack = library.active("sclerotherapy", args.lang, settings.active_versions)
    except KeyError as exc:
        print(
            f"{exc.args[0]}. Languages available: {', '.join(library.languages('sclerotherapy'))}."
        )
        return 2
    clinic = ClinicInfo(
        name=settings.clinic_name,
        address=settings.clinic_address,
        phone=settings.clinic_phone,
        timezone=settings.clinic_timezone,
        language=settings.clinic_language,
    )
    try:
        sealer = load_or_create_sealer(settings)
    except DomainError as exc:
        print(f"Cannot seal: {exc}")
        return 2
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    consent, audit = sample_consent(
        pack, values, now - dt.timedelta(hours=1), declined=args.declined
    )
    pdf = render_consent_pdf(consent, pack, clinic, now, audit, seal_note=sealer.describe())
    sealed = seal_pdf(pdf, sealer, reason=seal_reason(clinic.name), location=clinic.address)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(sealed)
    except OSError as exc:
        print(f"Cannot write {args.out}: {exc.strerror or exc}")
        return 2
    kind = "informed refusal" if args.declined else "consent"
    print(
        f"Wrote a sealed sample {kind} ({pack.id} {pack.version}, {pack.language}) for a synthetic "
        f"patient to {args.out} ({len(sealed) // 1024} KB)."
    )
    print(f"Check it with: python cli.py verify {args.out}")
    return 0
