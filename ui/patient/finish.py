"""The last screens before signing: the interpreter and the review (signing: ui.patient.sign)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from checklist import flow
from checklist.flow import DraftState, StepKind
from checklist.models import Pack, Section
from checklist.sites import site_label
from language import dates
from language.i18n import t
from language.placeholders import fill
from services import consent as svc
from services.context import AppContext
from ui.patient.common import (
    act,
    nav,
    ss,
)
from ui.text import shown_as_typed

MODES = ["in_person", "phone", "video"]
YES_NO = ["yes", "no"]  # Yes first, as on every yes/no question of the app


def interpreter_screen(ctx: AppContext, token: str, state: DraftState) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.interpreter.title"), anchor=False)
    st.write(t(lang, "patient.interpreter.intro"))
    used = None if state.interpreter_used is None else ("yes" if state.interpreter_used else "no")
    it = state.interpreter

    def submit() -> None:
        choice = ss("interp:used")
        act(
            svc.record_interpreter,
            ctx,
            token,
            used=None if choice is None else choice == "yes",
            name_or_id=ss("interp:name") or "",
            language=ss("interp:lang") or "",
            mode=ss("interp:mode"),
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
        nav(ctx, token, lang, submit)


def _answer_word(lang: str, value: bool | None, yes: str, no: str) -> str:
    if value is None:
        return t(lang, "patient.review.not_answered")
    return t(lang, yes if value else no)


def _item_lines(
    ctx: AppContext, lang: str, section: Section, state: DraftState, only: set[str] | None = None
) -> str:
    """Each item of a section (``only`` those a visit asks again) as the patient read it,
    marked read or not yet."""
    lines = []
    for item in (i for i in section.items if only is None or i.id in only):
        text = " ".join(fill(item.text, ctx.settings.placeholder_values).split())
        if item.id in state.acknowledged:
            lines.append(f"- \u2713 {text}")
        else:
            lines.append(f"- **{t(lang, 'patient.review.item_open')}:** {text}")
    return "\n".join(lines)


def _decline(ctx: AppContext, token: str) -> None:
    if act(svc.go_to_decline, ctx, token) is not None:
        st.session_state["decision"] = "decline"


def review_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    st.header(t(lang, "patient.review.title"), anchor=False)
    missing = flow.missing_before_signing(
        state.model_copy(update={"certified_at": ctx.clock.now()}), pack
    )

    def part(
        title: str,
        lines: list[str],
        step_id: str,
        *,
        listed: bool = False,
        sections: Sequence[Section] = (),
        only: set[str] | None = None,
    ) -> None:
        """One part of the form, once, with what was answered under it and its Change button;
        a section part lists its items, each section folded, so the patient can check them."""
        with st.container(border=True):
            # Large text: the Change button needs more room, or its word breaks in two.
            c1, c2 = st.columns(
                [3, 1.6] if state.large_text else [4, 1.3], vertical_alignment="top"
            )
            c1.markdown(f"**{title}**")
            c1.markdown("\n".join(f"- {line}" for line in lines) if listed else "  \n".join(lines))
            for section in sections:
                with c1.expander(t(lang, "patient.review.items_of", title=section.title)):
                    st.markdown(_item_lines(ctx, lang, section, state, only))
            c2.button(
                t(lang, "patient.review.change"),
                key=f"change:{step_id}",
                width="stretch",
                on_click=lambda: act(svc.go_to, ctx, token, step_id),
            )

    dob = dates.format_date(lang, state.date_of_birth) if state.date_of_birth else ""
    part(
        t(lang, "patient.review.details"),
        [
            shown_as_typed(state.legal_name),
            t(lang, "patient.review.born", date=dob),
            pack.procedure,
            shown_as_typed(site_label(state.site, lang)),
        ],
        "details",
    )
    steps = flow.steps_for(pack, state.kind)
    if state.kind == "visit":
        part(
            t(lang, "patient.changes.title"),
            [
                _answer_word(
                    lang, state.changed_since_last, "patient.changes.yes", "patient.changes.no"
                )
            ],
            "changes",
        )
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
    for step in (s for s in steps if s.kind in (StepKind.SECTION, StepKind.RECONFIRM)):
        items = [i for _, i in flow.items_on(pack, step)]
        done = sum(1 for i in items if i.id in state.acknowledged)
        visit = step.kind is StepKind.RECONFIRM
        titles = (
            t(lang, "patient.reconfirm.title")
            if visit
            else " / ".join(pack.section(sid).title for sid in step.section_ids)
        )
        lines = [t(lang, "patient.review.understood", done=done, total=len(items))]
        lines += [
            t(lang, "patient.review.asked") + (f": {shown_as_typed(q.note)}" if q.note else "")
            for sid, q in state.questions.items()
            if sid in step.section_ids
        ]
        part(
            titles,
            lines,
            step.id,
            sections=[pack.section(sid) for sid in step.section_ids],
            only={i.id for i in items} if visit else None,
        )
    if any(s.kind is StepKind.PHOTOS for s in steps):
        part(
            pack.photo_consent.title,
            [_answer_word(lang, state.photo_consent, "patient.photos.yes", "patient.photos.no")],
            "photos",
        )
    if state.interpreter_used is False:
        interp = [t(lang, "patient.interpreter.no")]
    elif state.interpreter:
        mode = t(lang, "patient.interpreter.mode." + state.interpreter.mode)
        interp = [
            f"{shown_as_typed(state.interpreter.name_or_id)} · "
            f"{shown_as_typed(state.interpreter.language)} · {mode}"
        ]
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
    nav(
        ctx,
        token,
        lang,
        lambda: act(svc.certify, ctx, token, bool(ss("review:certify"))),
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
