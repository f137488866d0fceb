"""The patient's kiosk page: which screen the draft is on, and drawing it.

Rules (what a screen needs before the patient may go on, name matching, ink) live in
checklist.flow; every text comes from the message catalog in the patient's language."""

from __future__ import annotations

import streamlit as st

from checklist import flow
from checklist.flow import StepKind
from services import drafts
from services.context import AppContext
from ui.patient.common import (
    FRESH,
    LANG,
    RESUME,
    chrome,
    forget_patient,
    header,
    idle_watch,
    ss,
)
from ui.patient.finish import interpreter_screen, review_screen
from ui.patient.questions import photos_screen, screening_screen, section_screen
from ui.patient.sign import sign_screen, thank_you
from ui.patient.start import details_screen, language_screen
from ui.patient.teach_back import teach_back_screen
from ui.patient.visit import changes_screen, notice, reconfirm_screen


def run(ctx: AppContext) -> None:
    until = st.session_state.get("thanks_until")
    if until is not None:
        thank_you(ctx, until)
        return
    token = st.query_params.get(RESUME)
    fresh = st.session_state.pop(FRESH, None)
    state = (
        fresh if fresh is not None and token else drafts.load_draft(ctx, token) if token else None
    )
    if token and state is None:  # closed, expired or made up: never show anything of it
        forget_patient()
        token = None
    if state is None or not state.language or token is None:
        chrome("en", False)
        language_screen(ctx, token)
        return
    pack = drafts.pack_of(ctx, state)
    lang = state.language
    st.session_state[LANG] = lang
    idle_watch(ctx, token, state)
    step = flow.current_step(state, pack)
    chrome(lang, state.large_text, step.id + (":decline" if ss("decision") else ""))
    header(ctx, token, state, pack, step)
    notice(state)
    if step.kind is StepKind.LANGUAGE:
        language_screen(ctx, token)
    elif step.kind is StepKind.DETAILS:
        details_screen(ctx, token, state, pack)
    elif step.kind is StepKind.SCREENING:
        screening_screen(ctx, token, state, pack, step)
    elif step.kind is StepKind.SECTION:
        section_screen(ctx, token, state, pack, step)
    elif step.kind is StepKind.CHANGES:
        changes_screen(ctx, token, state)
    elif step.kind is StepKind.RECONFIRM:
        reconfirm_screen(ctx, token, state, pack, step)
    elif step.kind is StepKind.TEACH_BACK:
        teach_back_screen(ctx, token, state, pack, step)
    elif step.kind is StepKind.PHOTOS:
        photos_screen(ctx, token, state, pack)
    elif step.kind is StepKind.INTERPRETER:
        interpreter_screen(ctx, token, state)
    elif step.kind is StepKind.REVIEW:
        review_screen(ctx, token, state, pack)
    else:
        sign_screen(ctx, token, state, pack)
