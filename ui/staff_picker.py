"""Choosing one consent on a staff page and holding on to it: the patient picker, the view the
page keeps at the version it showed (so a save by someone else is refused, not overwritten),
the confirmation that names the patient, and a DomainError shown in words."""

from __future__ import annotations

import streamlit as st

from errors import DomainError
from forms.records import STATUS_LABELS
from services import staff_views
from services.auth import StaffSession
from services.context import AppContext
from services.queue_rows import QueueRow
from services.staff_views import ConsentView
from ui.staff_session import tr
from ui.staff_widgets import header
from ui.text import shown_as_typed

SELECTED = "selected_consent"  # session key: the consent id chosen on the queue
SELECTED_WHO = "selected_who"  # and who that patient is, to name them if not listed


def row_label(row: QueueRow) -> str:
    flags = f" · STOP flags: {row.stop_flags}" if row.stop_flags else ""
    return (
        f"{row.patient_name} · born {row.date_of_birth:%Y-%m-%d} · "
        f"{STATUS_LABELS[row.status]}{flags}"
    )


def who(row: QueueRow) -> str:
    """The patient as staff name them aloud: name and date of birth (two identifiers)."""
    return f"{row.patient_name} (born {row.date_of_birth:%Y-%m-%d})"


def remember(row: QueueRow) -> None:
    """The consent this person chose (on the queue or a picker), for the next page."""
    st.session_state[SELECTED] = str(row.consent_id)
    st.session_state[SELECTED_WHO] = who(row)


def pick_consent(rows: list[QueueRow], *, key: str, label: str) -> QueueRow | None:
    """A select box of consents; preselects the one chosen on the queue.

    A consent chosen elsewhere that is not on this list (filed, refused, or its step done) is
    never silently swapped for another patient: nothing is shown until a patient is chosen.
    """
    if not rows:
        return None
    ids = [str(r.consent_id) for r in rows]
    labels = {i: row_label(r) for i, r in zip(ids, rows, strict=True)}
    seen = [*labels.values()]
    for i in ids:  # the same patient twice in one state: the box must still tell them apart
        if seen.count(labels[i]) > 1:
            labels[i] += f" · record {i[:8]}"
    wanted = st.session_state.get(SELECTED)
    if wanted is None:
        desired = ids[0]
    elif wanted in ids:
        desired = wanted
    else:
        desired = None
        st.info(
            tr(
                "staff.pick.not_here", who=shown_as_typed(st.session_state.get(SELECTED_WHO) or "—")
            ),
            icon=":material/info:",
        )
    # Set through session state, not by dropping the key: only then is the browser told, and
    # a patient no longer chosen (or an old status in the label) does not stay on screen.
    shown_key = f"{key}-shown"
    shown = (desired, labels.get(desired or ""))
    if st.session_state.get(key) != desired or st.session_state.get(shown_key) != shown:
        st.session_state[key] = desired
    st.session_state[shown_key] = shown

    def chosen() -> None:
        picked = st.session_state.get(key)
        if picked in ids:
            remember(rows[ids.index(picked)])

    choice = st.selectbox(
        label,
        ids,
        index=None if desired is None else 0,
        key=key,
        format_func=labels.__getitem__,
        placeholder=tr("staff.pick.placeholder"),
        on_change=chosen,
    )
    if choice is None:
        return None
    row = rows[ids.index(choice)]
    remember(row)
    return row


def current_view(ctx: AppContext, staff: StaffSession, consent_id, page: str) -> ConsentView:
    """The consent as it was when this person opened it on this page.

    Kept until they act or press Reload, so a save is checked against the version they saw:
    if someone else changed it meanwhile, the service refuses with "Changed by NAME at TIME"
    instead of silently working on a record they have not seen.
    """
    key = f"view-{page}"
    view = st.session_state.get(key)
    if not isinstance(view, ConsentView) or str(view.consent.id) != str(consent_id):
        view = staff_views.open_consent(ctx, staff, consent_id)
        st.session_state[key] = view
    return view


def open_picked(
    ctx: AppContext,
    staff: StaffSession,
    rows: list[QueueRow],
    *,
    page: str,
    label: str,
    none: str,
    reload: bool = True,
) -> ConsentView:
    """The top of a page that works on one consent: the patient picker, then that consent's
    header (and a Reload button). Stops the page when nothing is chosen."""
    row = pick_consent(rows, key=f"{page}_pick", label=label)
    if row is None:
        if not rows:
            st.info(none, icon=":material/inbox:")
        st.stop()
    view = current_view(ctx, staff, row.consent_id, page)
    header(ctx, view)
    if reload:
        reload_button(page)
    return view


def done_message(view: ConsentView, message: str) -> str:
    """A confirmation that names the patient it was for."""
    p = view.consent.patient
    return tr(
        "staff.done_for",
        who=f"{shown_as_typed(p.legal_name)} (born {p.date_of_birth:%Y-%m-%d})",
        message=message,
    )


def forget_view(page: str) -> None:
    st.session_state.pop(f"view-{page}", None)


def reload_button(page: str) -> None:
    if st.button(tr("staff.reload"), key=f"reload-{page}", icon=":material/refresh:"):
        forget_view(page)
        st.rerun()


def show_error(exc: DomainError, page: str) -> None:
    st.error(str(exc), icon=":material/error:")
    if "Reload" in str(exc):
        st.button(
            tr("staff.reload"),
            key=f"reload-after-{page}",
            icon=":material/refresh:",
            on_click=forget_view,
            args=(page,),
        )
