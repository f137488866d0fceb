"""Sign out: audited, the tab's staff state cleared, back to the sign-in form."""

from __future__ import annotations

import streamlit as st

from ui import staff_session
from ui.resources import app_context
from ui.staff_session import tr

ctx = app_context()
staff_session.end(ctx, reason="user", notice=tr("staff.sign_out.done"))
st.switch_page(staff_session.SIGN_IN_PATH)
