"""A course's visit in the day export: its sealed document goes in the filing folder under a
visit's name, and the manifest's document_type column says "visit". Read back as stored: the ZIP,
the manifest CSV and the PDF's text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

from pypdf import PdfReader

from accounts.staff import Role
from forms.synthetic import synthetic_consent
from forms.synthetic_visit import synthetic_visit, with_course
from services import documents, export, staff_views

VISIT_NAME = re.compile(
    r"filing/visit-[0-9a-f]{8}_sclerotherapy-\d+\.\d+\.\d+-en_visit_\d{8}T\d{6}Z\.pdf"
)


def _stored_course_and_visit(ctx):
    """A course consent signed five weeks ago and its second session today, both stored, the
    visit with its sealed final document (as services.documents issues every document)."""
    pack = ctx.active_pack("en")
    values = ctx.settings.placeholder_values
    now = ctx.clock.now()
    course, _ = synthetic_consent(pack, values, now - dt.timedelta(days=35), stage="filed")
    with_course(course, tz=ctx.settings.tz)
    visit, _ = synthetic_visit(pack, values, now - dt.timedelta(hours=3), course, stage="filed")
    with ctx.database.uow() as uow:
        uow.consents.add(course)
        uow.consents.add(visit)
        documents.issue_document(ctx, uow, visit, "final", now)
        uow.commit()
    return course, visit


def test_the_day_export_ships_a_visit_with_its_type(ctx, team) -> None:
    course, visit = _stored_course_and_visit(ctx)
    result = export.day_export(ctx, team[Role.FRONT_DESK], staff_views.today(ctx))
    zf = zipfile.ZipFile(io.BytesIO(result.zip_bytes))
    manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode())))
    rows = {r["consent_id"]: r for r in manifest}
    assert str(course.id) not in rows  # signed on another day
    row = rows[str(visit.id)]
    assert row["document_type"] == "visit" and row["status"] == "filed"
    assert VISIT_NAME.fullmatch(row["file"]), row["file"]
    assert row["file"].startswith(f"filing/visit-{str(visit.id)[:8]}_")
    pdf = zf.read(row["file"])
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Visit re-confirmation Session 2 of your treatment course" in text
    assert f"Course consent {course.id}" in text
    assert "Procedure sign-out" in text
    # The download is named alike.
    served = documents.download_pdf(ctx, team[Role.FRONT_DESK], visit.id)
    assert served.type == "visit" and f"filing/{served.filename}" == row["file"]
