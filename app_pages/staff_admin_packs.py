"""Admin: content packs on disk, with version, language, which one is active and reading level."""

from __future__ import annotations

import streamlit as st

from errors import DomainError
from services import clinic_setup
from ui import staff_session
from ui.resources import app_context
from ui.staff_session import tr

ctx = app_context()
staff = staff_session.admin_page(ctx, "staff.packs.title", "staff.packs.explain")
try:
    rows = clinic_setup.pack_list(ctx, staff)
    problems = clinic_setup.pack_problems(ctx, staff)
except DomainError as exc:
    st.error(str(exc))
    st.stop()
st.dataframe(
    [
        {
            tr("staff.packs.col.pack"): r.pack_id,
            tr("staff.packs.col.version"): r.version,
            tr("staff.packs.col.language"): r.language,
            tr("staff.packs.col.active"): "active" if r.active else "",
            tr("staff.packs.col.effective"): r.effective_date.isoformat(),
            tr("staff.packs.col.reading"): r.hardest_section,
            tr("staff.packs.col.approved"): r.approved_by,
            tr("staff.packs.col.fingerprint"): r.fingerprint,
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)
if problems:
    st.error(tr("staff.packs.problems", count=len(problems)), icon=":material/error:")
    for p in problems:
        st.markdown(f"- {p}")
