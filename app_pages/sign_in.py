"""Staff sign-in. On the patient tablet every staff address shows this form and nothing else."""

from __future__ import annotations

import streamlit as st

from errors import DomainError
from services import auth, staff_sessions
from ui import staff_session
from ui.resources import app_context
from ui.staff_session import tr

ctx = app_context()
staff = staff_session.current()
if staff is not None:  # already signed in (e.g. /staff after signing in): go to the role's home
    st.switch_page(staff_session.home_path(staff))

st.title(tr("staff.sign_in.title"))
notice = st.session_state.get(staff_session.NOTICE)
if notice:
    st.info(notice, icon=":material/info:")
st.caption(tr("staff.sign_in.intro"))

if not auth.has_any_user(ctx):
    st.warning(tr("staff.sign_in.first_run"), icon=":material/person_add:")
    st.code("python cli.py add-user NAME --role admin", language="bash")

with st.form("sign_in", clear_on_submit=True):
    username = st.text_input(tr("staff.sign_in.username"), autocomplete="username")
    password = st.text_input(
        tr("staff.sign_in.password"), type="password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(tr("staff.sign_in.button"), type="primary")

if submitted:
    try:
        session, ticket = staff_sessions.sign_in(ctx, username, password)
    except DomainError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        staff_session.start(session, ticket=ticket)  # the browser trades it for the cookie
        st.rerun()  # the navigation now holds this person's pages
