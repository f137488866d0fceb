"""The patient's screens. Each gathers input, calls one service function, shows the outcome.

Rules (what a screen needs before the patient may go on, name matching, ink) live in
checklist.flow; every text comes from the message catalog in the patient's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from app_pages.signature_pad import signature_pad
from checklist import flow
from checklist.flow import DraftState, Step, StepKind
from checklist.i18n import t
from checklist.models import Answer, Pack, fill
from forms.records import DomainError
from services import consent as svc
from services.context import AppContext

RESUME = "resume"
IDLE_CHECK_SECONDS = 20

BASE_CSS = """
<style>
.stApp { font-size: 1.15rem; }
.stButton button, .stFormSubmitButton button { min-height: 52px; min-width: 120px; font-size: 1.1rem; }
.stButton button[kind="primary"], .stFormSubmitButton button[kind="primaryFormSubmit"],
.stButton button[kind="primary"]:hover, .stFormSubmitButton button[kind="primaryFormSubmit"]:hover {
  background-color: #1f4e79; border-color: #1f4e79; color: #fff; }
.stCheckbox label, .stRadio label { min-height: 44px; display: flex; align-items: center; }
.stRadio [role="radiogroup"] { gap: 0.25rem 1.5rem; }
div[data-baseweb="select"] > div { min-height: 48px; }
.stTextInput input { min-height: 44px; font-size: 1.1rem; }
[data-testid="stHeader"] { display: none; }
.block-container { padding-top: 1.2rem; }
a { color: #0b4f9c; }
</style>
"""
LARGE_CSS = """
<style>
html { font-size: 150%; }
.stApp, .stMarkdown p, .stCheckbox label p, .stRadio label p, label p { font-size: 1.5rem !important; }
</style>
"""


# --- chrome ------------------------------------------------------------------------------


def _style(large: bool) -> None:
    st.html(BASE_CSS + (LARGE_CSS if large else ""))


def _set_lang(lang: str) -> None:
    # The page's lang attribute follows the patient's language (screen readers, hyphenation).
    st.html(
        f"<script>document.documentElement.lang = {lang!r};</script>",
        unsafe_allow_javascript=True,
    )


def _flash(msg: str) -> None:
    st.session_state["flash"] = msg


def _show_flash() -> None:
    msg = st.session_state.pop("flash", None)
    if msg:
        st.error(msg)


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service; show a DomainError's message instead of a traceback."""
    try:
        return fn(*args, **kwargs)
    except DomainError as exc:
        st.error(str(exc))
        return None


def _forget_patient() -> None:
    """Nothing of this patient stays on the tablet: session and URL are cleared."""
    for key in list(st.session_state.keys()):
        if key != "thanks_until":
            del st.session_state[key]
    st.query_params.clear()


def _header(ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step) -> None:
    lang = state.language or "en"
    langs = svc.languages(ctx)
    n, total = flow.progress(pack, step.id)
    left, mid, right = st.columns([2, 2, 2], vertical_alignment="center")
    left.markdown(f"**{t(lang, 'patient.progress', n=n, total=total)}**")
    if len(langs) > 1:

        def switch() -> None:
            new = st.session_state.get("lang_switch")
            if new and new != lang:
                try:
                    svc.set_language(ctx, token, new)
                except DomainError as exc:
                    _flash(str(exc))

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
        try:
            svc.set_large_text(ctx, token, bool(st.session_state.get("large_text")))
        except DomainError as exc:
            _flash(str(exc))

    right.toggle(
        t(lang, "patient.large_text"), value=state.large_text, key="large_text", on_change=large
    )
    st.progress(n / total)


@st.fragment(run_every=IDLE_CHECK_SECONDS)
def _idle_watch(ctx: AppContext, token: str) -> None:
    """After N idle minutes ask "still there?"; a minute later clear the screen and close the draft."""
    state = svc.load_draft(ctx, token)
    if state is None:
        _forget_patient()
        st.rerun()
    status = svc.idle_status(ctx, state)
    if status == "expired":
        svc.close_idle(ctx, token)
        _forget_patient()
        st.rerun()
    if status == "ask":
        lang = state.language or "en"
        with st.container(border=True):
            st.warning(t(lang, "patient.idle.ask"))
            if st.button(t(lang, "patient.idle.still_here"), type="primary", key="still_here"):
                _call(svc.still_here, ctx, token)
                st.rerun()


# --- the page ----------------------------------------------------------------------------


def run(ctx: AppContext) -> None:
    now = ctx.clock.now()
    until = st.session_state.get("thanks_until")
    if until is not None:
        thank_you(ctx, until)
        return
    token = st.query_params.get(RESUME)
    state = svc.load_draft(ctx, token) if token else None
    if token and state is None:  # closed, expired or made up: never show anything of it
        _forget_patient()
        token = None
    if state is None or not state.language or token is None:
        _style(False)
        _set_lang("en")
        language_screen(ctx, token)
        return
    pack = svc.pack_of(ctx, state)
    lang = state.language
    _style(state.large_text)
    _set_lang(lang)
    _idle_watch(ctx, token)
    step = (
        flow.step_by_id(pack, state.step)
        if state.step in {s.id for s in flow.steps_for(pack)}
        else flow.first_incomplete(state, pack)
    )
    _header(ctx, token, state, pack, step)
    _show_flash()
    screen = {
        StepKind.LANGUAGE: lambda: language_screen(ctx, token),
        StepKind.DETAILS: lambda: details_screen(ctx, token, state, pack, now),
        StepKind.SCREENING: lambda: screening_screen(ctx, token, state, pack, step),
        StepKind.SECTION: lambda: section_screen(ctx, token, state, pack, step),
        StepKind.PHOTOS: lambda: photos_screen(ctx, token, state, pack),
        StepKind.INTERPRETER: lambda: interpreter_screen(ctx, token, state),
        StepKind.REVIEW: lambda: review_screen(ctx, token, state, pack),
        StepKind.SIGN: lambda: sign_screen(ctx, token, state, pack, now),
    }[step.kind]
    screen()


def _moved(result: Any) -> None:
    if result is not None:
        st.rerun()


def _nav(lang: str, *, back: bool = True, next_key: str = "patient.next") -> tuple[bool, bool]:
    """Back and Next at the bottom of a form; Next is the big one."""
    cols = st.columns([1, 2]) if back else [None, st.container()]
    went_back = bool(back and cols[0].form_submit_button(t(lang, "patient.back"), width="stretch"))
    went_on = cols[1].form_submit_button(t(lang, next_key), type="primary", width="stretch")
    return went_back, went_on


# --- screens -----------------------------------------------------------------------------


def language_screen(ctx: AppContext, token: str | None) -> None:
    langs = svc.languages(ctx)
    st.title(t("en", "app.title", clinic_name=ctx.settings.clinic_name))
    for code in langs:
        st.markdown(
            f"<p lang='{code}' style='font-size:1.4rem;margin:0'>{t(code, 'patient.language.prompt')}</p>",
            unsafe_allow_html=True,
        )
    for code in langs:
        if st.button(t(code, f"lang.{code}"), key=f"lang_{code}", type="primary", width="stretch"):
            new = _call(svc.choose_language, ctx, token, code)
            if new:
                st.query_params[RESUME] = new
                st.rerun()


def _site_label(lang: str, site: str) -> str:
    return t(lang, f"patient.site.{site}") if site in flow.SITE_CHOICES else site


def details_screen(
    ctx: AppContext, token: str, state: DraftState, pack: Pack, now: dt.datetime
) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.details.title"))
    st.write(t(lang, "patient.details.intro"))
    today = now.astimezone(ctx.settings.tz).date()
    years = list(range(today.year, today.year - flow.MAX_AGE_YEARS - 1, -1))
    dob = state.date_of_birth
    sites = list(flow.SITE_CHOICES) + (
        [state.site] if state.site and state.site not in flow.SITE_CHOICES else []
    )
    with st.form("details"):
        name = st.text_input(
            t(lang, "patient.details.name"),
            value=state.legal_name,
            max_chars=flow.MAX_NAME,
            key="details:name",
            autocomplete="off",
        )
        st.markdown(f"**{t(lang, 'patient.details.dob')}**")
        c1, c2, c3 = st.columns([2, 1, 1.4])
        month = c1.selectbox(
            t(lang, "patient.details.month"),
            list(range(1, 13)),
            index=dob.month - 1 if dob else None,
            format_func=lambda m: t(lang, f"patient.month.{m}"),
            placeholder=t(lang, "patient.details.choose"),
            key="details:month",
        )
        day = c2.selectbox(
            t(lang, "patient.details.day"),
            list(range(1, 32)),
            index=dob.day - 1 if dob else None,
            placeholder=t(lang, "patient.details.choose"),
            key="details:day",
        )
        year = c3.selectbox(
            t(lang, "patient.details.year"),
            years,
            index=years.index(dob.year) if dob and dob.year in years else None,
            placeholder=t(lang, "patient.details.choose"),
            key="details:year",
        )
        mrn = None
        if ctx.settings.require_mrn:
            mrn = st.text_input(
                t(lang, "patient.details.mrn"),
                value=state.mrn or "",
                key="details:mrn",
                help=t(lang, "patient.details.mrn_help"),
            )
        st.markdown(f"**{t(lang, 'patient.details.procedure')}** {pack.procedure}")
        site = st.radio(
            t(lang, "patient.details.site"),
            sites,
            index=sites.index(state.site) if state.site in sites else None,
            format_func=lambda s: _site_label(lang, s),
            key="details:site",
        )
        confirmed = st.checkbox(
            t(lang, "patient.details.confirm"), value=state.details_confirmed, key="details:confirm"
        )
        back, go = _nav(lang)
    if back:
        _moved(_call(svc.go_back, ctx, token))
    if go:
        if not confirmed:
            st.error(t(lang, "patient.missing.details"))
            return
        born = _date(year, month, day)
        if born is None and (year or month or day):
            st.error(t(lang, "patient.details.dob_invalid"))
            return
        _moved(
            _call(
                svc.confirm_details,
                ctx,
                token,
                legal_name=name or "",
                date_of_birth=born,
                mrn=mrn,
                site=site or "",
            )
        )


def _date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if not (year and month and day):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


ANSWERS = [Answer.YES.value, Answer.NO.value, Answer.NOT_SURE.value]


def screening_screen(
    ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step
) -> None:
    lang = state.language or "en"
    st.header(pack.screening.title)
    if step.id == "screening-1":
        st.write(pack.screening.intro)
    st.info(t(lang, "patient.screening.reassure"))
    answers: dict[str, str | None] = {}
    with st.form(step.id):
        for qid in step.question_ids:
            q = pack.question(qid)
            old = state.screening.get(qid)
            answers[qid] = st.radio(
                q.text,
                ANSWERS,
                index=ANSWERS.index(old.answer.value) if old else None,
                format_func=lambda a: t(lang, f"patient.answer.{a}"),
                horizontal=True,
                key=f"q:{qid}",
                help=q.help,
            )
        back, go = _nav(lang)
    if back:
        _moved(_call(svc.go_back, ctx, token))
    if go:
        _moved(_call(svc.answer_screening, ctx, token, answers))


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
    lang = state.language or "en"
    ticked: dict[str, bool] = {}
    questions: dict[str, tuple[bool, str]] = {}
    with st.form(step.id):
        for sid in step.section_ids:
            section = pack.section(sid)
            st.header(section.title)
            if section.intro:
                st.write(fill(section.intro, ctx.settings.placeholder_values))
            for item in section.items:
                with st.container(border=True):
                    st.markdown(_item_text(ctx, lang, item))
                    ticked[item.id] = st.checkbox(
                        t(lang, "patient.section.understand"),
                        value=item.id in state.acknowledged,
                        key=f"ack:{item.id}",
                    )
            old = state.questions.get(sid)
            asked = st.checkbox(
                t(lang, "patient.section.question"), value=old is not None, key=f"ask:{sid}"
            )
            note = st.text_input(
                t(lang, "patient.section.question_note"),
                value=old.note if old else "",
                key=f"note:{sid}",
                max_chars=2000,
            )
            questions[sid] = (asked or bool(note.strip()), note)
        back, go = _nav(lang)
    if back:
        _moved(_call(svc.go_back, ctx, token))
    if go:
        _moved(_call(svc.acknowledge_section, ctx, token, ticked=ticked, questions=questions))


def photos_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    st.header(pack.photo_consent.title)
    st.write(fill(pack.photo_consent.text, ctx.settings.placeholder_values))
    st.caption(t(lang, "patient.photos.separate"))
    options = ["yes", "no"]
    current = None if state.photo_consent is None else ("yes" if state.photo_consent else "no")
    with st.form("photos"):
        choice = st.radio(
            t(lang, "patient.photos.question"),
            options,
            index=options.index(current) if current else None,
            format_func=lambda a: t(lang, f"patient.photos.{a}"),
            key="photos:choice",
        )
        back, go = _nav(lang)
    if back:
        _moved(_call(svc.go_back, ctx, token))
    if go:
        _moved(_call(svc.answer_photos, ctx, token, None if choice is None else choice == "yes"))


MODES = ["in_person", "phone", "video"]


def interpreter_screen(ctx: AppContext, token: str, state: DraftState) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.interpreter.title"))
    st.write(t(lang, "patient.interpreter.intro"))
    used = None if state.interpreter_used is None else ("yes" if state.interpreter_used else "no")
    it = state.interpreter
    with st.form("interpreter"):
        choice = st.radio(
            t(lang, "patient.interpreter.question"),
            ["no", "yes"],
            index=["no", "yes"].index(used) if used else None,
            format_func=lambda a: t(lang, f"patient.interpreter.{a}"),
            key="interp:used",
        )
        st.caption(t(lang, "patient.interpreter.if_yes"))
        name = st.text_input(
            t(lang, "patient.interpreter.name"),
            value=it.name_or_id if it else "",
            key="interp:name",
            max_chars=200,
        )
        language = st.text_input(
            t(lang, "patient.interpreter.language"),
            value=it.language if it else t(lang, f"lang.{lang}"),
            key="interp:lang",
            max_chars=40,
        )
        mode = st.radio(
            t(lang, "patient.interpreter.mode"),
            MODES,
            index=MODES.index(it.mode) if it else None,
            horizontal=True,
            format_func=lambda m: t(lang, f"patient.interpreter.mode.{m}"),
            key="interp:mode",
        )
        back, go = _nav(lang)
    if back:
        _moved(_call(svc.go_back, ctx, token))
    if go:
        _moved(
            _call(
                svc.record_interpreter,
                ctx,
                token,
                used=None if choice is None else choice == "yes",
                name_or_id=name or "",
                language=language or "",
                mode=mode,
            )
        )


def _answer_word(lang: str, value: bool | None, yes: str, no: str) -> str:
    return (
        t(lang, "patient.review.not_answered") if value is None else t(lang, yes if value else no)
    )


def review_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.review.title"))
    missing = flow.missing_before_signing(
        state.model_copy(update={"certified_at": ctx.clock.now()}), pack
    )

    def part(title: str, lines: list[str], step_id: str) -> None:
        with st.container(border=True):
            c1, c2 = st.columns([4, 1.3], vertical_alignment="center")
            c1.markdown(f"**{title}**  \n" + "  \n".join(lines))
            if c2.button(
                t(lang, "patient.review.change"), key=f"change:{step_id}", width="stretch"
            ):
                _moved(_call(svc.go_to, ctx, token, step_id))

    dob = state.date_of_birth.strftime("%Y-%m-%d") if state.date_of_birth else ""
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
    for step in (s for s in steps if s.kind is StepKind.SCREENING):
        lines = [
            f"{pack.question(q).text} — **{t(lang, 'patient.answer.' + state.screening[q].answer.value)}**"
            if q in state.screening
            else f"{pack.question(q).text} — {t(lang, 'patient.review.not_answered')}"
            for q in step.question_ids
        ]
        part(pack.screening.title, lines, step.id)
    for step in (s for s in steps if s.kind is StepKind.SECTION):
        items = [i for sid in step.section_ids for i in pack.section(sid).items]
        done = sum(1 for i in items if i.id in state.acknowledged)
        titles = " / ".join(pack.section(sid).title for sid in step.section_ids)
        lines = [t(lang, "patient.review.understood", done=done, total=len(items))]
        lines += [
            t(lang, "patient.review.asked") + (f": {q.note}" if q.note else "")
            for sid, q in state.questions.items()
            if sid in step.section_ids
        ]
        part(titles, lines, step.id)
    part(
        pack.photo_consent.title,
        [_answer_word(lang, state.photo_consent, "patient.photos.yes", "patient.photos.no")],
        "photos",
    )
    interp = (
        [t(lang, "patient.interpreter.no")]
        if state.interpreter_used is False
        else [
            f"{state.interpreter.name_or_id} · {state.interpreter.language} · "
            f"{t(lang, 'patient.interpreter.mode.' + state.interpreter.mode)}"
        ]
        if state.interpreter
        else [t(lang, "patient.review.not_answered")]
    )
    part(t(lang, "patient.interpreter.title"), interp, "interpreter")
    if missing:
        st.warning(t(lang, "patient.review.incomplete", count=len(missing)))
    with st.form("review"):
        certified = st.checkbox(
            fill(pack.certification, ctx.settings.placeholder_values),
            value=state.certified_at is not None,
            key="review:certify",
        )
        back, go = _nav(lang, next_key="patient.review.to_sign")
    if back:
        _moved(_call(svc.go_back, ctx, token))
    if go:
        _moved(_call(svc.certify, ctx, token, bool(certified)))
    st.divider()
    st.write(t(lang, "patient.decline.offer"))
    decline = st.button(t(lang, "patient.decline.button"), key="review:decline")
    if decline and _call(svc.go_to_decline, ctx, token) is not None:
        st.session_state["decision"] = "decline"
        st.rerun()


def sign_screen(
    ctx: AppContext, token: str, state: DraftState, pack: Pack, now: dt.datetime
) -> None:
    lang = state.language or "en"
    declining = st.session_state.get("decision") == "decline" or not flow.may_sign(state, pack)
    local = now.astimezone(ctx.settings.tz)
    st.header(t(lang, "patient.decline.title" if declining else "patient.sign.title"))
    if declining:
        st.write(fill(pack.refusal_statement, ctx.settings.placeholder_values))
    else:
        st.write(t(lang, "patient.sign.intro"))
    st.markdown(
        t(
            lang,
            "patient.sign.when",
            date=local.strftime("%Y-%m-%d"),
            time=local.strftime("%H:%M"),
            zone=local.tzname() or "",
        )
    )
    with st.form("sign"):
        typed = st.text_input(
            t(lang, "patient.sign.typed_name"), key="sign:name", autocomplete="off"
        )
        patient = signature_pad(
            key="sig_patient",
            label=t(lang, "patient.sign.pad_label"),
            clear=t(lang, "patient.sign.clear"),
            hint=t(lang, "patient.sign.hint"),
            height=200 if state.interpreter else 240,
        )
        interpreter = None
        if state.interpreter_used and state.interpreter:
            st.markdown(t(lang, "patient.interpreter.sign_here", name=state.interpreter.name_or_id))
            interpreter = signature_pad(
                key="sig_interpreter",
                label=t(lang, "patient.interpreter.pad_label"),
                clear=t(lang, "patient.sign.clear"),
                height=160,
            )
        back, go = _nav(
            lang, next_key="patient.decline.sign" if declining else "patient.sign.button"
        )
    if back:
        st.session_state.pop("decision", None)
        _moved(_call(svc.go_back, ctx, token))
    if go:
        drawn = patient or {}
        drawn_i = interpreter or {}
        done = _call(
            svc.submit,
            ctx,
            token,
            typed_name=typed or "",
            strokes=drawn.get("strokes"),
            png=drawn.get("png"),
            pad_size=(drawn.get("width") or 0, drawn.get("height") or 0),
            decision="decline" if declining else "consent",
            interpreter_strokes=drawn_i.get("strokes"),
            interpreter_png=drawn_i.get("png"),
        )
        if done is not None:
            _forget_patient()
            st.session_state["thanks_until"] = ctx.clock.now() + dt.timedelta(
                seconds=ctx.settings.thank_you_seconds
            )
            st.session_state["thanks_lang"] = lang
            st.rerun()
    if not declining and st.button(t(lang, "patient.decline.instead"), key="sign:decline"):
        st.session_state["decision"] = "decline"
        st.rerun()


def thank_you(ctx: AppContext, until: dt.datetime) -> None:
    lang = st.session_state.get("thanks_lang", "en")
    _style(False)
    _set_lang(lang)
    st.title(t(lang, "patient.thanks.title"))
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
    if st.button(t(lang, "patient.thanks.done"), key="thanks:done"):
        st.session_state.clear()
        st.rerun()
