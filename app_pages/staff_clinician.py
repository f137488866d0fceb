"""Clinician: clear or uphold each screening flag with a note, attest with the password
re-entered, hold / release, or mark a consent entered in error."""

from __future__ import annotations

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from forms.meanings import ATTESTATION_STATEMENT
from forms.records import FLAGS_REVIEWABLE, Status
from services import staff as staff_svc
from services import staff_views
from ui import staff_picker, staff_session, staff_widgets
from ui.resources import app_context
from ui.staff_session import format_datetime, tr
from ui.text import shown_as_typed

ctx = app_context()
staff = staff_session.guard(ctx, Role.CLINICIAN)
st.title(tr("staff.review.title"))

done = st.session_state.pop("review_done", None)
if done:
    st.success(done, icon=":material/check_circle:")
try:
    waiting = staff_views.clinician_queue(ctx, staff)
    today = staff_views.nurse_queue(
        ctx, staff, statuses=[Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED]
    )
except DomainError as exc:
    st.error(str(exc))
    st.stop()
# A consent opened from the queue that is not waiting for a clinician (no stop flag, not yet
# verified) is still shown: the list starts with all of today's, rather than "not on this list".
wanted = st.session_state.get(staff_picker.SELECTED)
in_waiting = any(str(r.consent_id) == wanted for r in waiting)
in_today = any(str(r.consent_id) == wanted for r in today)
only_mine = st.toggle(tr("staff.review.only_mine"), value=in_waiting or not in_today)
rows = waiting if only_mine else today
view = staff_picker.open_picked(
    ctx, staff, rows, page="review", label=tr("staff.review.pick"), none=tr("staff.review.none")
)
consent = view.consent


def act(fn, message_key: str, **kwargs) -> None:
    """Call one service; on success rerun with a confirmation, else show why (nothing changed)."""
    try:
        fn(ctx, staff, consent.id, expected_version=consent.version, **kwargs)
    except DomainError as exc:
        staff_picker.show_error(exc, "review")
    else:
        staff_picker.forget_view("review")
        st.session_state["review_done"] = staff_picker.done_message(view, tr(message_key))
        st.rerun()


staff_widgets.questions(view)
staff_widgets.checklist_exceptions(view)
st.subheader(tr("staff.review.flags"))
staff_widgets.flags(view)
staff_widgets.all_answers(ctx, view)
may_review = consent.status in FLAGS_REVIEWABLE
for flag in view.flags if may_review else ():
    with st.form(f"flag-{consent.id}-{flag.question_id}"):
        st.markdown(f"**{flag.question}**")
        decision = st.radio(
            tr("staff.review.decision"),
            ["cleared", "upheld"],
            index=None,
            horizontal=True,
            format_func=lambda d: tr(f"staff.review.{d}"),
        )
        note = st.text_input(tr("staff.review.note"))
        if st.form_submit_button(tr("staff.review.save_flag")):
            act(
                staff_svc.review_flag,
                "staff.review.flag_saved",
                question_id=flag.question_id,
                decision=decision or "",
                note=note,
            )

if consent.status is Status.VERIFIED:
    st.subheader(tr("staff.attest.title"))
    with st.form(f"attest-{consent.id}"):
        st.info(ATTESTATION_STATEMENT, icon=":material/record_voice_over:")
        st.markdown(tr("staff.attest.sign_explain", name=shown_as_typed(staff.display_name)))
        password = st.text_input(
            tr("staff.verify.password"), type="password", autocomplete="current-password"
        )
        if st.form_submit_button(
            tr("staff.attest.button"),
            type="primary",
            disabled=bool(view.open_stop_flags),
            icon=":material/draw:",
        ):
            act(staff_svc.attest, "staff.attest.done", password=password)
elif consent.attestation is not None:
    a = consent.attestation
    st.success(
        tr(
            "staff.attest.by",
            name=shown_as_typed(a.clinician_name),
            time=format_datetime(ctx, a.attested_at),
        ),
        icon=":material/verified:",
    )
elif consent.status is Status.SUBMITTED:
    st.caption(tr("staff.attest.after_nurse"))

with st.expander(tr("staff.review.other"), icon=":material/more_horiz:"):
    if consent.on_hold:
        if st.button(tr("staff.review.release"), key="release"):
            act(staff_svc.release, "staff.review.released")
    else:
        with st.form(f"hold-{consent.id}"):
            reason = st.text_input(tr("staff.review.hold_reason"))
            if st.form_submit_button(tr("staff.review.hold")):
                act(staff_svc.hold, "staff.review.held", reason=reason)
    with st.form(f"error-{consent.id}"):
        reason = st.text_input(tr("staff.review.error_reason"))
        if st.form_submit_button(tr("staff.review.error"), icon=":material/cancel:"):
            act(staff_svc.enter_in_error, "staff.review.errored", reason=reason)
