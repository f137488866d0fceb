"""The health questions, one screen per topic with "I understand" per point, and photographs."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from html import escape
from typing import Any

import streamlit as st

from checklist import flow
from checklist import text as text_rules
from checklist.flow import DraftState, Step
from checklist.models import Answer, Item, Pack, Rate, Section
from forms import risk_picture
from language.i18n import t
from language.placeholders import fill
from services import consent as svc
from services.context import AppContext
from ui.ack_list import ack_list, ticked_now
from ui.patient.common import (
    act,
    nav,
    ss,
)

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
        return {qid: ss(f"q:{qid}") for qid in step.question_ids}

    def save() -> None:  # each answer is saved as it is tapped: no form on this screen
        act(svc.answer_screening, ctx, token, answers(), advance=False)

    def submit() -> None:
        act(svc.answer_screening, ctx, token, answers())

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
    nav(ctx, token, lang, submit, in_form=False)


def item_notes(ctx: AppContext, lang: str, item: Any) -> list[str]:
    """What follows an item's words, in italics: how often, the figure, how urgent."""
    notes = []
    if item.frequency:
        notes.append(t(lang, f"patient.frequency.{item.frequency.value}"))
    if item.figure:
        notes.append(fill(item.figure, ctx.settings.placeholder_values))
    if item.urgency:
        notes.append(t(lang, f"patient.urgency.{item.urgency.value}"))
    return notes


def item_text(ctx: AppContext, lang: str, item: Any) -> str:
    """The item as Markdown (the checks of understanding quote it)."""
    notes = item_notes(ctx, lang, item)
    text = fill(item.text, ctx.settings.placeholder_values)
    return text + (f"  \n*{' · '.join(notes)}*" if notes else "")


def item_html(ctx: AppContext, lang: str, item: Item) -> str:
    """The item's words (escaped: a pack's words are text, never markup), the how-often line in
    italics and, for a risk with a number, its picture."""
    text = escape(fill(item.text, ctx.settings.placeholder_values), quote=False)
    notes = escape(" · ".join(item_notes(ctx, lang, item)), quote=False)
    words = f"<p class='consent-ack-text'>{text}" + (f"<em>{notes}</em></p>" if notes else "</p>")
    return words + (risk_figure(item.rate, lang) if item.rate is not None else "")


@cache
def risk_figure(rate: Rate, lang: str) -> str:
    """The risk's icon array beside its caption, in the item's own Markdown element (no element
    more per item). Screen readers read the picture's label; the caption, the same words, is
    hidden from them so it is not read twice."""
    words = escape(risk_picture.alt_text(rate, lang))
    return (
        '<div class="risk-picture" style="display:flex;flex-wrap:wrap;align-items:center;'
        f'gap:0.5rem 1rem;margin:0.25rem 0">{risk_picture.svg(rate, lang)}'
        f'<span aria-hidden="true" style="flex:1 1 10rem">{words}</span></div>'
    )


def section_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step) -> None:
    """No form here: each "I understand" and the question are saved as they are tapped (with
    the tap's time), so a reload half-way down a long section keeps every tick."""
    values = ctx.settings.placeholder_values

    def heading(section: Section) -> None:
        st.header(section.title, anchor=False)
        if section.intro:
            st.write(fill(section.intro, values))

    acknowledge_items(ctx, token, state, pack, step, heading)


def acknowledge_items(
    ctx: AppContext,
    token: str,
    state: DraftState,
    pack: Pack,
    step: Step,
    heading: Callable[[Section], None],
) -> None:
    """The step's items (``checklist.flow.items_on``), each with "I understand", and per section
    the question for the doctor; every tap is saved as it is made. A section screen and a
    visit's key risks both show them this way."""
    lang = state.language or "en"
    items = flow.items_on(pack, step)

    def answers() -> dict[str, Any]:
        ticked = dict.fromkeys((i.id for _, i in items), False)
        for sid in step.section_ids:
            now = ticked_now(_acks_key(step, sid))
            ticked.update(dict.fromkeys(now if now is not None else [], True))
        questions = {}
        for sid in step.section_ids:
            note = ss(f"note:{sid}") or ""
            questions[sid] = (bool(ss(f"ask:{sid}")) or bool(note.strip()), note)
        return {"ticked": ticked, "questions": questions}

    def save() -> None:
        act(svc.acknowledge_section, ctx, token, **answers(), advance=False)

    def submit() -> None:
        act(svc.acknowledge_section, ctx, token, **answers())

    for sid in step.section_ids:
        heading(pack.section(sid))
        ack_list(
            key=_acks_key(step, sid),
            html=_items_html(ctx, pack, lang, step, sid),
            screen=f"{step.id}:{sid}:{lang}",
            ticked=[i.id for s, i in items if s.id == sid and i.id in state.acknowledged],
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
            max_chars=text_rules.MAX_NOTE,
            on_change=save,
        )
    nav(ctx, token, lang, submit, in_form=False)


def photos_screen(ctx: AppContext, token: str, state: DraftState, pack: Pack) -> None:
    lang = state.language or "en"
    st.header(pack.photo_consent.title, anchor=False)
    st.write(fill(pack.photo_consent.text, ctx.settings.placeholder_values))
    st.write(t(lang, "patient.photos.separate"))
    options = ["yes", "no"]
    current = None if state.photo_consent is None else ("yes" if state.photo_consent else "no")

    def submit() -> None:
        choice = ss("photos:choice")
        act(svc.answer_photos, ctx, token, None if choice is None else choice == "yes")

    with st.form("photos"):
        st.radio(
            t(lang, "patient.photos.question"),
            options,
            index=options.index(current) if current else None,
            format_func=lambda a: t(lang, f"patient.photos.{a}"),
            key="photos:choice",
        )
        nav(ctx, token, lang, submit)


def _acks_key(step: Step, sid: str) -> str:
    """The key of a section's "I understand" list on a screen (ui/ack_list.py)."""
    return f"acks:{step.id}:{sid}"


_HTML: dict[tuple[Any, ...], str] = {}


def _items_html(ctx: AppContext, pack: Pack, lang: str, step: Step, sid: str) -> str:
    """One section's items on this screen as the list's HTML, built once per pack, language,
    screen, section and the clinic's placeholder values (it is sent with every tap)."""
    values = tuple(sorted(ctx.settings.placeholder_values.items()))
    key = (pack.id, pack.version, pack.language, lang, step.id, sid, values)
    found = _HTML.get(key)
    if found is None:
        understand = escape(t(lang, "patient.section.understand"), quote=False)
        boxes = "".join(
            f"<div class='consent-ack'>{item_html(ctx, lang, item)}"
            f"<label class='consent-ack-tick'><input type='checkbox' value='{escape(item.id)}'>"
            f"<span>{understand}</span></label></div>"
            for section, item in flow.items_on(pack, step)
            if section.id == sid
        )
        found = _HTML[key] = f"<div class='consent-acks'>{boxes}</div>"
    return found
