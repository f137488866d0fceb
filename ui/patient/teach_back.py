"""The checks of understanding (teach-back, issue #15): one question a screen, after the sections.

What an answer means, and when the patient may go on, is ``checklist.teach_back``; the service
(``services.teach_back.answer``) keeps every answer with its time. This screen only shows
where the question stands: not answered yet, wrong once (the linked points again and the pack's
explanation in other words, then a fresh choice), right, or wrong at every try (a nurse or the
doctor goes over it; the right answer is shown). A finished question takes no new answer: going
back to it shows what happened.

Few elements (every element costs the server time on each tap): the choices are one radio, styled
as large touch targets by the style sheet below, not a box per choice.
"""

from __future__ import annotations

import streamlit as st

from checklist import teach_back as tb
from checklist.flow import DraftState, Step
from checklist.models import Pack, TeachBack
from language.i18n import t
from language.placeholders import fill
from services import teach_back as teach_back_svc
from services.context import AppContext
from ui.patient.common import act, flash, nav, ss
from ui.patient.questions import item_text

# The choices as large, full-width touch targets (rem: the large-text mode scales them too).
# Only this screen draws it, and here the one radio in a form is the question's. The radio's own
# label is hidden (the heading above says it; the group keeps it as its aria-label): the patient
# style sheet shows every radio label as a flex row, collapsed or not. The newline after the
# style ends the HTML block, so the markdown after it is read as markdown.
CHOICES_CSS = """<style>
[data-testid="stForm"] [data-testid="stRadio"] > [data-testid="stWidgetLabel"] { display: none; }
[data-testid="stForm"] [role="radiogroup"] { flex-direction: column; gap: 0.6rem; width: 100%; }
[data-testid="stForm"] [role="radiogroup"] > div { width: 100%; }
[data-testid="stForm"] [data-testid="stRadioOption"] { width: 100%; box-sizing: border-box;
  min-height: 3.4rem; padding: 0.55rem 0.9rem; margin: 0; gap: 0.4rem;
  border: 2px solid var(--consent-ink); border-radius: 0.75rem; background: #fff; }
[data-testid="stForm"] [data-testid="stRadioOption"]:has(input:checked) {
  border-color: #1f4e79; box-shadow: inset 0 0 0 2px #1f4e79; background: #eaf1f8; }
[data-testid="stForm"] [data-testid="stRadioOption"] p { font-size: 1.2rem; line-height: 1.4; }
</style>
"""


def _points(ctx: AppContext, lang: str, pack: Pack, question: TeachBack) -> str:
    """The pack items the question checks, as the section screen showed them, then the pack's
    explanation in other words: one markdown, one element."""
    items = {i.id: i for _, i in pack.items()}
    shown = [item_text(ctx, lang, items[i]) for i in question.checks if i in items]
    explain = fill(question.explain, ctx.settings.placeholder_values)
    other = f"**{t(lang, 'patient.teach_back.other_words')}** {explain}"
    return "\n\n".join([*shown, other])


def teach_back_screen(
    ctx: AppContext, token: str, state: DraftState, pack: Pack, step: Step
) -> None:
    lang = state.language or "en"
    values = ctx.settings.placeholder_values
    question = pack.teach_back_question(step.question_ids[0])
    tries = state.teach_back.get(question.id, [])
    where = tb.outcome(question, tries)
    ids = [q.id for q in pack.teach_back]
    n = ids.index(question.id) + 1
    st.header(t(lang, "patient.teach_back.title"), anchor=False)
    number = t(lang, "patient.teach_back.number", n=n, total=len(ids))
    intro = f" {t(lang, 'patient.teach_back.intro')}" if n == 1 else ""
    st.markdown(CHOICES_CSS + f"**{number}**{intro}", unsafe_allow_html=True)

    if where is tb.Outcome.RETRY:  # gently: the points again, then the question once more
        st.warning(t(lang, "patient.teach_back.wrong"))
        with st.container(border=True):
            st.markdown(_points(ctx, lang, pack, question))
    asked = fill(question.question, values)
    st.subheader(asked, anchor=False)

    if tb.done(question, tries):
        _finished(ctx, lang, question, tries[-1].choice, where)
        nav(
            ctx,
            token,
            lang,
            lambda: act(teach_back_svc.answer, ctx, token, None, advance=True),
            in_form=False,
        )
        return

    key = f"tb:{question.id}:{len(tries)}"  # a new key after a wrong answer: nothing chosen

    def check() -> None:
        choice = ss(key)
        if choice is None:
            flash(t(lang, "patient.missing.teach_back"))
            return
        act(teach_back_svc.answer, ctx, token, choice)

    with st.form("teach_back", border=False):
        st.radio(
            asked,
            [c.id for c in question.choices],
            index=None,
            format_func=lambda cid: fill(question.choice(cid).text, values),
            key=key,
            label_visibility="collapsed",  # the heading above says it; screen readers hear it
            width="stretch",
        )
        nav(ctx, token, lang, check, next_key="patient.teach_back.check")


def _finished(
    ctx: AppContext, lang: str, question: TeachBack, last: str, where: tb.Outcome
) -> None:
    """What happened, without taking a new answer: right, or the kind word and the answer."""
    values = ctx.settings.placeholder_values
    answer = fill(question.choice(question.answer).text, values)
    if where is tb.Outcome.RIGHT:
        st.success(f"**{t(lang, 'patient.teach_back.right')}** {answer}")
        return
    st.info(
        "\n\n".join(
            [
                t(
                    lang,
                    "patient.teach_back.you_chose",
                    answer=fill(question.choice(last).text, values),
                ),
                f"**{t(lang, 'patient.teach_back.re_explain')}**",
                t(lang, "patient.teach_back.right_answer") + f" **{answer}**",
                fill(question.explain, values),
            ]
        )
    )
