"""Search consents by name, date of birth and date; open one to download or print."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from errors import DomainError
from services import staff_views
from ui import staff_picker, staff_session, staff_widgets
from ui.resources import app_context
from ui.staff_session import ALL, format_datetime, tr
from ui.staff_widgets import status_text
from ui.text import shown_as_typed

RESULTS = "search_results"  # the page shown (staff_views.SearchPage)
QUERY = "search_query"

ctx = app_context()
staff = staff_session.guard(ctx, *ALL)
st.title(tr("staff.search.title"))

with st.form("search"):
    name = st.text_input(tr("staff.search.name"))
    dob = st.date_input(
        tr("staff.search.dob"),
        value=None,
        min_value=dt.date(1900, 1, 1),
        max_value=dt.date.today(),
        format="YYYY-MM-DD",
    )
    left, right = st.columns(2)
    date_from = left.date_input(tr("staff.search.from"), value=None, format="YYYY-MM-DD")
    date_to = right.date_input(tr("staff.search.to"), value=None, format="YYYY-MM-DD")
    go = st.form_submit_button(tr("staff.search.button"), type="primary", icon=":material/search:")


def show_page(query: dict[str, object], page: int) -> None:
    try:
        st.session_state[RESULTS] = staff_views.search_page(ctx, staff, **query, page=page)
        st.session_state[QUERY] = query  # what "Next page" pages through
    except DomainError as exc:
        st.session_state.pop(RESULTS, None)
        st.error(str(exc), icon=":material/error:")


if go:
    show_page({"name": name, "date_of_birth": dob, "date_from": date_from, "date_to": date_to}, 0)

found = st.session_state.get(RESULTS)
if found is not None:
    rows = found.rows
    if not rows:
        st.info(tr("staff.search.nothing"), icon=":material/search_off:")
        st.stop()
    # One card a result, as on the queue: the course's words wrap, nothing is cut off at 820 px.
    for r in rows:
        with st.container(border=True):
            st.markdown(
                f"**{shown_as_typed(r.patient_name)}** · {tr('staff.search.col.dob')} "
                f"{r.date_of_birth:%Y-%m-%d} · {status_text(r.status)} · "
                f"{tr('staff.search.col.signed')} {format_datetime(ctx, r.submitted_at)}"
            )
            staff_widgets.row_notes(st, r)
    if found.page or found.more:  # long lists come a page at a time, newest first
        back, where, ahead = st.columns([1, 2, 1], vertical_alignment="center")
        where.caption(tr("staff.search.page", page=found.page + 1))
        step = 0
        if found.page and back.button(tr("staff.search.previous"), width="stretch"):
            step = -1
        if found.more and ahead.button(tr("staff.search.next"), width="stretch"):
            step = 1
        if step:
            show_page(st.session_state[QUERY], found.page + step)
            st.rerun()
    row = staff_picker.pick_consent(rows, key="search_pick", label=tr("staff.search.pick"))
    if row is not None:
        view = staff_views.open_consent(ctx, staff, row.consent_id)
        staff_widgets.header(ctx, view)
        staff_widgets.download(ctx, staff, row.consent_id, key="search")
        staff_widgets.patient_copy(ctx, staff, row.consent_id, key="search")
