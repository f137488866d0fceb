"""The router: settings, who is signed in, that role's pages, st.navigation. Nothing else."""

from __future__ import annotations

import streamlit as st

from ui import staff_session
from ui.resources import app_context, startup_problem

if problem := startup_problem():  # a setting to fix: one plain message, no traceback
    st.set_page_config(page_title="Configuration needed", layout="centered")
    st.error(problem)
    st.stop()
ctx = app_context()
staff = staff_session.refresh(ctx)  # None when nobody is signed in or the session sat idle
st.set_page_config(
    page_title=ctx.settings.clinic_name,
    page_icon="🩺",
    layout="centered",
    # After a sign-out or a hand-over the staff menu's panel must not stay open on the kiosk.
    initial_sidebar_state="collapsed" if staff is None else "auto",
)
if staff is None:
    # The tablet is a kiosk: the patient flow, and at every staff address only the sign-in form;
    # no menu.
    pages = staff_session.signed_out_pages(ctx.settings.clinic_name)
    st.navigation(pages, position="hidden").run()
else:
    sections, home = staff_session.pages_for(staff)
    page = st.navigation(sections, position="hidden")  # the menu is staff_session.sidebar
    if page.url_path == "":  # the patient flow is never shown beside a staff menu
        st.switch_page(home)
    staff_session.sidebar(staff)
    page.run()
