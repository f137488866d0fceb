"""Handing a consent to the EHR from a staff screen: its FHIR file to download (for the roles that
may download the PDF), and, when the clinic has an EHR endpoint (``fhir_base_url``), "Send to EHR"
with the last successful send under it. Display only; the work is in services.ehr_files and
services.ehr_push."""

from __future__ import annotations

import streamlit as st

from errors import DomainError
from services import ehr_files, ehr_push
from services.auth import StaffSession
from services.context import AppContext
from ui.staff_session import format_datetime, tr
from ui.text import shown_as_typed


def hand_off(ctx: AppContext, staff: StaffSession, consent_id, *, key: str) -> None:
    """The FHIR download, then "Send to EHR" if the clinic has an EHR endpoint."""
    download(ctx, staff, consent_id, key=key)
    if ctx.settings.fhir_base_url:
        send(ctx, staff, consent_id, key=key)


def download(ctx: AppContext, staff: StaffSession, consent_id, *, key: str) -> None:
    """Build the bundle on request (the document checked, the download audited), then offer it."""
    store_key = f"fhir-{key}-{consent_id}"
    if st.button(tr("staff.ehr.prepare"), key=f"fhir-prep-{key}", icon=":material/download:"):
        try:
            st.session_state[store_key] = ehr_files.download_fhir(ctx, staff, consent_id)
        except DomainError as exc:
            st.session_state.pop(store_key, None)
            st.error(str(exc), icon=":material/gpp_bad:")
    ready = st.session_state.get(store_key)
    if ready:
        st.download_button(
            tr("staff.ehr.button"),
            data=ready.data,
            file_name=ready.filename,
            mime=ready.mime,
            key=f"fhir-dl-{key}",
            icon=":material/data_object:",
        )


def send(ctx: AppContext, staff: StaffSession, consent_id, *, key: str) -> None:
    """Send the transaction on this press only (a second press is a deliberate re-send, which
    the bundle's identifiers make harmless); say what happened, then the last successful send."""
    if st.button(tr("staff.ehr.send"), key=f"ehr-send-{key}", icon=":material/send:"):
        try:
            result = ehr_push.send_consent(ctx, staff, consent_id)
        except DomainError as exc:
            st.error(str(exc), icon=":material/cloud_off:")
        else:
            st.success(
                tr(
                    "staff.ehr.sent",
                    time=format_datetime(ctx, result.at),
                    count=len(result.locations),
                ),
                icon=":material/cloud_done:",
            )
    mark = ehr_push.last_sent(ctx, consent_id)
    if mark is None:
        st.caption(tr("staff.ehr.not_sent"))
        return
    who = shown_as_typed(mark.actor) if mark.actor else tr("staff.ehr.by_cli")
    when = format_datetime(ctx, mark.at)
    st.caption(tr("staff.ehr.last_sent", time=when, who=who, count=mark.resources))
