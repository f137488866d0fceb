"""The patient's screens. Each gathers input, calls one service function, shows the outcome.

Rules (what a screen needs before the patient may go on, name matching, ink) live in
checklist.flow; every text comes from the message catalog in the patient's language.

Buttons act in callbacks (``on_click``): the service call runs before the script, so one tap is
one script run that draws the next screen (a ``st.rerun()`` after the call would draw twice).
A DomainError's message is kept for that run and shown just above the buttons.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import streamlit as st

from app_pages.patient_style import css, words_script
from app_pages.signature_pad import signature_pad
from checklist import dates, flow
from checklist.flow import DraftState, Step, StepKind
from checklist.i18n import t
from checklist.models import Answer, Pack, fill
from forms.records import DomainError
from services import consent as svc
from services.context import AppContext

RESUME = "resume"
LANG = "screen_lang"  # the language on screen, for messages raised in callbacks
_LOG = logging.getLogger(__name__)
IDLE_CHECK_SECONDS = 20  # the longest wait between two idle checks
FLASH = "flash"

# --- chrome ------------------------------------------------------------------------------


def _chrome(lang: str, large: bool, step_id: str = "") -> None:
    """The style sheet; the page's lang follows the patient's language (screen readers,
    hyphenation); and a new screen starts at its top: after Next at the foot of a long screen,
    the next one must not open at its foot. The script re-runs only when the language or the
    step changes."""
    st.html(
        css(large)  # one element with the script: a tap sends one element less
        + "<script>"
        f"document.documentElement.lang = {lang!r};"
        f"if (window.__consentStep !== {step_id!r}) {{ window.__consentStep = {step_id!r};"
        " for (const el of document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stAppViewContainer]')) el.scrollTop = 0; window.scrollTo(0, 0); }"
        "</script>" + words_script(lang),  # Streamlit's own English, in the patient's language
        unsafe_allow_javascript=True,
    )


def _flash(msg: str) -> None:
    st.session_state[FLASH] = msg


def _show_flash() -> None:
    msg = st.session_state.pop(FLASH, None)
    if msg:
        st.error(msg)


FRESH = "fresh_draft"


def _act(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service from a callback; keep a DomainError's message for the screen.

    A draft the service just saved is handed to this run (and only this run), so the screen
    is drawn without reading back what was written a moment ago.
    """
    try:
        result = fn(*args, **kwargs)
    except DomainError as exc:
        _flash(str(exc))
        return None
    except Exception as exc:  # a bug must not show a traceback (or personal data) to the patient
        # The type only: an exception's message may quote what the patient typed.
        _LOG.error("patient step %s failed: %s", getattr(fn, "__name__", "?"), type(exc).__name__)
        _flash(t(st.session_state.get(LANG, "en"), "patient.error.generic"))
        return None
    if isinstance(result, DraftState):
        st.session_state[FRESH] = result
    return result


def _forget_patient() -> None:
    """Nothing of this patient stays on the tablet: session and URL are cleared."""
    for key in list(st.session_state.keys()):
        if key not in ("thanks_until", "thanks_lang", "thanks_large"):
            del st.session_state[key]
    st.query_params.clear()


def _header(ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step) -> None:
    lang = state.language or "en"
    langs = svc.languages(ctx)
    n, total = flow.progress(pack, step.id)
    if state.large_text:  # at 1.5x the three do not fit one row: the step gets a line of its own
        mid, right = st.columns([1.25, 1], vertical_alignment="center")
        left = st.container()
    else:
        left, mid, right = st.columns([2, 2.6, 2], vertical_alignment="center")
    left.markdown(f"**{t(lang, 'patient.progress', n=n, total=total)}**")
    if len(langs) > 1:

        def switch() -> None:
            new = st.session_state.get("lang_switch")
            if new and new != lang:
                _act(svc.set_language, ctx, token, new)

        mid.segmented_control(
            t(lang, "app.language"),
            langs,
            default=lang,
            format_func=lambda code: t(code, f"lang.{code}"),
            key="lang_switch",
            on_change=switch,
            label_visibility="collapsed",
            required=True,
        )

    def large() -> None:
        _act(svc.set_large_text, ctx, token, bool(st.session_state.get("large_text")))

    right.toggle(
        t(lang, "patient.large_text"), value=state.large_text, key="large_text", on_change=large
    )
    st.progress(n / total)


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
    status = svc.idle_status(ctx, state)
    if status == "expired":
        # Closed now, or already closed elsewhere: clear. Still open means a newer tap was
        # saved (another tab): the full run below reads it and the timer starts again.
        if svc.close_idle(ctx, token) or svc.load_draft(ctx, token) is None:
            _forget_patient()
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
                _act(svc.still_here, ctx, token)
                st.rerun(scope="app")


def _idle_watch(ctx: AppContext, token: str, state: DraftState) -> None:
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


# --- the page ----------------------------------------------------------------------------


def run(ctx: AppContext) -> None:
    until = st.session_state.get("thanks_until")
    if until is not None:
        thank_you(ctx, until)
        return
    token = st.query_params.get(RESUME)
    fresh = st.session_state.pop(FRESH, None)
    state = fresh if fresh is not None and token else svc.load_draft(ctx, token) if token else None
    if token and state is None:  # closed, expired or made up: never show anything of it
        _forget_patient()
        token = None
    if state is None or not state.language or token is None:
        _chrome("en", False)
        language_screen(ctx, token)
        return
    pack = svc.pack_of(ctx, state)
    lang = state.language
    st.session_state[LANG] = lang
    _idle_watch(ctx, token, state)
    ids = {s.id for s in flow.steps_for(pack)}
    step = (
        flow.step_by_id(pack, state.step)
        if state.step in ids
        else flow.first_incomplete(state, pack)
    )
    _chrome(lang, state.large_text, step.id + (":decline" if _ss("decision") else ""))
    _header(ctx, token, state, pack, step)
    if step.kind is StepKind.LANGUAGE:
        language_screen(ctx, token)
    elif step.kind is StepKind.DETAILS:
        details_screen(ctx, token, state, pack)
    elif step.kind is StepKind.SCREENING:
        screening_screen(ctx, token, state, pack, step)
    elif step.kind is StepKind.SECTION:
        section_screen(ctx, token, state, pack, step)
    elif step.kind is StepKind.PHOTOS:
        photos_screen(ctx, token, state, pack)
    elif step.kind is StepKind.INTERPRETER:
        interpreter_screen(ctx, token, state)
    elif step.kind is StepKind.REVIEW:
        review_screen(ctx, token, state, pack)
    else:
        sign_screen(ctx, token, state, pack)


def _nav(
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
    _show_flash()
    back, go = st.columns([1, 2])
    if in_form:
        back_button, next_button = back.form_submit_button, go.form_submit_button
    else:  # a screen that saves each tap has no form
        back_button = partial(back.button, key="nav:back")
        next_button = partial(go.button, key="nav:next")
    back_button(
        t(lang, "patient.back"),
        width="stretch",
        on_click=on_back or (lambda: _act(svc.go_back, ctx, token)),
    )
    if next_hint:  # not yet: say what opens the way on, where the button will appear
        go.markdown(f"**{next_hint}**")
        return
    next_button(t(lang, next_key), type="primary", width="stretch", on_click=on_next)


def _ss(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


# --- screens -----------------------------------------------------------------------------


def _in_every_language(langs: list[str], key: str, tag: str, style: str = "", **values: Any) -> str:
    """One text in every language, stacked, each marked with its ``lang`` (screen readers)."""
    seen: dict[str, str] = {}  # a text two languages share (the clinic's name) is shown once
    for code in langs:
        seen.setdefault(t(code, key, **values), code)
    return "".join(
        f"<{tag} lang='{code}' style='{style}'>{html.escape(text)}</{tag}>"
        for text, code in seen.items()
    )


def language_screen(ctx: AppContext, token: str | None) -> None:
    langs = svc.languages(ctx)
    # No language is chosen yet: the welcome is in every language, each in its own words.
    st.markdown(
        _in_every_language(
            langs,
            "app.title",
            "p",
            "font-size:1.3rem;font-weight:600;margin:0",
            clinic_name=ctx.settings.clinic_name,
        )
        + "<h1 style='padding:0.25rem 0 0;margin:0'>"
        + _in_every_language(langs, "patient.language.welcome", "span", "display:block")
        + "</h1>",
        unsafe_allow_html=True,
    )
    for code in langs:
        st.markdown(
            f"<p lang='{code}' style='font-size:1.4rem;margin:0'>"
            f"{t(code, 'patient.language.prompt')}</p>",
            unsafe_allow_html=True,
        )

    def choose(code: str) -> None:
        new = _act(svc.choose_language, ctx, token, code)
        if new:
            st.query_params[RESUME] = new

    _show_flash()
    for code in langs:
        st.button(
            t(code, f"lang.{code}"),
            key=f"lang_{code}",
            type="primary",
            width="stretch",
            on_click=choose,
            args=(code,),
        )


def _site_label(lang: str, site: str) -> str:
    return t(lang, f"patient.site.{site}") if site in flow.SITE_CHOICES else site


def _date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if not (year and month and day):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def details_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.details.title"), anchor=False)
    st.write(t(lang, "patient.details.intro"))
    today = ctx.clock.now().astimezone(ctx.settings.tz).date()
    years = flow.birth_years(today)  # from the 120-year rule itself: no year it refuses
    dob = state.date_of_birth
    sites = list(flow.SITE_CHOICES)
    if state.site and state.site not in sites:  # staff typed the site when handing over
        sites.append(state.site)
    choose = t(lang, "patient.details.choose")

    def submit() -> None:
        year, month, day = _ss("details:year"), _ss("details:month"), _ss("details:day")
        if not _ss("details:confirm"):
            _flash(t(lang, "patient.missing.details"))
            return
        born = _date(year, month, day)
        if born is None and (year or month or day):
            _flash(t(lang, "patient.details.dob_invalid"))
            return
        _act(
            svc.confirm_details,
            ctx,
            token,
            legal_name=_ss("details:name") or "",
            date_of_birth=born,
            mrn=_ss("details:mrn"),
            site=_ss("details:site") or "",
        )

    with st.form("details"):
        st.text_input(
            t(lang, "patient.details.name"),
            value=state.legal_name,
            max_chars=flow.MAX_NAME,
            key="details:name",
            autocomplete="off",
        )
        st.markdown(f"**{t(lang, 'patient.details.dob')}**")
        if state.large_text:  # 1.5x words need the room: the month gets a line of its own
            c1, (c2, c3) = st.container(), st.columns(2)
        else:
            c1, c2, c3 = st.columns([1.8, 1.3, 1.5])
        c1.selectbox(
            t(lang, "patient.details.month"),
            list(range(1, 13)),
            index=dob.month - 1 if dob else None,
            format_func=lambda m: t(lang, f"patient.month.{m}"),
            placeholder=choose,
            key="details:month",
        )
        c2.selectbox(
            t(lang, "patient.details.day"),
            list(range(1, 32)),
            index=dob.day - 1 if dob else None,
            placeholder=choose,
            key="details:day",
        )
        c3.selectbox(
            t(lang, "patient.details.year"),
            years,
            index=years.index(dob.year) if dob and dob.year in years else None,
            placeholder=choose,
            key="details:year",
        )
        if ctx.settings.require_mrn:
            st.text_input(
                t(lang, "patient.details.mrn"),
                value=state.mrn or "",
                key="details:mrn",
                help=t(lang, "patient.details.mrn_help"),
            )
        st.markdown(f"**{t(lang, 'patient.details.procedure')}** {pack.procedure}")
        st.radio(
            t(lang, "patient.details.site"),
            sites,
            index=sites.index(state.site) if state.site in sites else None,
            format_func=lambda s: _site_label(lang, s),
            key="details:site",
        )
        st.checkbox(
            t(lang, "patient.details.confirm"), value=state.details_confirmed, key="details:confirm"
        )
        _nav(ctx, token, lang, submit)


ANSWERS = [Answer.YES.value, Answer.NO.value, Answer.NOT_SURE.value]


def screening_screen(
    ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step
) -> None:
    lang = state.language or "en"
    st.header(pack.screening.title, anchor=False)
    if step.id == "screening-1":
        st.write(pack.screening.intro)
    st.info(t(lang, "patient.screening.reassure"))

    def answers() -> dict[str, Any]:
        return {qid: _ss(f"q:{qid}") for qid in step.question_ids}

    def save() -> None:  # each answer is saved as it is tapped: no form on this screen
        _act(svc.answer_screening, ctx, token, answers(), advance=False)

    def submit() -> None:
        _act(svc.answer_screening, ctx, token, answers())

    for qid in step.question_ids:
        q = pack.question(qid)
        old = state.screening.get(qid)
        st.radio(
            q.text,
            ANSWERS,
            index=ANSWERS.index(old.answer.value) if old else None,
            format_func=lambda a: t(lang, f"patient.answer.{a}"),
            horizontal=True,
            key=f"q:{qid}",
            help=q.help,
            on_change=save,
        )
    _nav(ctx, token, lang, submit, in_form=False)


def _item_text(ctx: AppContext, lang: str, item: Any) -> str:
    text = fill(item.text, ctx.settings.placeholder_values)
    extra = []
    if item.frequency:
        extra.append(t(lang, f"patient.frequency.{item.frequency.value}"))
    if item.figure:
        extra.append(fill(item.figure, ctx.settings.placeholder_values))
    if item.urgency:
        extra.append(t(lang, f"patient.urgency.{item.urgency.value}"))
    return text + (f"  \n*{' · '.join(extra)}*" if extra else "")


def section_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step) -> None:
    """No form here: each "I understand" and the question are saved as they are tapped (with
    the tap's time), so a reload half-way down a long section keeps every tick."""
    lang = state.language or "en"
    values = ctx.settings.placeholder_values

    def answers() -> dict[str, Any]:
        ticked = {
            i.id: bool(_ss(f"ack:{i.id}"))
            for sid in step.section_ids
            for i in pack.section(sid).items
        }
        questions = {}
        for sid in step.section_ids:
            note = _ss(f"note:{sid}") or ""
            questions[sid] = (bool(_ss(f"ask:{sid}")) or bool(note.strip()), note)
        return {"ticked": ticked, "questions": questions}

    def save() -> None:
        _act(svc.acknowledge_section, ctx, token, **answers(), advance=False)

    def submit() -> None:
        _act(svc.acknowledge_section, ctx, token, **answers())

    for sid in step.section_ids:
        section = pack.section(sid)
        st.header(section.title, anchor=False)
        if section.intro:
            st.write(fill(section.intro, values))
        for item in section.items:
            with st.container(border=True):
                st.markdown(_item_text(ctx, lang, item))
                st.checkbox(
                    t(lang, "patient.section.understand"),
                    value=item.id in state.acknowledged,
                    key=f"ack:{item.id}",
                    on_change=save,
                )
        old = state.questions.get(sid)
        st.checkbox(
            t(lang, "patient.section.question"),
            value=old is not None,
            key=f"ask:{sid}",
            on_change=save,
        )
        st.text_input(
            t(lang, "patient.section.question_note"),
            value=old.note if old else "",
            key=f"note:{sid}",
            max_chars=2000,
            on_change=save,
        )
    _nav(ctx, token, lang, submit, in_form=False)


def photos_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    st.header(pack.photo_consent.title, anchor=False)
    st.write(fill(pack.photo_consent.text, ctx.settings.placeholder_values))
    st.write(t(lang, "patient.photos.separate"))
    options = ["yes", "no"]
    current = None if state.photo_consent is None else ("yes" if state.photo_consent else "no")

    def submit() -> None:
        choice = _ss("photos:choice")
        _act(svc.answer_photos, ctx, token, None if choice is None else choice == "yes")

    with st.form("photos"):
        st.radio(
            t(lang, "patient.photos.question"),
            options,
            index=options.index(current) if current else None,
            format_func=lambda a: t(lang, f"patient.photos.{a}"),
            key="photos:choice",
        )
        _nav(ctx, token, lang, submit)


MODES = ["in_person", "phone", "video"]
YES_NO = ["yes", "no"]  # Yes first, as on every yes/no question of the app


def interpreter_screen(ctx: AppContext, token: str, state: DraftState) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.interpreter.title"), anchor=False)
    st.write(t(lang, "patient.interpreter.intro"))
    used = None if state.interpreter_used is None else ("yes" if state.interpreter_used else "no")
    it = state.interpreter

    def submit() -> None:
        choice = _ss("interp:used")
        _act(
            svc.record_interpreter,
            ctx,
            token,
            used=None if choice is None else choice == "yes",
            name_or_id=_ss("interp:name") or "",
            language=_ss("interp:lang") or "",
            mode=_ss("interp:mode"),
        )

    # Outside the form: answering Yes shows the interpreter's fields at once; after No (or no
    # answer yet) there is nothing about an interpreter to fill in, and no language is filled.
    choice = st.radio(
        t(lang, "patient.interpreter.question"),
        YES_NO,
        index=YES_NO.index(used) if used else None,
        format_func=lambda a: t(lang, f"patient.interpreter.{a}"),
        key="interp:used",
    )
    with st.form("interpreter"):
        if choice == "yes":
            st.text_input(
                t(lang, "patient.interpreter.name"),
                value=it.name_or_id if it else "",
                key="interp:name",
                max_chars=200,
            )
            st.text_input(
                t(lang, "patient.interpreter.language"),
                value=it.language if it else t(lang, f"lang.{lang}"),  # the usual case
                key="interp:lang",
                max_chars=40,
            )
            st.radio(
                t(lang, "patient.interpreter.mode"),
                MODES,
                index=MODES.index(it.mode) if it else None,
                horizontal=True,
                format_func=lambda m: t(lang, f"patient.interpreter.mode.{m}"),
                key="interp:mode",
            )
        _nav(ctx, token, lang, submit)


def _answer_word(lang: str, value: bool | None, yes: str, no: str) -> str:
    if value is None:
        return t(lang, "patient.review.not_answered")
    return t(lang, yes if value else no)


def _decline(ctx: AppContext, token: str) -> None:
    if _act(svc.go_to_decline, ctx, token) is not None:
        st.session_state["decision"] = "decline"


def review_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.review.title"), anchor=False)
    missing = flow.missing_before_signing(
        state.model_copy(update={"certified_at": ctx.clock.now()}), pack
    )

    def part(title: str, lines: list[str], step_id: str, *, listed: bool = False) -> None:
        """One part of the form, once, with what was answered under it and its Change button."""
        with st.container(border=True):
            # Large text: the Change button needs more room, or its word breaks in two.
            c1, c2 = st.columns(
                [3, 1.6] if state.large_text else [4, 1.3], vertical_alignment="top"
            )
            c1.markdown(f"**{title}**")
            c1.markdown("\n".join(f"- {line}" for line in lines) if listed else "  \n".join(lines))
            c2.button(
                t(lang, "patient.review.change"),
                key=f"change:{step_id}",
                width="stretch",
                on_click=lambda: _act(svc.go_to, ctx, token, step_id),
            )

    dob = dates.format_date(lang, state.date_of_birth) if state.date_of_birth else ""
    part(
        t(lang, "patient.review.details"),
        [
            state.legal_name,
            t(lang, "patient.review.born", date=dob),
            pack.procedure,
            _site_label(lang, state.site),
        ],
        "details",
    )
    steps = flow.steps_for(pack)
    # The health questions are asked over several screens but are one part of the form: one
    # heading, every answer under it, Change goes back to the first of them.
    screening = [s for s in steps if s.kind is StepKind.SCREENING]
    lines = []
    for q in (q for step in screening for q in step.question_ids):
        answer = state.screening.get(q)
        word = (  # no-break spaces: "No lo sé" never splits over two lines
            f"**{t(lang, 'patient.answer.' + answer.answer.value).replace(' ', chr(0xA0))}**"
            if answer
            else t(lang, "patient.review.not_answered")
        )
        lines.append(f"{pack.question(q).text} — {word}")
    if screening:
        part(pack.screening.title, lines, screening[0].id, listed=True)
    for step in (s for s in steps if s.kind is StepKind.SECTION):
        items = [i for sid in step.section_ids for i in pack.section(sid).items]
        done = sum(1 for i in items if i.id in state.acknowledged)
        titles = " / ".join(pack.section(sid).title for sid in step.section_ids)
        lines = [t(lang, "patient.review.understood", done=done, total=len(items))]
        lines += [
            t(lang, "patient.review.asked") + (f": {_plain(q.note)}" if q.note else "")
            for sid, q in state.questions.items()
            if sid in step.section_ids
        ]
        part(titles, lines, step.id)
    part(
        pack.photo_consent.title,
        [_answer_word(lang, state.photo_consent, "patient.photos.yes", "patient.photos.no")],
        "photos",
    )
    if state.interpreter_used is False:
        interp = [t(lang, "patient.interpreter.no")]
    elif state.interpreter:
        mode = t(lang, "patient.interpreter.mode." + state.interpreter.mode)
        interp = [f"{state.interpreter.name_or_id} · {state.interpreter.language} · {mode}"]
    else:
        interp = [t(lang, "patient.review.not_answered")]
    part(t(lang, "patient.interpreter.title"), interp, "interpreter")
    if missing:
        st.warning(t(lang, "patient.review.incomplete", count=len(missing)))
    # No form: ticking redraws the screen, and "Go to sign" appears only once it is ticked.
    certified = st.checkbox(
        fill(pack.certification, ctx.settings.placeholder_values),
        value=state.certified_at is not None,
        key="review:certify",
    )
    _nav(
        ctx,
        token,
        lang,
        lambda: _act(svc.certify, ctx, token, bool(_ss("review:certify"))),
        next_key="patient.review.to_sign",
        in_form=False,
        next_hint=None if certified else t(lang, "patient.review.tick_to_sign"),
    )
    st.divider()
    st.write(t(lang, "patient.decline.offer"))
    st.button(
        t(lang, "patient.decline.button"),
        key="review:decline",
        on_click=_decline,
        args=(ctx, token),
    )


SIGN_CLOCK_SECONDS = 30


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


def sign_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    declining = _ss("decision") == "decline" or not flow.may_sign(state, pack)
    st.header(t(lang, "patient.decline.title" if declining else "patient.sign.title"), anchor=False)
    if declining:
        st.write(fill(pack.refusal_statement, ctx.settings.placeholder_values))
    else:
        st.write(t(lang, "patient.sign.intro"))
    _sign_clock(ctx, lang)
    with_interpreter = bool(state.interpreter_used and state.interpreter)

    def drawn(key: str) -> dict[str, Any]:
        value = _ss(key)
        sig = value.get("signature") if isinstance(value, dict) else None
        return sig if isinstance(sig, dict) else {}

    def submit() -> None:
        mine, theirs = drawn("sig_patient"), drawn("sig_interpreter")
        done = _act(
            svc.submit,
            ctx,
            token,
            typed_name=_ss("sign:name") or "",
            strokes=mine.get("strokes"),
            png=mine.get("png"),
            pad_size=(mine.get("width") or 0, mine.get("height") or 0),
            decision="decline" if declining else "consent",
            interpreter_strokes=theirs.get("strokes"),
            interpreter_png=theirs.get("png"),
        )
        if done is not None:
            _forget_patient()
            st.session_state["thanks_until"] = ctx.clock.now() + dt.timedelta(
                seconds=ctx.settings.thank_you_seconds
            )
            st.session_state["thanks_lang"] = lang
            st.session_state["thanks_large"] = state.large_text  # the thank-you page keeps it

    def back() -> None:
        st.session_state.pop("decision", None)
        _act(svc.go_back, ctx, token)

    with st.form("sign"):
        st.text_input(t(lang, "patient.sign.typed_name"), key="sign:name", autocomplete="off")
        signature_pad(
            key="sig_patient",
            label=t(lang, "patient.sign.pad_label"),
            clear=t(lang, "patient.sign.clear"),
            hint=t(lang, "patient.sign.hint"),
            height=200 if with_interpreter else 240,
        )
        if with_interpreter and state.interpreter:
            st.markdown(t(lang, "patient.interpreter.sign_here", name=state.interpreter.name_or_id))
            signature_pad(
                key="sig_interpreter",
                label=t(lang, "patient.interpreter.pad_label"),
                clear=t(lang, "patient.sign.clear"),
                height=160,
            )
        _nav(
            ctx,
            token,
            lang,
            submit,
            next_key="patient.decline.sign" if declining else "patient.sign.button",
            on_back=back,
        )
    if not declining:
        st.button(
            t(lang, "patient.decline.instead"),
            key="sign:decline",
            on_click=lambda: st.session_state.update(decision="decline"),
        )


def thank_you(ctx: AppContext, until: dt.datetime) -> None:
    lang = st.session_state.get("thanks_lang", "en")
    _chrome(lang, bool(st.session_state.get("thanks_large")))
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


def _plain(text: str) -> str:
    """A patient's own words shown as typed: Markdown and HTML characters escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$])", r"\\\1", text)
