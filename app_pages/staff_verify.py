"""Nurse: the patient's answers with flags first, whether anyone saw the patient sign, the
pre-procedure checklist signed as verified (password re-entered; "I was present when the patient
signed" ticked only by a nurse who was), then the time-out as its own step just before the
procedure, with who is present and the side confirmed."""

from __future__ import annotations

import streamlit as st

from accounts.staff import Role
from checklist.nurse_checks import checklist_gaps
from checklist.sites import SITE_CHOICES, site_label
from errors import DomainError
from forms.records import TIMEOUT_WINDOW, Status
from services import checklist_drafts, staff_care, staff_views
from services import staff as staff_svc
from ui import checklist_draft, re_explain_form, staff_picker, staff_session, staff_widgets
from ui.resources import app_context
from ui.staff_session import STAFF_LANG, format_datetime, tr
from ui.text import shown_as_typed

ANSWERS = {"yes": "staff.check.yes", "no": "staff.check.no", "na": "staff.check.na"}

ctx = app_context()
staff = staff_session.guard(ctx, Role.NURSE)
st.title(tr("staff.verify.title"))

try:
    rows = staff_views.nurse_queue(
        ctx, staff, statuses=[Status.SUBMITTED, Status.VERIFIED, Status.ATTESTED]
    )
except DomainError as exc:
    st.error(str(exc))
    st.stop()
view = staff_picker.open_picked(
    ctx, staff, rows, page="verify", label=tr("staff.verify.pick"), none=tr("staff.verify.none")
)
consent = view.consent

st.subheader(tr("staff.verify.flags"))
staff_widgets.flags(view)
re_explain_form.show(ctx, staff, view, page="verify", done_key="verify_done")
staff_widgets.questions(view)
staff_widgets.checklist_exceptions(view)
staff_widgets.all_answers(ctx, view)

done = st.session_state.pop("verify_done", None)
if done:
    st.success(done, icon=":material/check_circle:")


def show_error(exc: DomainError) -> None:
    staff_picker.show_error(exc, "verify")


def not_done(message_key: str, items: list[str]) -> None:
    """What is still open, one item a line (a run-on sentence of twelve items is not read)."""
    st.error(
        tr(message_key, count=len(items))
        + "\n"
        + "\n".join(f"- {shown_as_typed(i)}" for i in items),
        icon=":material/error:",
    )


def succeeded(message_key: str) -> None:
    staff_picker.forget_view("verify")
    st.session_state["verify_done"] = staff_picker.done_message(view, tr(message_key))
    st.rerun()


w = consent.witness
if w is not None:
    where = tr(f"staff.witness.where.{w.where}")
    time = format_datetime(ctx, w.at)
    name = shown_as_typed(w.by_name)
    st.info(
        tr("staff.verify.witness_by", name=name, where=where, time=time),
        icon=":material/visibility:",
    )
elif consent.patient_signature is not None:
    st.caption(tr("staff.verify.witness_none"))

if consent.status is Status.SUBMITTED:
    st.subheader(tr("staff.verify.checklist"))
    blocked = bool(view.open_stop_flags)
    if blocked:
        st.error(tr("staff.verify.blocked"), icon=":material/block:")
    # Each answer is kept as it is given (issue #18): outside the signing form, so a nurse sent
    # to another server, or who reloads, finds her answers; the form holds only the signature.
    items = view.staff_pack.nurse_checklist
    kept = checklist_draft.Kept(
        ctx,
        staff,
        consent.id,
        checklist_drafts.VERIFY,
        keys={
            **{f"{i.id}.answer": f"chk-{consent.id}-{i.id}" for i in items},
            **{f"{i.id}.note": f"note-{consent.id}-{i.id}" for i in items},
        },
        prefix=f"chk-{consent.id}",
        choices={f"{i.id}.answer": ANSWERS for i in items},
    )
    kept.restore({f"{i.id}.note": "" for i in items})
    kept.notice()
    answers: dict[str, tuple[str | None, str]] = {}
    for item in items:
        st.markdown(f"**{item.text}**")
        left, right = st.columns([3, 2])
        choice = left.radio(
            item.text,
            list(ANSWERS),
            index=None,
            horizontal=True,
            format_func=lambda a: tr(ANSWERS[a]),
            key=kept.keys[f"{item.id}.answer"],
            label_visibility="collapsed",
            **kept.on_change,
        )
        note = right.text_input(
            tr("staff.verify.note"),
            key=kept.keys[f"{item.id}.note"],
            label_visibility="collapsed",
            placeholder=tr("staff.verify.note"),
            **kept.on_change,
        )
        answers[item.id] = (choice, note or "")
    with st.form(f"checklist-{consent.id}"):
        witnessed = False
        if consent.witness is None:
            witnessed = st.checkbox(
                tr("staff.verify.witnessed"),
                key=f"witnessed-{consent.id}",
                help=tr("staff.verify.witnessed_help"),
            )
        st.markdown(tr("staff.verify.sign_explain", name=shown_as_typed(staff.display_name)))
        password = st.text_input(
            tr("staff.verify.password"),
            type="password",
            autocomplete="current-password",
            key=f"verify-pw-{consent.id}",
        )
        submitted = st.form_submit_button(
            tr("staff.verify.button"), type="primary", disabled=blocked, icon=":material/draw:"
        )
    missing, noes, unexplained = checklist_gaps(view.staff_pack, answers)
    if submitted and missing:
        not_done("staff.verify.missing", missing)
    elif submitted and noes:
        not_done("staff.verify.noes", noes)
    elif submitted and unexplained:
        not_done("staff.verify.na_reason", unexplained)
    elif submitted:
        try:
            staff_svc.verify(
                ctx,
                staff,
                consent.id,
                answers={k: (a or "", n) for k, (a, n) in answers.items()},
                password=password,
                expected_version=consent.version,
                witnessed=witnessed,
            )
        except DomainError as exc:
            show_error(exc)
        else:
            succeeded("staff.verify.done")
elif consent.nurse_verification is not None:
    nv = consent.nurse_verification
    st.success(
        tr(
            "staff.verify.verified_by",
            name=shown_as_typed(nv.nurse_name),
            time=format_datetime(ctx, nv.verified_at),
        ),
        icon=":material/verified:",
    )

if consent.status in TIMEOUT_WINDOW:
    st.subheader(tr("staff.timeout.title"))
    if consent.timeout is not None:
        st.success(
            tr(
                "staff.timeout.done",
                name=shown_as_typed(consent.timeout.by_name),
                time=format_datetime(ctx, consent.timeout.performed_at),
            ),
            icon=":material/timer:",
        )
    else:
        st.caption(tr("staff.timeout.explain"))
        team = {m.id: m for m in staff_care.care_team(ctx, staff)}
        planned = consent.treatment.clinician_id if consent.treatment else None
        sides = list(dict.fromkeys([consent.site, *SITE_CHOICES]))
        checks = view.staff_pack.timeout
        kept_to = checklist_draft.Kept(
            ctx,
            staff,
            consent.id,
            checklist_drafts.TIMEOUT,
            keys={
                **{i.id: f"to-{consent.id}-{i.id}" for i in checks},
                "present": f"to-present-{consent.id}",
                "others": f"to-others-{consent.id}",
                "side": f"to-side-{consent.id}",
            },
            prefix=f"to-{consent.id}",
            choices={"present": team, "side": sides},
        )
        kept_to.restore(
            {
                **{i.id: False for i in checks},
                "present": [i for i in (staff.id, planned) if i in team],
                "others": "",
            }
        )
        kept_to.notice()
        confirmed = [
            item.id
            for item in checks
            if st.checkbox(item.text, key=kept_to.keys[item.id], **kept_to.on_change)
        ]
        present = st.multiselect(
            tr("staff.timeout.participants"),
            list(team),
            format_func=lambda i: f"{team[i].name} ({team[i].role})",
            key=kept_to.keys["present"],
            **kept_to.on_change,
        )
        others = st.text_area(
            tr("staff.timeout.others"),
            key=kept_to.keys["others"],
            height=68,
            **kept_to.on_change,
        )
        side = st.selectbox(
            tr("staff.timeout.side"),
            sides,
            index=None,
            format_func=lambda s: site_label(s, STAFF_LANG),
            key=kept_to.keys["side"],
            **kept_to.on_change,
        )
        go = st.button(
            tr("staff.timeout.button"),
            type="primary",
            icon=":material/timer:",
            key=f"timeout-go-{consent.id}",
        )
        unconfirmed = [i.text for i in checks if i.id not in confirmed]
        if go and unconfirmed:
            not_done("staff.timeout.missing", unconfirmed)
        elif go:
            try:
                staff_care.record_timeout(
                    ctx,
                    staff,
                    consent.id,
                    confirmed=confirmed,
                    participant_ids=present,
                    others=(others or "").splitlines(),
                    side=side or "",
                    expected_version=consent.version,
                )
            except DomainError as exc:
                show_error(exc)
            else:
                succeeded("staff.timeout.recorded")
