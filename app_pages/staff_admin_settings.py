"""Admin: the clinic's settings as configured (environment / secrets.toml). Read-only here."""

from __future__ import annotations

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from services import clinic_setup
from ui import staff_session
from ui.resources import app_context
from ui.staff_session import tr

ctx = app_context()
staff = staff_session.guard(ctx, Role.ADMIN)
st.title(tr("staff.settings.title"))
st.caption(tr("staff.settings.explain"))
try:
    rows = clinic_setup.settings_view(ctx, staff)
except DomainError as exc:
    st.error(str(exc))
    st.stop()
st.dataframe(
    [{tr("staff.settings.col.name"): n, tr("staff.settings.col.value"): v} for n, v in rows],
    hide_index=True,
    width="stretch",
)
