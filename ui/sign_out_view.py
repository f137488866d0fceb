"""The procedure sign-out as staff read it: who entered it and the live list of what blocks
signing, the clinician's signing form (a reason per problem, the password), and the read-only
summary once signed. Display and gathering only; ``services.sign_out`` decides. The form that
enters the fields is ``ui.sign_out_form``."""

from __future__ import annotations

import streamlit as st

from forms.record_course import problem_words
from forms.records import Consent
from forms.sign_out import Check
from services.context import AppContext
from ui.staff_session import format_datetime, tr
from ui.staff_widgets import sclerosant_words
from ui.text import shown_as_typed

P = "staff.procedure_sign_out."


def words(key: str, **values: object) -> str:
    """The page's words (``staff.procedure_sign_out.<key>``)."""
    return tr(P + key, **values)


_w = words  # short, as in every line below


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
        return tr(f"care.{prefix}.{code}") if code else "—"

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
        rows.append((tr(f"care.area.{o.area}"), _w(f"finding.{o.finding}") + note))
    if e.no_adverse_events:
        rows.append((_w("adverse"), _w("adverse.none")))
    for n, ev in enumerate(e.adverse_events, start=1):
        rows.append(
            (
                _w("adverse.what", n=n),
                f"{shown_as_typed(ev.what)} ({tr(f'care.severity.{ev.severity}')}): "
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
