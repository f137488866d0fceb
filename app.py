"""The router: settings, who is signed in, that role's pages, st.navigation. Nothing else.

`streamlit run app.py` first imports this file once, outside any script run, to find ``app``:
the ASGI app, Streamlit plus the staff cookie's routes (web/staff_cookie.py). Each script run
(and AppTest.from_file) runs the router.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import staff_session
from ui.resources import app_context, startup_problem
from web import staff_cookie


def route() -> None:
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
        # The tablet is a kiosk: the patient flow, and at every staff address only the sign-in
        # form; no menu.
        pages = staff_session.signed_out_pages(ctx.settings.clinic_name)
        page = st.navigation(pages, position="hidden")
    else:
        sections, home = staff_session.pages_for(staff)
        page = st.navigation(sections, position="hidden")  # the menu is staff_session.sidebar
        if page.url_path == "":  # the patient flow is never shown beside a staff menu
            st.switch_page(home)
        staff_session.sidebar(staff)
    staff_session.cookie_work()  # set or clear the staff cookie, when a sign-in/out asked
    page.run()


if get_script_run_ctx(suppress_warning=True) is None:  # imported by `streamlit run`'s discovery
    app = st.App(Path(__file__).name, routes=staff_cookie.routes(app_context))
else:
    route()
