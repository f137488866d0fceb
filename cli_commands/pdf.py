"""`verify FILE.pdf [--trust CERT]` and `sample-pdf --out FILE [--lang L] [--name NAME]`.

verify's first line is its verdict, and so is its exit code: 0 VALID; 1 ALTERED (the integrity
check failed: changed after sealing, content added, seal damaged or missing); 2 UNREADABLE (not
a PDF, or not one of this system's consent documents); 3 UNTRUSTED (intact, but sealed by a
certificate not trusted here). Trust is reported for intact documents only: for an altered one
it would distract from what matters.

sample-pdf seals with the clinic's own seal when it has one, and otherwise with a one-off demo
key whose certificate is written beside the PDF: a preview never creates the clinic's signing
key (least of all in ./data when CONSENT_DATA_DIR was forgotten). It says which it used.
``--name`` renders the sample for a given patient name, so a clinic can check that its patients'
scripts print; a name the tablet would refuse (one the PDF cannot print) is refused here with the
tablet's own message, exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from errors import DomainError
from settings import Settings, configuration_message, get_settings

if TYPE_CHECKING:
    from forms.seal import Sealer
    from forms.seal_check import VerifyReport

LOUD_LIBRARIES = ("pyhanko", "pyhanko_certvalidator", "fpdf", "fontTools")


def register(subparsers: argparse._SubParsersAction) -> None:
    verify = subparsers.add_parser(
        "verify",
        help="check a consent PDF's digital seal",
        description=(
            "Check that a consent PDF's seal is intact, made by a trusted certificate and covers "
            "the whole file. By default the clinic's own seal certificate (in the data directory, "
            "or the configured PKCS#12) is trusted. Exit 0 VALID, 1 ALTERED (integrity check "
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

    sample = subparsers.add_parser(
        "sample-pdf",
        help="render and seal a consent for a synthetic patient (preview wording and branding)",
        description=(
            "Render and seal a consent for a synthetic patient. Sealed with the clinic's own seal "
            "when it has one (the configured PKCS#12, or the key the app made in the data "
            "directory); otherwise with a one-off demo key whose certificate is written beside "
            "the PDF (FILE-seal-cert.pem). Nothing is written to the data directory."
        ),
    )
    sample.add_argument("--out", metavar="FILE", type=Path, required=True)
    sample.add_argument("--lang", default="en", help="pack language (default en)")
    sample.add_argument(
        "--declined", action="store_true", help="render an informed refusal instead"
    )
    sample.add_argument(
        "--name",
        help="the patient's name on the sample (checked as the tablet checks it)",
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
        print(configuration_message(exc))
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


def _sample_sealer(settings: Settings, out: Path) -> tuple[Sealer, str, Path | None]:
    """(sealer, what to say about it, the certificate `verify --trust` needs or None).

    The clinic's seal if it has one; else a one-off self-signed demo key, made in a temporary
    directory, with only its certificate kept (beside the PDF). Raises DomainError/OSError.
    """
    from forms.seal import KEY_FILE, SEAL_DIR, default_cert_path, load_or_create_sealer

    if settings.seal_p12_path is not None:
        sealer = load_or_create_sealer(settings)
        return sealer, f"the clinic's PKCS#12 seal {Path(settings.seal_p12_path).resolve()}", None
    cert = default_cert_path(settings)
    if cert is not None and (cert.parent / KEY_FILE).is_file():
        sealer = load_or_create_sealer(settings)
        return sealer, f"the clinic's seal key in {cert.parent} (certificate {cert})", None
    with tempfile.TemporaryDirectory(prefix="consent-sample-seal-") as tmp:
        # Named as a sample, so its certificate is never mistaken for the clinic's own.
        demo = {"data_dir": Path(tmp), "clinic_name": f"{settings.clinic_name} (sample only)"}
        sealer = load_or_create_sealer(settings.model_copy(update=demo))
        assert sealer.cert_path is not None
        pem = sealer.cert_path.read_bytes()
    cert_out = out.with_name(out.stem + "-seal-cert.pem")
    cert_out.write_bytes(pem)
    seal_dir = settings.resolved_data_dir / SEAL_DIR
    said = (
        f"a new self-signed demo seal key made for this sample only: the clinic has no seal key "
        f"yet in {seal_dir} (the app creates one when it first starts). Nothing was written to "
        f"the data directory; the demo key's certificate is {cert_out}"
    )
    return sealer, said, cert_out


def sample_command(args: argparse.Namespace) -> int:
    from checklist import identity
    from checklist.loader import load_library
    from checklist.text import clean_name
    from forms import synthetic
    from forms.clinic import ClinicInfo
    from forms.pdf import render_consent_pdf
    from forms.seal import seal_pdf, seal_reason
    from language.i18n import t

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
    name = synthetic.SAMPLE_PATIENT
    if args.name is not None:
        if key := identity.name_problem(args.name):  # the tablet's rule and its words
            print(f"Cannot use that name: {t(pack.language, key)}")
            return 2
        name = clean_name(args.name)
    clinic = ClinicInfo(
        name=settings.clinic_name,
        address=settings.clinic_address,
        phone=settings.clinic_phone,
        timezone=settings.clinic_timezone,
        language=settings.clinic_language,
    )
    out = args.out.expanduser().resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        sealer, seal_said, trust_cert = _sample_sealer(settings, out)
    except DomainError as exc:
        print(f"Cannot seal: {exc}")
        return 2
    except OSError as exc:
        print(f"Cannot write beside {out}: {exc.strerror or exc}")
        return 2
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    consent, audit = synthetic.synthetic_consent(
        pack,
        values,
        now - dt.timedelta(hours=1),
        stage="declined" if args.declined else "attested",
        patient_name=name,
    )
    pdf = render_consent_pdf(consent, pack, clinic, now, audit, seal_note=sealer.describe())
    sealed = seal_pdf(pdf, sealer, reason=seal_reason(clinic.name), location=clinic.address)
    try:
        out.write_bytes(sealed)
    except OSError as exc:
        print(f"Cannot write {out}: {exc.strerror or exc}")
        return 2
    kind = "informed refusal" if args.declined else "consent"
    print(
        f"Wrote a sealed sample {kind} ({pack.id} {pack.version}, {pack.language}) for a synthetic "
        f"patient to {out} ({len(sealed) // 1024} KB)."
    )
    print(f"Sealed with {seal_said}.")
    trust = f" --trust {trust_cert}" if trust_cert else ""
    print(f"Check it with: python cli.py verify {out}{trust}")
    return 0
