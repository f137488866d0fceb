"""Front desk: attested consents and signed refusals waiting to be filed; download the sealed
PDF (hash and seal checked first, the download audited) or its FHIR file for the EHR (or send it
there), mark it filed, print the patient copy."""

from __future__ import annotations

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from services import staff as staff_svc
from services import staff_views
from ui import ehr_widgets, staff_picker, staff_session, staff_widgets
from ui.resources import app_context
from ui.staff_session import tr
from ui.text import shown_as_typed

ctx = app_context()
staff = staff_session.guard(ctx, Role.FRONT_DESK)
st.title(tr("staff.filing.title"))
done = st.session_state.pop("filing_done", None)
if done:
    st.success(done, icon=":material/check_circle:")

try:
    rows = staff_views.filing_queue(ctx, staff)
except DomainError as exc:
    st.error(str(exc))
    st.stop()
st.caption(tr("staff.filing.count", count=len(rows)))
view = staff_picker.open_picked(
    ctx,
    staff,
    rows,
    page="filing",
    label=tr("staff.filing.pick"),
    none=tr("staff.filing.none"),
    reload=False,
)
consent = view.consent
gap = consent.filing_gap()  # the record's rule: a time-out, or a refusal's countersignature
fileable = gap is None
if gap:
    st.warning(gap, icon=":material/timer_off:")

st.subheader(tr("staff.filing.step_download"))
staff_widgets.download(ctx, staff, consent.id, key="filing")
ehr_widgets.hand_off(ctx, staff, consent.id, key="filing")  # the same record, as FHIR

st.subheader(tr("staff.filing.step_file"))
with st.form(f"file-{consent.id}", clear_on_submit=False):
    chart = st.text_input(
        tr("staff.filing.chart"), max_chars=80, placeholder=tr("staff.filing.chart_hint")
    )
    go = st.form_submit_button(
        tr("staff.filing.button"),
        type="primary",
        icon=":material/inventory:",
        disabled=not fileable,  # the service refuses it too; do not invite a click
        help=gap,
    )
if go:
    try:
        staff_svc.file_consent(
            ctx, staff, consent.id, chart_reference=chart, expected_version=consent.version
        )
    except DomainError as exc:
        staff_picker.show_error(exc, "filing")
    else:
        staff_picker.forget_view("filing")
        st.session_state["filing_done"] = tr(
            "staff.filing.done",
            name=shown_as_typed(consent.patient.legal_name),
            chart=shown_as_typed(chart.strip()),
        )
        st.rerun()

st.subheader(tr("staff.filing.step_copy"))
staff_widgets.patient_copy(ctx, staff, consent.id, key="filing")
