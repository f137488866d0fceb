"""Day export: one ZIP holding a day's PDFs, each one's FHIR bundle and a manifest.csv.

Each PDF is the consent's document of record (``services.documents.document_of_record``: the
newest final, else refusal, else submitted, with its SHA-256, seal and consent checked), under the
name every download uses (``services.documents.file_name``). What the clinic files goes in
``filing/``; a consent entered in error goes in ``voided/``, as its bannered document, so it is
never filed by mistake. A document that fails is never shipped: it is left out, its manifest row
names the consent and the reason, and it counts in ``problems``. The manifest's cells are escaped
for spreadsheets (``language.spreadsheet``). Beside every shipped PDF goes ``fhir/<consent
id>.json``, the same record for the EHR (``ehr_bundle.fhir_export``, audited as ``fhir.exported``);
a consent whose document is refused gets neither. One ``export.day`` audit event records who
exported what.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from accounts.staff import Role
from errors import DomainError
from forms.records import Consent, Status
from language.spreadsheet import csv_bytes
from services.auth import StaffSession, load_actor
from services.context import AppContext
from services.documents import DocumentRefused, Refusal, document_of_record, named
from services.ehr_bundle import fhir_export

MANIFEST_COLUMNS = (
    "consent_id",
    "patient",
    "date_of_birth",
    "status",
    "reason",  # why it was entered in error, else why it is on hold
    "on_hold",  # yes / no
    "open_flags",  # stop flags no clinician has cleared (question ids)
    "document_type",  # consent, refusal or visit, and its standing (pdf_banner.document_type)
    "submitted_at",
    "verified_at",
    "timeout_at",
    "attested_at",
    "filed_at",
    "chart_reference",
    "document",
    "file",
    "sha256",
    "problem",
    "note",
    "fhir_file",  # fhir/<consent id>.json: the same record as a FHIR bundle, beside its PDF
)


FILING = "filing/"  # what the clinic files in the chart
VOIDED = "voided/"  # consents entered in error: their bannered PDF, never in the filing folder
FHIR = "fhir/"  # each shipped consent's FHIR bundle (ehr_bundle.fhir_export), named by its id
CLI_READER = {"actor_id": "cli", "actor_role": Role.ADMIN.value}


@dataclass(frozen=True)
class DayExport:
    day: dt.date
    zip_bytes: bytes
    documents: int
    problems: int
    left_out: tuple[tuple[str, str], ...] = ()  # (consent id, Refusal code) of each left out

    @property
    def filename(self) -> str:
        return f"consents-{self.day.isoformat()}.zip"


def _iso(value: dt.datetime | None, tz) -> str:
    return value.astimezone(tz).isoformat(timespec="seconds") if value else ""


def _of_record(ctx: AppContext, uow, consent: Consent):
    """(document, problem code, note): the document of record, or why there is none to ship."""
    try:
        return document_of_record(ctx, uow, consent.id), "", ""
    except DocumentRefused as exc:
        if exc.reason is Refusal.NOT_ISSUED:
            return None, "", "no PDF stored"
        return None, exc.reason.value, f"NOT EXPORTED: {exc}"


def _zip_entry(name: str, when: dt.datetime, tz) -> zipfile.ZipInfo:
    """An entry dated as its document was issued: the same day exports the same way twice."""
    info = zipfile.ZipInfo(name, date_time=when.astimezone(tz).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _fhir_file(ctx: AppContext, uow, consent: Consent, reader: dict[str, str]):
    """(path, bundle text, note) of the consent's FHIR bundle, shipped beside its PDF; its
    document was checked a moment ago in this transaction. Audited as ``fhir.exported``."""
    try:
        bundle = fhir_export(ctx, uow, consent, **reader)
    except DomainError as exc:  # the PDF still ships; the manifest says why no FHIR file did
        return "", "", f"NO FHIR FILE: {exc}"
    return f"{FHIR}{consent.id}.json", bundle, ""


def day_consents(ctx: AppContext, uow, day: dt.date) -> list[Consent]:
    """The consents a day's export takes (every one but drafts), in the order it lists them;
    the EHR push of a day (services.ehr_push.send_day) sends the same ones."""
    tz = ctx.settings.tz
    found = [c for c in uow.consents.list_for_day(day, tz, None) if c.status is not Status.DRAFT]
    return sorted(found, key=lambda c: (c.created_at, str(c.id)))


def build_day_export(
    ctx: AppContext, uow, day: dt.date, reader: dict[str, str] | None = None
) -> DayExport:
    """The day's ZIP; ``reader`` (actor_id, actor_role, session_id) is who each FHIR file is
    audited as read by (the command line's administrator when not given)."""
    reader = reader or CLI_READER
    tz = ctx.settings.tz
    consents = day_consents(ctx, uow, day)
    out = io.BytesIO()
    rows: list[list[object]] = []
    documents = 0
    left_out: list[tuple[str, str]] = []
    names: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for c in consents:
            doc, problem, note = _of_record(ctx, uow, c)
            name = type_code = fhir_name = ""
            if doc is not None:
                shipped = named(uow, c, doc)
                type_code = shipped.type
                folder = VOIDED if c.status is Status.ENTERED_IN_ERROR else FILING
                name = folder + shipped.filename
                if name in names:  # two short ids alike on one day: the full id tells them apart
                    name = f"{folder}{c.id}-{shipped.filename}"
                names.add(name)
                zf.writestr(_zip_entry(name, doc.created_at, tz), doc.pdf)
                documents += 1
                fhir_name, bundle, fhir_note = _fhir_file(ctx, uow, c, reader)
                if fhir_name:
                    zf.writestr(_zip_entry(fhir_name, doc.created_at, tz), bundle)
                note = " ".join(filter(None, (note, fhir_note)))
            elif problem:
                left_out.append((str(c.id), problem))
            submitted = c.patient_signature.signed_at if c.patient_signature else None
            rows.append(
                [
                    str(c.id),
                    c.patient.legal_name,
                    c.patient.date_of_birth.isoformat(),
                    c.status.value,
                    c.error_reason or c.on_hold or "",
                    "yes" if c.on_hold else "no",
                    " ".join(a.question_id for a in c.open_stop_flags()),
                    type_code,
                    _iso(submitted, tz),
                    _iso(c.nurse_verification.verified_at if c.nurse_verification else None, tz),
                    _iso(c.timeout.performed_at if c.timeout else None, tz),
                    _iso(c.attestation.attested_at if c.attestation else None, tz),
                    _iso(c.filing.filed_at if c.filing else None, tz),
                    c.filing.chart_reference if c.filing else "",
                    doc.kind if doc else "",
                    name,
                    doc.sha256 if doc else "",
                    problem,
                    note,
                    fhir_name,
                ]
            )
        for bad in {u.consent_id: u for u in uow.consents.unreadable}.values():
            # A row whose record cannot be read: listed by id, never silently missing.
            cells = dict.fromkeys(MANIFEST_COLUMNS, "")
            cells |= {"consent_id": bad.consent_id, "status": bad.status}
            cells |= {"problem": "unreadable", "note": f"NOT EXPORTED: {bad.reason}"}
            rows.append(list(cells.values()))
            left_out.append((bad.consent_id, "unreadable"))
        zf.writestr("manifest.csv", csv_bytes(MANIFEST_COLUMNS, rows))
    return DayExport(day, out.getvalue(), documents, len(left_out), tuple(left_out))


def _audit(ctx: AppContext, uow, export: DayExport, actor_id: str, role: str, session_id=None):
    uow.audit.append(
        at=ctx.clock.now(),
        actor_id=actor_id,
        actor_role=role,
        action="export.day",
        new={
            "day": export.day.isoformat(),
            "documents": export.documents,
            "problems": export.problems,
            "left_out": [{"consent": cid, "problem": why} for cid, why in export.left_out],
        },
        session_id=session_id,
    )


def day_export(ctx: AppContext, staff: StaffSession | None, day: dt.date) -> DayExport:
    if day > ctx.clock.now().astimezone(ctx.settings.tz).date():
        raise DomainError("That day is in the future: there is nothing to export yet.")
    with ctx.database.uow() as uow:
        user, role = load_actor(uow, staff, Role.FRONT_DESK, Role.ADMIN)
        assert staff is not None
        reader = {"actor_id": str(user.id), "actor_role": role.value}
        export = build_day_export(ctx, uow, day, reader | {"session_id": staff.session_id})
        _audit(ctx, uow, export, str(user.id), role.value, staff.session_id)
        uow.commit()
    return export


def day_export_cli(ctx: AppContext, day: dt.date) -> DayExport:
    """The command line's export (the server's administrator)."""
    with ctx.database.uow() as uow:
        export = build_day_export(ctx, uow, day, CLI_READER)
        _audit(ctx, uow, export, CLI_READER["actor_id"], CLI_READER["actor_role"])
        uow.commit()
    return export
