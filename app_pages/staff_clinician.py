"""Clinician: clear or uphold each screening flag with a note, answer each of the patient's
questions, complete the treatment plan, attest with the password re-entered (or countersign a
refusal), hold / release, or mark a consent entered in error."""

from __future__ import annotations

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from forms.meanings import ATTESTATION_STATEMENT, REFUSAL_STATEMENT
from forms.record_care import FORMS
from forms.records import FLAGS_REVIEWABLE, Status
from services import staff as staff_svc
from services import staff_care, staff_views
from ui import re_explain_form, staff_picker, staff_session, staff_widgets
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
        ctx, staff, statuses=[Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED, Status.DECLINED]
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

re_explain_form.show(ctx, staff, view, page="review", done_key="review_done")

may_answer = may_review or (consent.declined and consent.attestation is None)
titles = dict(
    zip((q.section_id for q in consent.questions), (t for t, _ in view.questions), strict=False)
)
for n, q in enumerate(consent.questions):
    with st.container(border=True):
        note = f": {shown_as_typed(q.note)}" if q.note else ""
        st.markdown(
            f"**:material/help: {shown_as_typed(titles.get(q.section_id, q.section_id))}**{note}"
        )
        if q.answer is not None:
            a = q.answer
            when = format_datetime(ctx, a.at)
            st.caption(
                tr(
                    "staff.questions.answered",
                    name=shown_as_typed(a.by_name),
                    time=when,
                    text=shown_as_typed(a.text),
                )
            )
        if may_answer:
            with st.form(f"answer-{consent.id}-{n}"):
                text = st.text_area(tr("staff.questions.answer"), height=68)
                if st.form_submit_button(tr("staff.questions.save")):
                    act(
                        staff_care.answer_question,
                        "staff.questions.saved",
                        section_id=q.section_id,
                        item_id=q.item_id,
                        text=text,
                    )

if may_review and not consent.declined:
    st.subheader(tr("staff.plan.title"))
    plan = consent.treatment
    doctors = {m.id: m.name for m in staff_care.clinicians(ctx)}
    choices = staff_care.sclerosants(ctx)
    with st.form(f"plan-{consent.id}"):
        left, right = st.columns(2)
        current = plan.clinician_id if plan and plan.clinician_id in doctors else staff.id
        ids = list(doctors)
        who = left.selectbox(
            tr("staff.plan.clinician"),
            ids,
            index=ids.index(current) if current in ids else None,
            format_func=lambda i: doctors[i],
        )
        planned = plan.choice if plan else None
        agent = right.selectbox(
            tr("staff.plan.sclerosant"),
            choices,
            index=choices.index(planned) if planned in choices else None,
            format_func=staff_widgets.sclerosant_words,
        )
        form = left.radio(
            tr("staff.plan.form"),
            FORMS,
            index=FORMS.index(plan.form) if plan and plan.form else None,
            horizontal=True,
            format_func=lambda f: tr(f"staff.plan.form.{f}"),
        )
        signed = consent.patient_signature.signed_at if consent.patient_signature else None
        day = right.date_input(  # offered: the day the patient signed (the visit), until saved
            tr("staff.plan.appointment"),
            value=plan.appointment_on
            if plan and plan.appointment_on
            else (signed.astimezone(ctx.settings.tz).date() if signed else None),
            format="YYYY-MM-DD",
        )
        if st.form_submit_button(tr("staff.plan.save"), icon=":material/save:"):
            act(
                staff_care.set_treatment,
                "staff.plan.saved",
                clinician_id=who,
                sclerosant=agent,
                form=form,
                appointment_on=day,
            )
    if missing := consent.plan_missing():
        st.caption(tr("staff.plan.missing", missing="; ".join(missing)))

if consent.declined and consent.patient_signature is not None:
    st.subheader(tr("staff.countersign.title"))
    if consent.attestation is None:
        with st.form(f"countersign-{consent.id}"):
            st.info(REFUSAL_STATEMENT, icon=":material/record_voice_over:")
            st.markdown(
                tr("staff.countersign.sign_explain", name=shown_as_typed(staff.display_name))
            )
            password = st.text_input(
                tr("staff.verify.password"), type="password", autocomplete="current-password"
            )
            if st.form_submit_button(
                tr("staff.countersign.button"), type="primary", icon=":material/draw:"
            ):
                act(staff_care.countersign_refusal, "staff.countersign.done", password=password)
    else:
        a = consent.attestation
        when = format_datetime(ctx, a.attested_at)
        st.success(
            tr("staff.countersign.by", name=shown_as_typed(a.clinician_name), time=when),
            icon=":material/verified:",
        )
elif consent.status is Status.VERIFIED:
    st.subheader(tr("staff.attest.title"))
    with st.form(f"attest-{consent.id}"):
        st.info(ATTESTATION_STATEMENT, icon=":material/record_voice_over:")
        re_explain_form.before_attesting(consent)
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
