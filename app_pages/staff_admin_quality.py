"""Admin: content quality (issue #15 point 6): per content version, the first-time-right rate
of each check of understanding, the items most often re-explained and the median time per
screen, from the signed records only (services.content_quality says how each is counted)."""

from __future__ import annotations

import streamlit as st

from errors import DomainError
from services import content_quality
from ui import staff_session
from ui.resources import app_context
from ui.staff_session import tr
from ui.staff_widgets import language_name

PACK = "sclerotherapy"

ctx = app_context()
staff = staff_session.admin_page(ctx, "staff.quality.title", "staff.quality.explain")
try:
    choices = content_quality.versions(ctx, staff, PACK)
except DomainError as exc:
    st.error(str(exc))
    st.stop()
first = content_quality.default_choice(choices)
if first is None:
    st.info(tr("staff.quality.nothing"))
    st.stop()
picked = st.selectbox(
    tr("staff.quality.version"),
    range(len(choices)),
    index=choices.index(first),
    format_func=lambda n: tr(
        "staff.quality.choice",
        version=choices[n].version,
        language=language_name(choices[n].language),
        signed=choices[n].signed,
    ),
)
choice = choices[picked]
try:
    view = content_quality.quality(ctx, staff, PACK, choice.version, choice.language)
except DomainError as exc:
    st.error(str(exc))
    st.stop()
f = view.figures


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = round(seconds)
    if whole < 60:
        return tr("staff.quality.seconds", seconds=whole)
    return tr("staff.quality.minutes", minutes=whole // 60, seconds=whole % 60)


if not f.timed_consents:
    st.info(tr("staff.quality.nothing"), icon=":material/hourglass_empty:")
    st.stop()
st.markdown(tr("staff.quality.counted", consents=f.consents, refusals=f.refusals))
st.caption(tr("staff.quality.left_out"))
if not f.consents:
    st.info(tr("staff.quality.no_checks"), icon=":material/quiz:")
else:
    st.subheader(tr("staff.quality.questions"))
    st.dataframe(
        [
            {
                tr("staff.quality.col.topic"): q.topic,
                tr("staff.quality.col.answered"): q.figures.answered,
                tr("staff.quality.col.first_right"): q.figures.first_time_right,
                tr("staff.quality.col.rate"): (
                    "—" if q.figures.first_time_rate is None else f"{q.figures.first_time_rate:.0%}"
                ),
                tr("staff.quality.col.right_later"): q.figures.right_at_last_try,
                tr("staff.quality.col.re_explain"): q.figures.re_explain,
                # Last: the long words would push the figures out of sight at 1280 px.
                tr("staff.quality.col.question"): q.question,
            }
            for q in view.questions
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption(tr("staff.quality.how_questions"))
    st.subheader(tr("staff.quality.items"))
    if view.items:
        st.dataframe(
            [
                {
                    tr("staff.quality.col.section"): i.section,
                    tr("staff.quality.col.item"): i.words,
                    tr("staff.quality.col.re_explain"): i.re_explain,
                }
                for i in view.items
            ],
            hide_index=True,
            width="stretch",
        )
        st.caption(tr("staff.quality.how_items"))
    else:
        st.caption(tr("staff.quality.no_items"))
st.subheader(tr("staff.quality.times"))
st.dataframe(
    [
        {
            tr("staff.quality.col.screen"): s.titles,
            tr("staff.quality.col.timed"): s.figures.timed,
            tr("staff.quality.col.median"): duration(s.figures.median_seconds),
        }
        for s in view.screens
    ],
    hide_index=True,
    width="stretch",
)
st.caption(tr("staff.quality.how_times", timed=f.timed_consents))
