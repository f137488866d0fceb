"""Signing (or refusing) with a finger, and "please hand the tablet back"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from checklist import flow
from checklist.flow import DraftState
from checklist.models import Pack
from errors import DomainError
from language import dates
from language.i18n import t
from language.placeholders import fill
from services import consent as svc
from services import handoff, submission
from services.context import AppContext
from ui.patient.common import (
    act,
    chrome,
    forget_patient,
    nav,
    ss,
)
from ui.signature_pad import signature_pad
from ui.staff_session import tr as staff_tr
from ui.text import shown_as_typed

SIGN_CLOCK_SECONDS = 30
BACK_CONFIRM = "sign:confirm_back"  # Back tapped with a signature drawn: ask first


@st.fragment(run_every=SIGN_CLOCK_SECONDS)
def _sign_clock(ctx: AppContext, lang: str) -> None:
    """The date and time now, in the patient's words; it keeps up while the patient reads (a
    tiny rerun of this line only). The record's signing time is taken when Sign is tapped."""
    local = ctx.clock.now().astimezone(ctx.settings.tz)
    st.markdown(
        t(
            lang,
            "patient.sign.when",
            date=dates.format_date(lang, local.date()),
            time=dates.format_time(lang, local),
            zone=local.tzname() or "",
        )
    )


PADS = ("sig_patient", "sig_interpreter")
HANDBACK_TIME = dt.timedelta(minutes=2)  # the thank-you page waits this long for a witness


def sign_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    declining = ss("decision") == "decline" or not flow.may_sign(state, pack)
    st.header(t(lang, "patient.decline.title" if declining else "patient.sign.title"), anchor=False)
    if declining:
        st.write(fill(pack.refusal_statement, ctx.settings.placeholder_values))
    else:
        _what_is_signed(ctx, state, pack)
        st.write(t(lang, "patient.sign.intro"))
    _sign_clock(ctx, lang)
    with_interpreter = bool(state.interpreter_used and state.interpreter)
    # A refusal gets pads of its own: ink drawn to consent must never sign a refusal.
    pads = ("sig_patient:decline", "sig_interpreter:decline") if declining else PADS

    def drawn(key: str) -> dict[str, Any]:
        value = ss(key)
        sig = value.get("signature") if isinstance(value, dict) else None
        return sig if isinstance(sig, dict) else {}

    def submit() -> None:
        st.session_state.pop(BACK_CONFIRM, None)  # signing answers the question too
        mine, theirs = drawn(pads[0]), drawn(pads[1])
        done = act(
            submission.submit,
            ctx,
            token,
            typed_name=ss("sign:name") or "",
            strokes=mine.get("strokes"),
            png=mine.get("png"),
            pad_size=(mine.get("width") or 0, mine.get("height") or 0),
            decision="decline" if declining else "consent",
            interpreter_strokes=theirs.get("strokes"),
            interpreter_png=theirs.get("png"),
        )
        if done is not None:
            forget_patient()
            st.session_state["thanks_until"] = ctx.clock.now() + dt.timedelta(
                seconds=ctx.settings.thank_you_seconds
            )
            st.session_state["thanks_lang"] = lang
            st.session_state["thanks_large"] = state.large_text  # the thank-you page keeps it
            st.session_state["thanks_consent"] = str(done.id)  # for a witness at hand-back

    def back() -> None:
        # A drawn signature is never lost without asking: Back first asks (BACK_CONFIRM).
        if any(drawn(key).get("strokes") for key in pads):
            st.session_state[BACK_CONFIRM] = True
            return
        go_back()

    def go_back() -> None:
        for key in (BACK_CONFIRM, "decision", *PADS, *(f"{p}:decline" for p in PADS)):
            st.session_state.pop(key, None)
        act(svc.go_back, ctx, token)

    with st.form("sign"):
        st.text_input(t(lang, "patient.sign.typed_name"), key="sign:name", autocomplete="off")
        signature_pad(
            key=pads[0],
            label=t(lang, "patient.sign.pad_label"),
            clear=t(lang, "patient.sign.clear"),
            hint=t(lang, "patient.sign.hint"),
            height=200 if with_interpreter else 240,
        )
        if with_interpreter and state.interpreter:
            st.markdown(
                t(
                    lang,
                    "patient.interpreter.sign_here",
                    name=shown_as_typed(state.interpreter.name_or_id),
                )
            )
            signature_pad(
                key=pads[1],
                label=t(lang, "patient.interpreter.pad_label"),
                clear=t(lang, "patient.sign.clear"),
                height=160,
            )
        nav(
            ctx,
            token,
            lang,
            submit,
            next_key="patient.decline.sign" if declining else "patient.sign.button",
            on_back=back,
        )
    if ss(BACK_CONFIRM):
        _confirm_back(lang, go_back)
    if not declining:
        st.button(
            t(lang, "patient.decline.instead"),
            key="sign:decline",
            on_click=lambda: st.session_state.update(decision="decline"),
        )


def _what_is_signed(ctx: AppContext, state: DraftState, pack: Pack) -> None:
    """A visit signs for its session; a full consent covers a course, whose terms are said."""
    lang = state.language or "en"
    if state.kind == "visit":
        st.markdown(f"**{t(lang, 'patient.sign.visit', session=state.session or '')}**")
        return
    terms = submission.course_terms(ctx, pack)
    until = dates.format_date(lang, terms.valid_until)
    st.markdown(f"**{t(lang, 'patient.sign.course', sessions=terms.sessions, date=until)}**")


def _confirm_back(lang: str, go_back: Callable[[], None]) -> None:
    """Back was tapped after signing: going back clears the signature, so ask first."""
    with st.container(border=True, key="sign_back_confirm"):
        st.warning(t(lang, "patient.sign.back_confirm"))
        stay, leave = st.columns(2)
        stay.button(
            t(lang, "patient.sign.back_stay"),
            key="sign:back_stay",
            type="primary",
            width="stretch",
            on_click=lambda: st.session_state.pop(BACK_CONFIRM, None),
        )
        leave.button(
            t(lang, "patient.sign.back_go"), key="sign:back_go", width="stretch", on_click=go_back
        )


def thank_you(ctx: AppContext, until: dt.datetime) -> None:
    lang = st.session_state.get("thanks_lang", "en")
    chrome(lang, bool(st.session_state.get("thanks_large")))
    st.title(t(lang, "patient.thanks.title"), anchor=False)
    st.markdown(
        f"<p style='font-size:1.6rem'>{t(lang, 'patient.thanks.hand_back')}</p>",
        unsafe_allow_html=True,
    )

    @st.fragment(run_every=max(1, ctx.settings.thank_you_seconds // 3))
    def back_to_start() -> None:
        if ctx.clock.now() >= until:
            st.session_state.clear()
            st.rerun()

    back_to_start()
    st.button(t(lang, "patient.thanks.done"), key="thanks:done", on_click=st.session_state.clear)
    _witness_at_handback(ctx)


def _witness_at_handback(ctx: AppContext) -> None:
    """Staff taking the tablet back who saw the patient sign say so (username and password:
    the tablet holds no staff session). In the clinic's words: staff read it."""
    consent_id = st.session_state.get("thanks_consent")
    if not consent_id:
        return
    done = st.session_state.get("thanks_witness")
    if done:
        st.success(staff_tr("staff.handback.done", name=shown_as_typed(done)))
        return
    if not st.session_state.get("handback_open"):

        def open_form() -> None:
            # Typing a username and password takes longer than the thank-you page waits.
            st.session_state["handback_open"] = True
            st.session_state["thanks_until"] = ctx.clock.now() + HANDBACK_TIME

        st.button(staff_tr("staff.handback.title"), key="thanks:handback", on_click=open_form)
        return
    with st.form("handback", clear_on_submit=True):
        st.caption(staff_tr("staff.handback.explain"))
        username = st.text_input(staff_tr("staff.sign_in.username"), autocomplete="off")
        password = st.text_input(staff_tr("staff.sign_in.password"), type="password")
        if st.form_submit_button(staff_tr("staff.handback.button")):
            try:
                c = handoff.witness_at_handback(
                    ctx, consent_id, username=username, password=password
                )
            except DomainError as exc:
                st.error(str(exc))
            else:
                st.session_state["thanks_witness"] = c.witness.by_name if c.witness else ""
                st.rerun()
