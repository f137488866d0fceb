"""A returning patient's visit screens: "has anything changed?" and the key risks once more;
and the notice a move within the course leaves for the next screen."""

from __future__ import annotations

import streamlit as st

from checklist.flow import DraftState, Step
from checklist.models import Pack, Section
from language.i18n import t
from services import consent as svc
from services.context import AppContext
from ui.patient.common import act, nav, ss
from ui.patient.questions import acknowledge_items

YES_NO = ["yes", "no"]


def notice(state: DraftState) -> None:
    """Why this screen: a short check-in for session N, the full consent and why, or content
    that was updated under the draft. Said calmly, on the screen after the move only."""
    if state.notice:
        st.info(t(state.language or "en", state.notice, session=state.session or ""))


def changes_screen(ctx: AppContext, token: str, state: DraftState) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.changes.title"), anchor=False)
    current = (
        None if state.changed_since_last is None else ("yes" if state.changed_since_last else "no")
    )

    def submit() -> None:
        choice = ss("changes:choice")
        act(svc.answer_changes, ctx, token, None if choice is None else choice == "yes")

    with st.form("changes"):
        st.radio(
            t(lang, "patient.changes.question"),
            YES_NO,
            index=YES_NO.index(current) if current else None,
            format_func=lambda a: t(lang, f"patient.changes.{a}"),
            key="changes:choice",
            help=t(lang, "patient.changes.help"),
        )
        if state.changed_since_last:
            st.write(t(lang, "patient.changes.yes_note"))
        nav(ctx, token, lang, submit)


def reconfirm_screen(
    ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step
) -> None:
    """The key risks on one screen, each with "I understand", and the question for the doctor;
    each tap is saved as it is made (as on a section screen)."""
    lang = state.language or "en"
    st.header(t(lang, "patient.reconfirm.title"), anchor=False)
    st.write(t(lang, "patient.reconfirm.intro"))

    def heading(section: Section) -> None:
        if len(step.section_ids) > 1:
            st.subheader(section.title, anchor=False)

    acknowledge_items(ctx, token, state, pack, step, heading)
