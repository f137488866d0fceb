"""`sample-pdf --out FILE [--lang L] [--name NAME] [--declined | --stage STAGE] [--visit]`.

sample-pdf seals with the clinic's own seal when it has one, and otherwise with a one-off demo
key whose certificate is written beside the PDF: a preview never creates the clinic's signing
key (least of all in ./data when CONSENT_DATA_DIR was forgotten). It says which it used.
``--name`` renders the sample for a given patient name, so a clinic can check that its patients'
scripts print; a name the tablet would refuse (one the PDF cannot print) is refused here with the
tablet's own message, exit 2. ``--stage`` says how far the sample has gone (``signed_out`` adds
the procedure sign-out); ``--visit`` renders a course's second session instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cli_commands.pdf import _quiet, _settings
from errors import DomainError
from settings import Settings

if TYPE_CHECKING:
    from forms.seal import Sealer

# How far a sample may go (forms.synthetic.STAGES after the patient has signed).
SAMPLE_STAGES = ("submitted", "verified", "timeout", "attested", "signed_out", "filed")


def register_sample(subparsers: argparse._SubParsersAction) -> None:
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
    how_far = sample.add_mutually_exclusive_group()
    how_far.add_argument(
        "--declined", action="store_true", help="render an informed refusal instead"
    )
    how_far.add_argument(
        "--stage",
        choices=SAMPLE_STAGES,
        default="attested",
        help="how far the sample has gone (default attested; signed_out adds the sign-out)",
    )
    sample.add_argument(
        "--visit",
        action="store_true",
        help="render a course's second session (visit re-confirmation) instead, its sign-out with "
        "a justified foam volume over 10 mL and an adverse event (to preview every part)",
    )
    sample.add_argument(
        "--name",
        help="the patient's name on the sample (checked as the tablet checks it)",
    )
    sample.set_defaults(func=sample_command)


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
    from services.clinic_seal import existing_sealer

    kept = existing_sealer(settings)  # the seal every server shares, kept in the database
    if kept is not None:
        said = f"the clinic's seal kept in its database (certificate SHA-256 {kept.fingerprint})"
        return kept, said, None
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
        f"yet in its database or in {seal_dir} (the app makes one in the database when it first "
        f"starts). Nothing was written to the data directory; the demo key's certificate is "
        f"{cert_out}"
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
    from forms.synthetic_visit import sample_record
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
    consent, audit = sample_record(
        pack,
        values,
        now,
        stage="declined" if args.declined else args.stage,
        visit=args.visit,
        patient_name=name,
        tz=settings.tz,
        months=settings.course_months,
        sessions=settings.course_sessions,
        content_line=library.content_line(pack),
    )
    pdf = render_consent_pdf(consent, pack, clinic, now, audit, seal_note=sealer.describe())
    sealed = seal_pdf(pdf, sealer, reason=seal_reason(clinic.name), location=clinic.address)
    try:
        out.write_bytes(sealed)
    except OSError as exc:
        print(f"Cannot write {out}: {exc.strerror or exc}")
        return 2
    kind = "informed refusal" if args.declined else "consent"
    if args.visit:
        kind = "visit re-confirmation (session 2)" + (", declined" if args.declined else "")
    stage = "" if args.declined else f", {args.stage.replace('_', ' ')}"
    print(
        f"Wrote a sealed sample {kind} ({pack.id} {pack.version}, {pack.language}{stage}) for a "
        f"synthetic patient to {out} ({len(sealed) // 1024} KB)."
    )
    print(f"Sealed with {seal_said}.")
    trust = f" --trust {trust_cert}" if trust_cert else ""
    print(f"Check it with: python cli.py verify {out}{trust}")
    return 0
