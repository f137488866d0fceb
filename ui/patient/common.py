"""What every patient screen shares: the style sheet and page script, the header (step, language,
large text), the Back/Next row, the "still there?" timer, and calling a service from a tap.

Buttons act in callbacks (``on_click``): the service call runs before the script, so one tap is
one script run that draws the next screen (a ``st.rerun()`` after the call would draw twice).
A DomainError's message is kept for that run and shown just above the buttons."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import streamlit as st

from checklist import flow
from checklist.flow import DraftState, Step
from checklist.models import Pack
from errors import DomainError
from language.i18n import t
from services import consent as svc
from services import drafts, idle
from services.context import AppContext
from ui.patient_style import css, words_script
from ui.read_aloud import listen_button
from ui.staff_session import ROUTER  # the tab's pages: nothing of the patient

RESUME = "resume"
LANG = "screen_lang"  # the language on screen, for messages raised in callbacks
_LOG = logging.getLogger(__name__)
IDLE_CHECK_SECONDS = 20  # the longest wait between two idle checks
FLASH = "flash"

# --- chrome ------------------------------------------------------------------------------


def chrome(lang: str, large: bool, step_id: str = "") -> None:
    """The style sheet; the page's lang follows the patient's language (screen readers,
    hyphenation); and a new screen starts at its top: after Next at the foot of a long screen,
    the next one must not open at its foot. The script re-runs only when the language or the
    step changes."""
    st.html(
        _Ready(
            css(large)  # one element with the script: a tap sends one element less
            + "<script>"
            f"document.documentElement.lang = {lang!r};"
            f"if (window.__consentStep !== {step_id!r}) {{ window.__consentStep = {step_id!r};"
            " for (const el of document.querySelectorAll('[data-testid=stMain], "
            "[data-testid=stAppViewContainer]')) el.scrollTop = 0; window.scrollTo(0, 0); }"
            "</script>" + words_script(lang)  # Streamlit's own English, in the patient's language
        ),
        unsafe_allow_javascript=True,
    )


class _Ready(str):
    """HTML that is sent as it is: st.html takes ``_repr_html_`` first, so the 15 KB chrome is
    not looked up as a file path and dedented on every run of every tablet."""

    def _repr_html_(self) -> str:
        return str(self)


def flash(msg: str) -> None:
    st.session_state[FLASH] = msg


def show_flash() -> None:
    msg = st.session_state.pop(FLASH, None)
    if msg:
        st.error(msg)


FRESH = "fresh_draft"


def act(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service from a callback; keep a DomainError's message for the screen.

    A draft the service just saved is handed to this run (and only this run), so the screen
    is drawn without reading back what was written a moment ago.
    """
    try:
        result = fn(*args, **kwargs)
    except DomainError as exc:
        flash(str(exc))
        return None
    except Exception as exc:  # a bug must not show a traceback (or personal data) to the patient
        # The type only: an exception's message may quote what the patient typed.
        _LOG.error("patient step %s failed: %s", getattr(fn, "__name__", "?"), type(exc).__name__)
        flash(t(st.session_state.get(LANG, "en"), "patient.error.generic"))
        return None
    if isinstance(result, DraftState):
        st.session_state[FRESH] = result
    return result


def forget_patient() -> None:
    """Nothing of this patient stays on the tablet: session and URL are cleared."""
    for key in list(st.session_state.keys()):
        if key not in ("thanks_until", "thanks_lang", "thanks_large", ROUTER):
            del st.session_state[key]
    st.query_params.clear()


def header(ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step) -> None:
    lang = state.language or "en"
    langs = drafts.languages(ctx)
    n, total = flow.progress(pack, step.id, state.kind)
    # One row (a single block, not three columns: fewer elements a tap); at 1.5x the three do
    # not fit, and the step wraps onto a line of its own below (ui/patient_style.py).
    row = st.container(
        horizontal=True,
        horizontal_alignment="distribute",
        vertical_alignment="center",
        key="patient_header",
    )
    row.markdown(f"**{t(lang, 'patient.progress', n=n, total=total)}**", width="content")
    if len(langs) > 1:

        def switch() -> None:
            new = st.session_state.get("lang_switch")
            if new and new != lang:
                act(svc.set_language, ctx, token, new)

        row.segmented_control(
            t(lang, "app.language"),
            langs,
            default=lang,
            format_func=lambda code: t(code, f"lang.{code}"),
            key="lang_switch",
            on_change=switch,
            label_visibility="collapsed",
            required=True,
            width="content",
        )

    def large() -> None:
        act(svc.set_large_text, ctx, token, bool(st.session_state.get("large_text")))

    row.toggle(
        t(lang, "patient.large_text"),
        value=state.large_text,
        key="large_text",
        on_change=large,
        width="content",
    )
    st.progress(n / total)
    listen_button(lang, step.id + (":decline" if ss("decision") else ""))  # reads what follows


# The prompt floats over the middle of the screen on a dimmed page: a patient who scrolled to
# the foot of a long section still sees it (a box at the top of the page would be off screen).
IDLE_PROMPT_CSS = """<style>
.st-key-idle_prompt { position: fixed; z-index: 999990; left: 50%; top: 40%;
  transform: translate(-50%, -50%); width: min(92vw, 36rem); background: #fff;
  border-radius: 0.75rem; padding: 1.5rem; box-shadow: 0 0 0 100vmax rgba(0, 0, 0, 0.5); }
</style>"""


def _idle_check_seconds(ctx: AppContext) -> float:
    """Look four times per idle period, at most every 20 s and at least every second: the
    default 5 minutes keeps the 20 s timer, a short setting (a test's 0.1 min) still asks and
    clears on time."""
    quarter = ctx.settings.patient_idle_minutes * 60 / 4
    return max(1.0, min(float(IDLE_CHECK_SECONDS), quarter))


def _idle_body(ctx: AppContext, token: str, state: DraftState) -> None:
    status = idle.idle_status(ctx, state)
    if status == "expired":
        # Closed now, or already closed elsewhere: clear. Still open means a newer tap was
        # saved (another tab): the full run below reads it and the timer starts again.
        if idle.close_idle(ctx, token) or drafts.load_draft(ctx, token) is None:
            forget_patient()
        st.rerun(scope="app")
    if status == "ask":
        lang = state.language or "en"
        st.html(IDLE_PROMPT_CSS)
        with st.container(border=True, key="idle_prompt"):
            st.warning(t(lang, "patient.idle.ask"))
            if st.button(
                t(lang, "patient.idle.still_here"),
                type="primary",
                width="stretch",
                key="still_here",
            ):
                act(svc.still_here, ctx, token)
                st.rerun(scope="app")


def idle_watch(ctx: AppContext, token: str, state: DraftState) -> None:
    """After N idle minutes ask "still there?"; after a grace period (a minute, or N when
    shorter) clear the screen and close the draft.

    ``state`` is the draft as of the last full run: the tablet's last activity, with no extra
    database read; the timer's own reruns reuse it, and any tap reruns the whole page.
    """
    every = _idle_check_seconds(ctx)
    watch = _IDLE_FRAGMENTS.get(every)
    if watch is None:  # made once per interval, not on every run
        watch = _IDLE_FRAGMENTS[every] = st.fragment(run_every=every)(_idle_body)
    watch(ctx, token, state)


_IDLE_FRAGMENTS: dict[float, Callable[[AppContext, str, DraftState], None]] = {}


def nav(
    ctx: AppContext,
    token: str,
    lang: str,
    on_next: Callable[[], None],
    *,
    next_key: str = "patient.next",
    on_back: Callable[[], None] | None = None,
    in_form: bool = True,
    next_hint: str | None = None,
) -> None:
    """The message of the last tap (if any), then Back and the big Next, at the screen's foot."""
    show_flash()
    row = st.container(horizontal=True, key="patient_nav")  # Back a third, Next two (CSS)
    if in_form:
        back_button, next_button = row.form_submit_button, row.form_submit_button
    else:  # a screen that saves each tap has no form
        back_button = partial(row.button, key="nav:back")
        next_button = partial(row.button, key="nav:next")
    back_button(
        t(lang, "patient.back"),
        width="stretch",
        on_click=on_back or (lambda: act(svc.go_back, ctx, token)),
    )
    if next_hint:  # not yet: say what opens the way on, where the button will appear
        row.markdown(f"**{next_hint}**")
        return
    next_button(t(lang, next_key), type="primary", width="stretch", on_click=on_next)


def ss(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def in_every_language(langs: list[str], key: str, tag: str, style: str = "", **values: Any) -> str:
    """One text in every language, stacked, each marked with its ``lang`` (screen readers)."""
    seen: dict[str, str] = {}  # a text two languages share (the clinic's name) is shown once
    for code in langs:
        seen.setdefault(t(code, key, **values), code)
    return "".join(
        f"<{tag} lang='{code}' style='{style}'>{html.escape(text)}</{tag}>"
        for text, code in seen.items()
    )
