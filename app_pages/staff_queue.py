"""Today's queue: every consent of the day, refreshing by itself, stop flags on top."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from forms.records import Status
from services import auth, staff_views
from ui import staff_session, staff_widgets
from ui.resources import app_context
from ui.staff_picker import remember
from ui.staff_session import format_time, tr
from ui.staff_widgets import status_text
from ui.text import shown_as_typed

REFRESH = dt.timedelta(seconds=15)
FILTERS = {
    "staff.queue.filter.all": None,
    "staff.queue.filter.to_verify": [Status.SUBMITTED],
    "staff.queue.filter.to_attest": [Status.VERIFIED],
    "staff.queue.filter.attested": [Status.ATTESTED],
    "staff.queue.filter.filed": [Status.FILED],
    "staff.queue.filter.declined": [Status.DECLINED, Status.ENTERED_IN_ERROR],
}

WAITING = (Status.SUBMITTED, Status.VERIFIED)  # minutes since signing matter while care waits

ctx = app_context()
staff = staff_session.guard(ctx, Role.NURSE, Role.CLINICIAN)
st.title(tr("staff.queue.title"))


def open_consent(row: staff_views.QueueRow) -> None:
    remember(row)
    target = (
        "app_pages/staff_verify.py" if staff.has(Role.NURSE) else "app_pages/staff_clinician.py"
    )
    if row.awaits_sign_out:  # the next step is the procedure's sign-out
        target = "app_pages/staff_procedure_sign_out.py"
    st.switch_page(target)


@st.fragment(run_every=REFRESH)
def queue(choice: str | None) -> None:
    current = staff_session.current()
    if current is None or auth.is_expired(ctx, current):
        st.rerun(scope="app")  # the full run signs an idle session out; no refresh of PHI
    try:
        rows = staff_views.nurse_queue(ctx, staff, statuses=FILTERS.get(choice or ""))
    except DomainError as exc:
        st.error(str(exc))
        return
    now = ctx.clock.now()
    st.caption(tr("staff.queue.updated", time=format_time(ctx, now), count=len(rows)))
    if not rows:
        st.info(tr("staff.queue.empty"), icon=":material/inbox:")
        return
    for row in rows:
        with st.container(border=True):
            top, button = st.columns([3, 1], vertical_alignment="center")
            top.markdown(
                f"**{shown_as_typed(row.patient_name)}** · {tr('staff.consent.dob')} {row.date_of_birth:%Y-%m-%d}"
                f" · {status_text(row.status)}"
            )
            facts = []
            if row.stop_flags:
                facts.append(
                    f":red-badge[:material/block: {tr('staff.queue.stop', count=row.stop_flags)}]"
                )
            if row.review_flags:
                facts.append(
                    f":orange-badge[:material/warning: {tr('staff.queue.review', count=row.review_flags)}]"
                )
            if row.questions:
                facts.append(
                    f":blue-badge[:material/help: {tr('staff.queue.questions', count=row.questions)}]"
                )
            if row.on_hold:
                facts.append(f":violet-badge[:material/pause: {tr('staff.queue.on_hold')}]")
            if row.timeout_done:
                facts.append(f":green-badge[{tr('staff.queue.timeout_done')}]")
            if row.awaits_sign_out:
                facts.append(f":orange-badge[{tr('staff.queue.sign_out_waiting')}]")
            if row.minutes_waiting is not None and row.status in WAITING:
                facts.append(tr("staff.queue.minutes", minutes=row.minutes_waiting))
            top.markdown(" ".join(facts))
            staff_widgets.row_notes(top, row)
            if button.button(tr("staff.queue.open"), key=f"open-{row.consent_id}", width="stretch"):
                open_consent(row)


queue(
    st.radio(
        tr("staff.queue.filter"),
        list(FILTERS),
        format_func=tr,
        horizontal=True,
        key="queue_filter",
    )
)
