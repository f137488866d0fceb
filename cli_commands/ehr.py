"""EHR commands: `fhir CONSENT_ID` prints a consent's FHIR bundle; `fhir-push --date` sends a day.

Exit codes as everywhere (cli.py): 0 done, 1 a document was refused or a send failed, 2 bad input
(an unknown id, a date that is none, no EHR address set up). Lines name consents by id only:
no patient names on the terminal or in logs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from cli_commands.staff import _context, _run
from errors import DomainError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "fhir",
        help="print a consent's FHIR R4 transaction Bundle (JSON) for the EHR",
        description="Print the consent as the FHIR R4 transaction Bundle an EHR files (its "
        "sealed PDFs inside, checked as a download is). Exit 1 if its document is refused.",
    )
    p.add_argument("consent_id", metavar="CONSENT_ID", help="the consent's id (a UUID)")
    p.set_defaults(func=cmd_fhir)
    p = sub.add_parser(
        "fhir-push",
        help="send a day's consents to the EHR (CONSENT_FHIR_BASE_URL)",
        description="Send every consent the day's export takes to the EHR's FHIR endpoint, one "
        "transaction each; sending again is safe (the EHR updates, it makes no copy). Exit 1 if "
        "any failed.",
    )
    p.add_argument("--date", help="the clinic day, YYYY-MM-DD (default: today, clinic time)")
    p.set_defaults(func=cmd_fhir_push)


def cmd_fhir(args: argparse.Namespace) -> int:
    from forms.record_parts import as_consent_id

    def go() -> int:
        consent_id = as_consent_id(args.consent_id)  # a clear refusal for a malformed id, at once
        from services import documents, ehr_bundle, export

        ctx = _context()
        with ctx.database.uow() as uow:
            consent = uow.consents.get(consent_id)
            try:
                bundle = ehr_bundle.fhir_export(ctx, uow, consent, **export.CLI_READER)
            except documents.DocumentRefused as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            uow.commit()  # the read's audit event
        sys.stdout.write(bundle.rstrip("\n") + "\n")
        return 0

    return _run(go)


def _day(ctx, given: str | None) -> dt.date:
    from services.staff_views import today

    now = today(ctx)
    if given is None:
        return now
    try:
        day = dt.date.fromisoformat(given)
    except ValueError:
        raise DomainError(f"{given!r} is not a date; use YYYY-MM-DD") from None
    if day > now:
        raise DomainError(f"{day.isoformat()} is in the future: there is nothing to send yet.")
    return day


def cmd_fhir_push(args: argparse.Namespace) -> int:
    from services import ehr_push

    def go() -> int:
        ctx = _context()
        day = _day(ctx, args.date)
        results = ehr_push.send_day(ctx, day)
        if not results:
            print(f"Nothing to send for {day.isoformat()}: no consents that day.")
            return 0
        for r in results:
            said = f"sent  {r.resources} resources" if r.ok else f"FAILED  {r.message}"
            print(f"{r.consent_id}  {said}")
        failed = sum(not r.ok for r in results)
        sent = len(results) - failed
        print(f"{day.isoformat()}: {sent} of {len(results)} consent(s) sent to the EHR", end="")
        print(f"; {failed} failed (see above)." if failed else ".")
        return 1 if failed else 0

    return _run(go)
