"""Admin: content versions (REDCap's version list): per language, each version with major/minor,
what changed, approval, when it became active and by whom, consents and visits signed on it;
any version readable; another version made active with the password re-entered."""

from __future__ import annotations

import streamlit as st

from errors import DomainError
from services import pack_versions
from ui import staff_session
from ui.resources import app_context
from ui.staff_session import format_datetime, tr
from ui.staff_widgets import language_name
from ui.text import shown_as_typed

PACK = "sclerotherapy"
DONE = "versions_done"

ctx = app_context()
staff = staff_session.admin_page(ctx, "staff.versions.title", "staff.versions.explain")
done = st.session_state.pop(DONE, None)
if done:
    st.success(done, icon=":material/check_circle:")
try:
    rows = pack_versions.version_rows(ctx, staff, PACK)
except DomainError as exc:
    st.error(str(exc))
    st.stop()


def since(row: pack_versions.VersionRow) -> str:
    if row.activated_at is not None:
        return tr(
            "staff.versions.since",
            at=format_datetime(ctx, row.activated_at),
            name=shown_as_typed(row.activated_by or ""),
        )
    if row.active and row.source is not None:
        return tr(f"staff.versions.source.{row.source}")
    return tr("staff.versions.none")


for language in dict.fromkeys(r.language for r in rows):
    mine = [r for r in rows if r.language == language]
    active = next(r for r in mine if r.active)
    st.subheader(
        tr("staff.versions.language", language=language_name(language), version=active.version)
    )
    # One card per version, not a table: the sentences wrap, nothing is cut off at 1280 px.
    for r in mine:
        with st.container(border=True):
            state = (
                tr("staff.versions.active", source=tr(f"staff.versions.source.{r.source}"))
                if r.active and r.source
                else ""
            )
            head = [f"**{r.version}**", tr(f"staff.versions.change.{r.change}")]
            st.markdown(" · ".join([*head, f":green-badge[{state}]"] if state else head))
            changes = shown_as_typed(r.changes) if r.changes else tr("staff.versions.none")
            st.markdown(tr("staff.versions.changes", changes=changes))
            st.markdown(
                tr(
                    "staff.versions.facts",
                    line=r.line,
                    effective=r.effective_date.isoformat(),
                    since=since(r),
                    consents=r.consents,
                    visits=r.visits,
                )
            )
            approved = shown_as_typed(" ".join(r.approved_by.split()))
            st.caption(tr("staff.versions.approved", approved=approved))
            with st.expander(tr("staff.versions.read", version=r.version, language=language)):
                for section in r.sections:
                    st.markdown(f"**{shown_as_typed(section.title)}**")
                    st.markdown("\n".join(f"- {shown_as_typed(text)}" for text in section.items))
    if active.pinned:
        st.info(
            tr("staff.versions.pinned", language=language_name(language), version=active.version),
            icon=":material/push_pin:",
        )
        continue
    choices = [r.version for r in mine if r.can_activate]
    if not choices:
        st.caption(tr("staff.versions.nothing_to_activate"))
        continue
    with (
        st.expander(tr("staff.versions.activate"), icon=":material/published_with_changes:"),
        st.form(f"activate-{language}", clear_on_submit=True),
    ):
        version = st.selectbox(tr("staff.versions.activate_pick"), choices)
        st.markdown(tr("staff.versions.activate_explain", name=shown_as_typed(staff.display_name)))
        password = st.text_input(
            tr("staff.versions.password"), type="password", autocomplete="current-password"
        )
        if st.form_submit_button(tr("staff.versions.activate_button"), type="primary"):
            try:
                pack_versions.activate(
                    ctx, staff, pack_id=PACK, language=language, version=version, password=password
                )
            except DomainError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.session_state[DONE] = tr(
                    "staff.versions.activated", version=version, language=language_name(language)
                )
                st.rerun()
