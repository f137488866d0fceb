"""The router: settings, who is signed in, that role's pages, st.navigation. Nothing else."""

from __future__ import annotations

import streamlit as st

from app_pages.resources import app_context

ctx = app_context()
st.set_page_config(page_title=ctx.settings.clinic_name, page_icon="🩺", layout="centered")

# With nobody signed in the tablet is a kiosk: the patient flow, and a sign-in page for staff
# reachable only by its address (/staff), never from a menu.
pages = [
    st.Page("app_pages/patient.py", title=ctx.settings.clinic_name, default=True),
    st.Page("app_pages/sign_in.py", title="Staff sign-in", url_path="staff"),
]
st.navigation(pages, position="hidden").run()
