"""Hand the tablet to a patient: optionally pre-fill their details (they confirm them), sign the
staff member out, and open the patient flow. The tablet then shows only the patient flow."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from checklist.sites import SITE_CHOICES, site_label
from errors import DomainError
from forms.record_care import FORMS
from services import drafts, handoff, staff_care
from ui import staff_session, staff_widgets
from ui.resources import app_context
from ui.staff_session import ALL, STAFF_LANG, tr
from ui.staff_widgets import language_name

ctx = app_context()
staff = staff_session.guard(ctx, *ALL)
st.title(tr("staff.handoff.title"))
st.caption(tr("staff.handoff.explain"))

languages = drafts.languages(ctx)
with st.form("handoff"):
    name = st.text_input(tr("staff.handoff.name"))
    left, right = st.columns(2)
    dob = left.date_input(
        tr("staff.search.dob"),
        value=None,
        min_value=dt.date(1900, 1, 1),
        max_value=dt.date.today(),
        format="YYYY-MM-DD",
    )
    mrn = right.text_input(tr("staff.consent.mrn"))
    site = left.selectbox(
        tr("staff.handoff.site"),
        ["", *SITE_CHOICES],
        format_func=lambda s: site_label(s, STAFF_LANG) if s else "—",
    )
    language = right.selectbox(
        tr("staff.handoff.language"),
        ["", *languages],
        format_func=lambda lang: (
            language_name(lang) if lang else tr("staff.handoff.patient_chooses")
        ),
    )
    appt_day = left.date_input(tr("staff.handoff.appointment_day"), value=None, format="YYYY-MM-DD")
    appt_time = right.time_input(tr("staff.handoff.appointment_time"), value=None)
    doctors = {m.id: m.name for m in staff_care.clinicians(ctx)}
    clinician = left.selectbox(
        tr("staff.handoff.clinician"),
        [None, *doctors],
        format_func=lambda i: doctors[i] if i is not None else "—",
    )
    sclerosant = right.selectbox(
        tr("staff.handoff.sclerosant"),
        [None, *staff_care.sclerosants(ctx)],
        format_func=lambda c: staff_widgets.sclerosant_words(c) if c else "—",
    )
    form = left.radio(
        tr("staff.handoff.form"),
        FORMS,
        index=None,
        horizontal=True,
        format_func=lambda f: tr(f"staff.plan.form.{f}"),
    )
    go = st.form_submit_button(tr("staff.handoff.button"), type="primary", icon=":material/tablet:")
if go:
    appointment = None
    if appt_day and appt_time:
        appointment = dt.datetime.combine(appt_day, appt_time, ctx.settings.tz)
    try:
        token = handoff.prefill_draft(
            ctx,
            staff=staff,
            legal_name=name.strip() or None,
            date_of_birth=dob,
            mrn=mrn.strip() or None,
            site=site or None,
            appointment_at=appointment,
            language=language or None,
            clinician_id=clinician,
            sclerosant=sclerosant,
            form=form,
        )
    except DomainError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        staff_session.end(ctx, reason="handoff")
        st.switch_page(staff_session.PATIENT_PATH, query_params={"resume": token})
