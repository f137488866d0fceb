"""The procedure sign-out's form: every field, filled in from the saved entry (or the treatment
plan), gathered into a ``SignOutForm`` when Save is pressed. Display and gathering only: the page
hands what was typed to ``services.sign_out``, which decides; what blocks signing, the signing
form and the summary are ``ui.sign_out_view``.

One column of fields, two side by side at most, so it reads at 820 px on a tablet and at 1280.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from forms.record_care import FORMS
from forms.records import Consent
from forms.sign_out import COMPRESSION_CLASSES, GASES, LEGS, OBSERVED_AREAS, SEVERITIES
from services.context import AppContext
from services.sign_out_input import SignOutForm, form_of
from ui.sign_out_view import words as _w
from ui.staff_session import tr
from ui.staff_widgets import sclerosant_words

ADVERSE_ROWS = 3  # rows offered on the form; an empty row is ignored


def _index(options, value) -> int | None:
    options = list(options)
    return options.index(value) if value in options else None


def legs_of(site: str) -> tuple[str, ...]:
    """The legs the consent names (a site in words: either may be given)."""
    return LEGS.get(site, ("left", "right"))


def entry_form(ctx: AppContext, consent: Consent, sclerosants: list[str]) -> SignOutForm | None:
    """Every field of the sign-out, filled in from the saved entry (or the treatment plan);
    the values typed when Save is pressed, else None."""
    saved = form_of(consent.sign_out.entry if consent.sign_out else None)
    plan = consent.treatment
    if saved.sclerosant is None and plan is not None:
        saved.sclerosant, saved.form = plan.choice, saved.form or plan.form
    k = f"so-{consent.id}-{consent.version}"
    with st.form(k):
        st.subheader(_w("injection"))
        left, right = st.columns(2)
        sclerosant = left.selectbox(
            _w("sclerosant"),
            sclerosants,
            index=_index(sclerosants, saved.sclerosant),
            format_func=sclerosant_words,
            key=f"{k}-agent",
        )
        form = right.radio(
            _w("form"),
            FORMS,
            index=_index(FORMS, saved.form),
            horizontal=True,
            format_func=lambda f: tr(f"staff.plan.form.{f}"),
            key=f"{k}-form",
        )
        gas = left.selectbox(
            _w("gas"),
            GASES,
            index=_index(GASES, saved.gas),
            format_func=lambda g: tr(f"care.gas.{g}"),
            key=f"{k}-gas",
        )
        ratio = right.text_input(
            _w("ratio"), value=saved.ratio or "", placeholder="1:4", key=f"{k}-ratio"
        )
        volumes = {}
        columns = dict(zip(("left", "right"), (left, right), strict=True))
        for leg in legs_of(consent.site):
            volumes[leg] = columns[leg].number_input(
                _w(f"volume.{leg}"),
                min_value=0.0,
                max_value=100.0,
                step=0.5,
                value=getattr(saved, f"volume_{leg}_ml"),
                help=_w("volume_help"),
                key=f"{k}-vol-{leg}",
            )
        lot_number = left.text_input(
            _w("lot_number"), value=saved.lot_number or "", max_chars=60, key=f"{k}-lot"
        )
        lot_expiry = right.date_input(
            _w("lot_expiry"),
            value=saved.lot_expiry,
            min_value=dt.date(2000, 1, 1),
            max_value=dt.date(2100, 12, 31),
            format="YYYY-MM-DD",
            key=f"{k}-expiry",
        )
        areas = st.text_area(_w("areas"), value=saved.areas or "", height=80, key=f"{k}-areas")

        st.subheader(_w("after"))
        left, right = st.columns(2)
        compression = left.selectbox(
            _w("compression"),
            COMPRESSION_CLASSES,
            index=_index(COMPRESSION_CLASSES, saved.compression),
            format_func=lambda c: tr(f"care.compression.{c}"),
            key=f"{k}-compression",
        )
        days = right.number_input(
            _w("compression_days"),
            min_value=0,
            max_value=90,
            step=1,
            value=saved.compression_days,
            key=f"{k}-days",
        )
        minutes = left.number_input(
            _w("observation_minutes"),
            min_value=0,
            max_value=240,
            step=5,
            value=saved.observation_minutes,
            key=f"{k}-minutes",
        )
        st.markdown(f"**{_w('observed')}**")
        observations = {}
        for area in OBSERVED_AREAS:
            finding, note = saved.observations.get(area, (None, ""))
            a, b = st.columns([2, 3], vertical_alignment="bottom")
            chosen = a.radio(
                tr(f"care.area.{area}"),
                ("none", "observed"),
                index=_index(("none", "observed"), finding),
                horizontal=True,
                format_func=lambda f: _w(f"finding.{f}"),
                key=f"{k}-obs-{area}",
            )
            typed = b.text_input(
                _w("note"),
                value=note,
                placeholder=_w("note"),
                label_visibility="collapsed",
                key=f"{k}-obs-note-{area}",
            )
            observations[area] = (chosen, typed)

        st.subheader(_w("adverse"))
        none = {True: "none", False: "some"}.get(saved.no_adverse_events)  # type: ignore[arg-type]
        adverse = st.radio(
            _w("adverse"),
            ("none", "some"),
            index=_index(("none", "some"), none),
            horizontal=True,
            format_func=lambda a: _w(f"adverse.{a}"),
            label_visibility="collapsed",
            key=f"{k}-adverse",
        )
        st.caption(_w("adverse_rows"))
        rows = list(saved.adverse_events) + [("", None, "")] * ADVERSE_ROWS
        events = []
        for n, (what, severity, action) in enumerate(rows[:ADVERSE_ROWS], start=1):
            a, b = st.columns([3, 2])
            typed_what = a.text_input(_w("adverse.what", n=n), value=what, key=f"{k}-ae-what-{n}")
            chosen = b.selectbox(
                _w("adverse.severity", n=n),
                SEVERITIES,
                index=_index(SEVERITIES, severity),
                format_func=lambda s: tr(f"care.severity.{s}"),
                key=f"{k}-ae-sev-{n}",
            )
            typed_action = st.text_input(
                _w("adverse.action", n=n), value=action, key=f"{k}-ae-action-{n}"
            )
            events.append((typed_what, chosen, typed_action))

        st.subheader(_w("closing"))
        aftercare = st.checkbox(
            _w("aftercare"), value=bool(saved.aftercare_explained), key=f"{k}-aftercare"
        )
        next_visit = st.date_input(
            _w("next_visit"),
            value=saved.next_visit_on,
            min_value=dt.date(2000, 1, 1),
            max_value=dt.date(2100, 12, 31),
            format="YYYY-MM-DD",
            key=f"{k}-next",
        )
        no_next = st.checkbox(_w("no_next_visit"), value=saved.no_next_visit, key=f"{k}-nonext")
        pressed = st.form_submit_button(_w("save"), type="primary", icon=":material/save:")
    if not pressed:
        return None
    return SignOutForm(
        sclerosant=sclerosant,
        form=form,
        gas=gas,
        ratio=ratio,
        volume_left_ml=volumes.get("left"),
        volume_right_ml=volumes.get("right"),
        lot_number=lot_number,
        lot_expiry=lot_expiry,
        areas=areas,
        compression=compression,
        compression_days=days,
        observation_minutes=minutes,
        observations=observations,
        no_adverse_events=None if adverse is None else adverse == "none",
        adverse_events=events,
        aftercare_explained=aftercare or None,
        next_visit_on=next_visit,
        no_next_visit=no_next,
    )
