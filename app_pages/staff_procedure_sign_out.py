"""Procedure sign-out (nurse or clinician): after the time-out, what was injected, the lot, what
was treated, compression, the observation, adverse events, aftercare and the next visit. Saving
shows what still blocks signing; the clinician gives a reason for each problem left and signs
with the password (co-signs a nurse's entry). Once signed: read only."""

from __future__ import annotations

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from services import sign_out, staff_care
from ui import sign_out_form, sign_out_view, staff_picker, staff_session
from ui.resources import app_context
from ui.staff_session import tr

PAGE = "procedure_sign_out"
DONE = "procedure_sign_out_done"

ctx = app_context()
staff = staff_session.guard(ctx, Role.NURSE, Role.CLINICIAN)
st.title(tr("staff.procedure_sign_out.title"))

if done := st.session_state.pop(DONE, None):
    st.success(done, icon=":material/check_circle:")
try:
    rows = sign_out.waiting(ctx, staff)
except DomainError as exc:
    st.error(str(exc))
    st.stop()
view = staff_picker.open_picked(
    ctx,
    staff,
    rows,
    page=PAGE,
    label=tr("staff.procedure_sign_out.pick"),
    none=tr("staff.procedure_sign_out.none"),
)
consent = view.consent


def succeeded(message_key: str) -> None:
    staff_picker.forget_view(PAGE)
    st.session_state[DONE] = staff_picker.done_message(view, tr(message_key))
    st.rerun()


where = sign_out.standing(ctx, consent)
if where.signed:
    sign_out_view.summary(ctx, consent)
    st.stop()

st.caption(tr("staff.procedure_sign_out.explain"))
typed = sign_out_form.entry_form(ctx, staff, consent, staff_care.sclerosants(ctx))
if typed is not None:
    try:
        sign_out.save_form(ctx, staff, consent.id, form=typed, expected_version=consent.version)
    except DomainError as exc:
        staff_picker.show_error(exc, PAGE)
    else:
        succeeded("staff.procedure_sign_out.saved")

if consent.sign_out is not None:
    sign_out_view.standing(ctx, consent, where.check)
    if not staff.has(Role.CLINICIAN):
        st.info(tr("staff.procedure_sign_out.waits_cosign"), icon=":material/hourglass_top:")
    elif not where.may_sign:
        st.info(tr("staff.procedure_sign_out.attest_first"), icon=":material/info:")
    elif signing := sign_out_view.sign_form(consent, where.check, staff.display_name):
        reasons, password = signing
        try:
            sign_out.sign_sign_out(
                ctx,
                staff,
                consent.id,
                justifications=reasons,
                password=password,
                expected_version=consent.version,
            )
        except DomainError as exc:
            staff_picker.show_error(exc, PAGE)
        else:
            succeeded("staff.procedure_sign_out.signed")
