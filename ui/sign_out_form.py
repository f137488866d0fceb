"""The procedure sign-out's form: every field, filled in from the saved entry (or the treatment
plan), gathered into a ``SignOutForm`` when Save is pressed. Each answer is kept as it is given
(``ui.checklist_draft``; issue #18), so the fields are widgets of the page, not of an st.form.
Display and gathering only: the page hands what was typed to ``services.sign_out``, which
decides; what blocks signing, the signing form and the summary are ``ui.sign_out_view``.

One column of fields, two side by side at most, so it reads at 820 px on a tablet and at 1280.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from forms.record_care import FORMS
from forms.records import Consent
from forms.sign_out import COMPRESSION_CLASSES, GASES, LEGS, OBSERVED_AREAS, SEVERITIES
from services import checklist_drafts
from services.auth import StaffSession
from services.context import AppContext
from services.sign_out_input import SignOutForm, form_of
from ui import checklist_draft
from ui.sign_out_view import words as _w
from ui.staff_session import tr
from ui.staff_widgets import sclerosant_words

ADVERSE_ROWS = 3  # rows offered on the form; an empty row is ignored


def legs_of(site: str) -> tuple[str, ...]:
    """The legs the consent names (a site in words: either may be given)."""
    return LEGS.get(site, ("left", "right"))


def _fields(k: str, legs: tuple[str, ...]) -> dict[str, str]:
    """Every field of the form -> its widget key (the names are what the draft keeps)."""
    keys = {
        "sclerosant": f"{k}-agent",
        "form": f"{k}-form",
        "gas": f"{k}-gas",
        "ratio": f"{k}-ratio",
        **{f"volume_{leg}_ml": f"{k}-vol-{leg}" for leg in legs},
        "lot_number": f"{k}-lot",
        "lot_expiry": f"{k}-expiry",
        "areas": f"{k}-areas",
        "compression": f"{k}-compression",
        "compression_days": f"{k}-days",
        "observation_minutes": f"{k}-minutes",
        **{f"finding.{a}": f"{k}-obs-{a}" for a in OBSERVED_AREAS},
        **{f"finding_note.{a}": f"{k}-obs-note-{a}" for a in OBSERVED_AREAS},
        "adverse": f"{k}-adverse",
        "aftercare": f"{k}-aftercare",
        "next_visit_on": f"{k}-next",
        "no_next_visit": f"{k}-nonext",
    }
    for n in range(1, ADVERSE_ROWS + 1):
        keys |= {f"ae_what.{n}": f"{k}-ae-what-{n}", f"ae_severity.{n}": f"{k}-ae-sev-{n}"}
        keys[f"ae_action.{n}"] = f"{k}-ae-action-{n}"
    return keys


def _defaults(saved: SignOutForm, legs: tuple[str, ...]) -> dict[str, object]:
    """What each field starts from when nothing is kept: the saved entry (or the plan)."""
    values: dict[str, object] = {
        "sclerosant": saved.sclerosant,
        "form": saved.form,
        "gas": saved.gas,
        "ratio": saved.ratio or "",
        **{f"volume_{leg}_ml": getattr(saved, f"volume_{leg}_ml") for leg in legs},
        "lot_number": saved.lot_number or "",
        "lot_expiry": saved.lot_expiry,
        "areas": saved.areas or "",
        "compression": saved.compression,
        "compression_days": saved.compression_days,
        "observation_minutes": saved.observation_minutes,
        "adverse": {True: "none", False: "some"}.get(saved.no_adverse_events),  # type: ignore[arg-type]
        "aftercare": bool(saved.aftercare_explained),
        "next_visit_on": saved.next_visit_on,
        "no_next_visit": saved.no_next_visit,
    }
    for area in OBSERVED_AREAS:
        finding, note = saved.observations.get(area, (None, ""))
        values |= {f"finding.{area}": finding, f"finding_note.{area}": note}
    rows = list(saved.adverse_events) + [("", None, "")] * ADVERSE_ROWS
    for n, (what, severity, action) in enumerate(rows[:ADVERSE_ROWS], start=1):
        values |= {f"ae_what.{n}": what, f"ae_severity.{n}": severity, f"ae_action.{n}": action}
    return values


def _choices(sclerosants: list[str]) -> dict[str, object]:
    """The values a kept answer may take (a list changed since falls back to the saved one)."""
    choices: dict[str, object] = {
        "sclerosant": sclerosants,
        "form": FORMS,
        "gas": GASES,
        "compression": COMPRESSION_CLASSES,
        "adverse": ("none", "some"),
        **{f"finding.{a}": ("none", "observed") for a in OBSERVED_AREAS},
    }
    choices |= {f"ae_severity.{n}": SEVERITIES for n in range(1, ADVERSE_ROWS + 1)}
    return choices


def entry_form(
    ctx: AppContext, staff: StaffSession, consent: Consent, sclerosants: list[str]
) -> SignOutForm | None:
    """Every field of the sign-out, filled in from the answers kept so far (issue #18), else
    the saved entry (or the treatment plan); each answer is kept as it is given. The values
    when Save is pressed, else None."""
    saved = form_of(consent.sign_out.entry if consent.sign_out else None)
    plan = consent.treatment
    if saved.sclerosant is None and plan is not None:
        saved.sclerosant, saved.form = plan.choice, saved.form or plan.form
    k = f"so-{consent.id}-{consent.version}"
    legs = legs_of(consent.site)
    keys = _fields(k, legs)
    kept = checklist_draft.Kept(
        ctx,
        staff,
        consent.id,
        checklist_drafts.SIGN_OUT,
        keys=keys,
        prefix=k,
        dates=("lot_expiry", "next_visit_on"),
        choices=_choices(sclerosants),
    )
    kept.restore(_defaults(saved, legs))
    kept.notice()
    keep = kept.on_change

    st.subheader(_w("injection"))
    left, right = st.columns(2)
    sclerosant = left.selectbox(
        _w("sclerosant"),
        sclerosants,
        index=None,
        format_func=sclerosant_words,
        key=keys["sclerosant"],
        **keep,
    )
    form = right.radio(
        _w("form"),
        FORMS,
        index=None,
        horizontal=True,
        format_func=lambda f: tr(f"staff.plan.form.{f}"),
        key=keys["form"],
        **keep,
    )
    gas = left.selectbox(
        _w("gas"),
        GASES,
        index=None,
        format_func=lambda g: tr(f"care.gas.{g}"),
        key=keys["gas"],
        **keep,
    )
    ratio = right.text_input(_w("ratio"), placeholder="1:4", key=keys["ratio"], **keep)
    volumes = {}
    columns = dict(zip(("left", "right"), (left, right), strict=True))
    for leg in legs:
        volumes[leg] = columns[leg].number_input(
            _w(f"volume.{leg}"),
            min_value=0.0,
            max_value=100.0,
            step=0.5,
            value=None,
            help=_w("volume_help"),
            key=keys[f"volume_{leg}_ml"],
            **keep,
        )
    lot_number = left.text_input(_w("lot_number"), max_chars=60, key=keys["lot_number"], **keep)
    lot_expiry = right.date_input(
        _w("lot_expiry"),
        value=None,
        min_value=dt.date(2000, 1, 1),
        max_value=dt.date(2100, 12, 31),
        format="YYYY-MM-DD",
        key=keys["lot_expiry"],
        **keep,
    )
    areas = st.text_area(_w("areas"), height=80, key=keys["areas"], **keep)

    st.subheader(_w("after"))
    left, right = st.columns(2)
    compression = left.selectbox(
        _w("compression"),
        COMPRESSION_CLASSES,
        index=None,
        format_func=lambda c: tr(f"care.compression.{c}"),
        key=keys["compression"],
        **keep,
    )
    days = right.number_input(
        _w("compression_days"),
        min_value=0,
        max_value=90,
        step=1,
        value=None,
        key=keys["compression_days"],
        **keep,
    )
    minutes = left.number_input(
        _w("observation_minutes"),
        min_value=0,
        max_value=240,
        step=5,
        value=None,
        key=keys["observation_minutes"],
        **keep,
    )
    st.markdown(f"**{_w('observed')}**")
    observations = {}
    for area in OBSERVED_AREAS:
        a, b = st.columns([2, 3], vertical_alignment="bottom")
        chosen = a.radio(
            tr(f"care.area.{area}"),
            ("none", "observed"),
            index=None,
            horizontal=True,
            format_func=lambda f: _w(f"finding.{f}"),
            key=keys[f"finding.{area}"],
            **keep,
        )
        typed = b.text_input(
            _w("note"),
            placeholder=_w("note"),
            label_visibility="collapsed",
            key=keys[f"finding_note.{area}"],
            **keep,
        )
        observations[area] = (chosen, typed or "")

    st.subheader(_w("adverse"))
    adverse = st.radio(
        _w("adverse"),
        ("none", "some"),
        index=None,
        horizontal=True,
        format_func=lambda a: _w(f"adverse.{a}"),
        label_visibility="collapsed",
        key=keys["adverse"],
        **keep,
    )
    st.caption(_w("adverse_rows"))
    events = []
    for n in range(1, ADVERSE_ROWS + 1):
        a, b = st.columns([3, 2])
        typed_what = a.text_input(_w("adverse.what", n=n), key=keys[f"ae_what.{n}"], **keep)
        chosen = b.selectbox(
            _w("adverse.severity", n=n),
            SEVERITIES,
            index=None,
            format_func=lambda s: tr(f"care.severity.{s}"),
            key=keys[f"ae_severity.{n}"],
            **keep,
        )
        typed_action = st.text_input(_w("adverse.action", n=n), key=keys[f"ae_action.{n}"], **keep)
        events.append((typed_what or "", chosen, typed_action or ""))

    st.subheader(_w("closing"))
    aftercare = st.checkbox(_w("aftercare"), key=keys["aftercare"], **keep)
    next_visit = st.date_input(
        _w("next_visit"),
        value=None,
        min_value=dt.date(2000, 1, 1),
        max_value=dt.date(2100, 12, 31),
        format="YYYY-MM-DD",
        key=keys["next_visit_on"],
        **keep,
    )
    no_next = st.checkbox(_w("no_next_visit"), key=keys["no_next_visit"], **keep)
    pressed = st.button(_w("save"), type="primary", icon=":material/save:", key=f"{k}-save")
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
        no_next_visit=bool(no_next),
    )
