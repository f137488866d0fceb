"""The re-explain flags of a consent (teach-back, issue #15): on the nurse's and the
clinician's pages each question the patient answered wrong at every try, with their answers
and times, a note box and "Mark as re-explained", and once cleared, who, when and their note;
and above the clinician's password, why attesting waits while one is open (the record's own
words). A list row's line each on the queue and search: ``ui.staff_widgets.row_notes``."""

from __future__ import annotations

import streamlit as st

from errors import DomainError
from forms.records import FLAGS_REVIEWABLE, Consent
from services import understanding
from services.auth import StaffSession
from services.context import AppContext
from services.staff_views import ConsentView
from services.understanding import ReExplainView
from ui import staff_picker
from ui.staff_session import format_datetime, tr
from ui.text import shown_as_typed


def show(
    ctx: AppContext, staff: StaffSession, view: ConsentView, *, page: str, done_key: str
) -> None:
    """Every re-explain flag of ``view``; a cleared one says by whom. ``page`` is the page's
    picker name (the view it keeps), ``done_key`` where it shows its confirmation."""
    flags = understanding.re_explain_flags(view)
    if not flags:
        return
    st.subheader(tr("staff.re_explain.title"))
    may_clear = view.consent.status in FLAGS_REVIEWABLE
    for flag in flags:
        with st.container(border=True):
            _flag(ctx, flag)
            if flag.open and may_clear:
                _form(ctx, staff, view, flag, page=page, done_key=done_key)


def _flag(ctx: AppContext, flag: ReExplainView) -> None:
    c = flag.clearance
    if c is None:
        st.warning(tr("staff.re_explain.open", topic=flag.topic), icon=":material/replay:")
    else:
        st.success(
            tr(
                "staff.re_explain.cleared",
                topic=flag.topic,
                name=shown_as_typed(c.by_name),
                role=tr(f"staff.re_explain.by.{c.by_role}"),
                time=format_datetime(ctx, c.at),
                note=shown_as_typed(c.note),
            ),
            icon=":material/task_alt:",
        )
    st.markdown(f"**{flag.question}**")
    result = {True: tr("staff.re_explain.right"), False: tr("staff.re_explain.wrong")}
    st.markdown(
        "\n".join(
            "- "
            + tr(
                "staff.re_explain.attempt",
                n=n,
                time=format_datetime(ctx, a.at),
                choice=a.choice,
                result=result[a.right],
            )
            for n, a in enumerate(flag.attempts, start=1)
        )
    )
    st.caption(
        tr("staff.re_explain.right_answer", choice=flag.right_answer)
        + ("  \n" + tr("staff.re_explain.explained", text=flag.explain) if flag.explain else "")
    )


def _form(
    ctx: AppContext,
    staff: StaffSession,
    view: ConsentView,
    flag: ReExplainView,
    *,
    page: str,
    done_key: str,
) -> None:
    consent = view.consent
    with st.form(f"re-explain-{consent.id}-{flag.question_id}"):
        note = st.text_area(
            tr("staff.re_explain.note"), key=f"re-explain-note-{flag.question_id}", height=68
        )
        pressed = st.form_submit_button(tr("staff.re_explain.button"), icon=":material/task_alt:")
    if not pressed:
        return
    try:
        understanding.clear_re_explain(
            ctx, staff, consent.id, flag.question_id, note, expected_version=consent.version
        )
    except DomainError as exc:
        staff_picker.show_error(exc, page)
    else:
        staff_picker.forget_view(page)
        st.session_state[done_key] = staff_picker.done_message(
            view, tr("staff.re_explain.done", topic=flag.topic)
        )
        st.rerun()


def before_attesting(consent: Consent) -> None:
    """While a re-explain flag is open, say so above the password (the record's own refusal),
    so the clinician knows before typing it."""
    if not consent.open_re_explain():
        return
    try:
        consent.check_attest()
    except DomainError as exc:
        st.warning(str(exc), icon=":material/replay:")
