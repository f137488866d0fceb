"""The first screens: choosing a language, then the patient's details."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from checklist import identity
from checklist.flow import DraftState
from checklist.models import Pack
from checklist.sites import SITE_CHOICES, site_label
from language.i18n import t
from services import consent as svc
from services import drafts
from services.context import AppContext
from ui.patient.common import (
    RESUME,
    act,
    flash,
    in_every_language,
    nav,
    show_flash,
    ss,
)


def language_screen(ctx: AppContext, token: str | None) -> None:
    langs = drafts.languages(ctx)
    # No language is chosen yet: the welcome is in every language, each in its own words.
    st.markdown(
        in_every_language(
            langs,
            "app.title",
            "p",
            "font-size:1.3rem;font-weight:600;margin:0",
            clinic_name=ctx.settings.clinic_name,
        )
        + "<h1 style='padding:0.25rem 0 0;margin:0'>"
        + in_every_language(langs, "patient.language.welcome", "span", "display:block")
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
        new = act(svc.choose_language, ctx, token, code)
        if new:
            st.query_params[RESUME] = new

    show_flash()
    for code in langs:
        st.button(
            t(code, f"lang.{code}"),
            key=f"lang_{code}",
            type="primary",
            width="stretch",
            on_click=choose,
            args=(code,),
        )


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
    years = identity.birth_years(today)  # from the 120-year rule itself: no year it refuses
    dob = state.date_of_birth
    sites = list(SITE_CHOICES)
    choose = t(lang, "patient.details.choose")

    def submit() -> None:
        year, month, day = ss("details:year"), ss("details:month"), ss("details:day")
        if not ss("details:confirm"):
            flash(t(lang, "patient.missing.details"))
            return
        born = _date(year, month, day)
        if born is None and (year or month or day):
            flash(t(lang, "patient.details.dob_invalid"))
            return
        act(
            svc.confirm_details,
            ctx,
            token,
            legal_name=ss("details:name") or "",
            date_of_birth=born,
            mrn=ss("details:mrn"),
            site=ss("details:site") or "",
        )

    with st.form("details"):
        st.text_input(
            t(lang, "patient.details.name"),
            value=state.legal_name,
            max_chars=identity.MAX_NAME,
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
            format_func=lambda s: site_label(s, lang),
            key="details:site",
        )
        st.checkbox(
            t(lang, "patient.details.confirm"), value=state.details_confirmed, key="details:confirm"
        )
        nav(ctx, token, lang, submit)
