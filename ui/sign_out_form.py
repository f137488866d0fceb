"""The procedure sign-out's form, its standing (what blocks signing, what must be corrected),
the clinician's signing form and the read-only summary once signed. Display and gathering only:
the page hands what was typed to ``services.sign_out``, which decides.

One column of fields, two side by side at most, so it reads at 820 px on a tablet and at 1280.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from forms.record_care import FORMS
from forms.record_course import problem_words
from forms.records import Consent
from forms.sign_out import COMPRESSION_CLASSES, GASES, LEGS, OBSERVED_AREAS, SEVERITIES, Check
from services.context import AppContext
from services.sign_out_input import SignOutForm, form_of
from ui.staff_session import format_datetime, tr
from ui.staff_widgets import sclerosant_words
from ui.text import shown_as_typed

ADVERSE_ROWS = 3  # rows offered on the form; an empty row is ignored
P = "staff.procedure_sign_out."


def _w(key: str, **values: object) -> str:
    return tr(P + key, **values)


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
            format_func=lambda g: _w(f"gas.{g}"),
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
            format_func=lambda c: _w(f"compression.{c}"),
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
                _w(f"area.{area}"),
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
                format_func=lambda s: _w(f"severity.{s}"),
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


def _form_word(form: str | None) -> str:
    return tr(f"staff.plan.form.{form}").lower() if form else "—"


def _lines(items: list[str]) -> str:
    return "\n".join(f"- {shown_as_typed(i)}" for i in items)


def standing(ctx: AppContext, consent: Consent, check: Check) -> None:
    """Who entered it, the total, and the live list of what blocks signing."""
    s = consent.sign_out
    assert s is not None
    st.caption(
        _w(
            "entered_by",
            name=shown_as_typed(s.entered_by_name),
            role=s.entered_role,
            time=format_datetime(ctx, s.entered_at),
        )
    )
    if s.entry.form:
        total = _w("total", total=f"{s.entry.total_ml:g}", form=_form_word(s.entry.form))
        st.markdown(f"**{total}**")
    if check.errors:
        words = [problem_words(c) for c in check.errors]
        st.error(_w("errors", count=len(words)) + "\n" + _lines(words), icon=":material/error:")
    if check.problems:
        words = [problem_words(c) for c in check.problems]
        st.warning(_w("problems", count=len(words)) + "\n" + _lines(words), icon=":material/block:")
    if check.clean:
        st.success(_w("clean"), icon=":material/task_alt:")


def sign_form(consent: Consent, check: Check, signer: str) -> tuple[dict[str, str], str] | None:
    """The clinician's reasons (one per problem left) and password; None until pressed."""
    s = consent.sign_out
    assert s is not None
    title = (
        _w("cosign_title", name=shown_as_typed(s.entered_by_name))
        if s.entered_role == "nurse"
        else _w("sign_title")
    )
    st.subheader(title)
    with st.form(f"so-sign-{consent.id}-{consent.version}"):
        reasons = {
            code: st.text_area(
                _w("reason", problem=problem_words(code)),
                height=68,
                key=f"so-reason-{consent.id}-{code}",
            )
            for code in check.problems
        }
        st.markdown(_w("sign_explain", name=shown_as_typed(signer)))
        password = st.text_input(
            tr("staff.verify.password"),
            type="password",
            autocomplete="current-password",
            key=f"so-pw-{consent.id}",
        )
        pressed = st.form_submit_button(_w("sign"), type="primary", icon=":material/draw:")
    return (reasons, password) if pressed else None


def summary(ctx: AppContext, consent: Consent) -> None:
    """The signed sign-out, read only: every field in words, the reasons, who signed."""
    s = consent.sign_out
    assert s is not None and s.signed
    e = s.entry
    yes_no = {True: _w("yes"), False: _w("no"), None: "—"}

    def words(prefix: str, code: str | None) -> str:
        return _w(f"{prefix}.{code}") if code else "—"

    volumes = [
        f"{_w(f'leg.{leg}')} {getattr(e, f'volume_{leg}_ml'):g} mL"
        for leg in ("left", "right")
        if getattr(e, f"volume_{leg}_ml") is not None
    ]
    rows = [
        (_w("sclerosant"), sclerosant_words(f"{e.agent} {e.strength}") if e.agent else "—"),
        (_w("form"), tr(f"staff.plan.form.{e.form}") if e.form else "—"),
    ]
    if e.form == "foam":
        rows += [(_w("gas"), words("gas", e.gas)), (_w("ratio"), e.ratio or "—")]
    rows += [
        (_w("volumes"), " · ".join(volumes) or "—"),
        ("", _w("total", total=f"{e.total_ml:g}", form=_form_word(e.form))),
        (_w("lot_number"), shown_as_typed(e.lot_number or "—")),
        (_w("lot_expiry"), f"{e.lot_expiry:%Y-%m-%d}" if e.lot_expiry else "—"),
        (_w("areas"), shown_as_typed(e.areas or "—")),
        (_w("compression"), words("compression", e.compression)),
        (
            _w("compression_days"),
            _w("days", days=e.compression_days) if e.compression_days is not None else "—",
        ),
        (
            _w("observation_minutes"),
            _w("minutes", minutes=e.observation_minutes)
            if e.observation_minutes is not None
            else "—",
        ),
    ]
    for o in e.observations:
        note = f" — {shown_as_typed(o.note)}" if o.note else ""
        rows.append((_w(f"area.{o.area}"), _w(f"finding.{o.finding}") + note))
    if e.no_adverse_events:
        rows.append((_w("adverse"), _w("adverse.none")))
    for n, ev in enumerate(e.adverse_events, start=1):
        rows.append(
            (
                _w("adverse.what", n=n),
                f"{shown_as_typed(ev.what)} ({_w(f'severity.{ev.severity}')}): "
                f"{shown_as_typed(ev.action)}",
            )
        )
    rows += [
        (_w("aftercare"), yes_no[e.aftercare_explained]),
        (
            _w("next_visit"),
            _w("no_next_visit") if e.no_next_visit else f"{e.next_visit_on:%Y-%m-%d}",
        ),
    ]
    with st.container(border=True):
        st.markdown(
            "  \n".join(f"**{label}:** {value}" if label else value for label, value in rows)
        )
    for code, reason in s.justifications.items():
        st.warning(
            _w("justified", problem=problem_words(code), reason=shown_as_typed(reason)),
            icon=":material/gavel:",
        )
    when = format_datetime(ctx, s.signed_at)
    name = shown_as_typed(s.clinician_name or "")
    text = (
        _w("cosigned_by", nurse=shown_as_typed(s.entered_by_name), name=name, time=when)
        if s.cosigned
        else _w("signed_by", name=name, time=when)
    )
    st.success(text, icon=":material/verified:")
