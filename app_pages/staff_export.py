"""Day export: a ZIP of one day's PDFs with manifest.csv (same as `python cli.py export`)."""

from __future__ import annotations

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from services import export, staff_views
from ui import staff_session
from ui.resources import app_context
from ui.staff_session import tr

ctx = app_context()
staff = staff_session.guard(ctx, Role.FRONT_DESK, Role.ADMIN)
st.title(tr("staff.export.title"))
st.caption(tr("staff.export.explain"))

with st.form("export"):
    day = st.date_input(tr("staff.export.day"), value=staff_views.today(ctx), format="YYYY-MM-DD")
    go = st.form_submit_button(tr("staff.export.button"), type="primary", icon=":material/archive:")
if go:
    try:
        st.session_state["day_export"] = export.day_export(ctx, staff, day)
    except DomainError as exc:
        st.error(str(exc), icon=":material/error:")

result = st.session_state.get("day_export")
if result is not None:
    st.success(tr("staff.export.ready", day=result.day.isoformat(), count=result.documents))
    if result.problems:
        st.error(tr("staff.export.problems", count=result.problems), icon=":material/gpp_bad:")
    st.download_button(
        tr("staff.export.download"),
        data=result.zip_bytes,
        file_name=result.filename,
        mime="application/zip",
        type="primary",
        icon=":material/download:",
    )
