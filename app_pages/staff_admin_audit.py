"""Admin: the audit trail with filters, its hash-chain check, and CSV export."""

from __future__ import annotations

import streamlit as st

from errors import DomainError
from services import audit_trail, staff_views
from ui import staff_session
from ui.resources import app_context
from ui.staff_session import tr

ACTIONS = (
    "",
    "consent.started",
    "consent.submitted",
    "consent.declined",
    "consent.abandoned",
    "flag.reviewed",
    "consent.verified",
    "consent.timeout",
    "consent.attested",
    "consent.held",
    "consent.released",
    "consent.filed",
    "consent.entered_in_error",
    "document.issued",
    "document.downloaded",
    "user.signed_in",
    "user.sign_in_failed",
    "user.locked",
    "user.signed_out",
    "user.session_resumed",
    "user.created",
    "user.disabled",
    "user.enabled",
    "user.password_reset",
    "user.roles_changed",
    "export.day",
)

ctx = app_context()
staff = staff_session.admin_page(ctx, "staff.audit.title")

with st.form("audit_filter"):
    left, right = st.columns(2)
    today = staff_views.today(ctx)
    date_from = left.date_input(tr("staff.search.from"), value=today, format="YYYY-MM-DD")
    date_to = right.date_input(tr("staff.search.to"), value=today, format="YYYY-MM-DD")
    action = left.selectbox(
        tr("staff.audit.action"), ACTIONS, format_func=lambda a: a or tr("staff.audit.any")
    )
    actor = right.text_input(tr("staff.audit.actor"))
    consent_id = st.text_input(tr("staff.audit.consent"))
    st.form_submit_button(tr("staff.audit.button"), icon=":material/filter_alt:")

try:
    rows = audit_trail.audit_trail(
        ctx,
        staff,
        date_from=date_from,
        date_to=date_to,
        action=action or None,
        actor_id=actor.strip() or None,
        consent_id=consent_id.strip() or None,
    )
    chain = audit_trail.audit_chain(ctx, staff)
except DomainError as exc:
    st.error(str(exc))
    st.stop()

if chain.ok:
    st.success(tr("staff.audit.chain_ok", count=chain.checked), icon=":material/link:")
else:
    st.error(tr("staff.audit.chain_broken", message=chain.message), icon=":material/link_off:")
st.caption(tr("staff.audit.count", count=len(rows)))
st.dataframe(
    [
        {
            "#": r.id,
            tr("staff.audit.col.time"): r.at.strftime("%Y-%m-%d %H:%M:%S %Z"),  # clinic zone
            tr("staff.audit.col.actor"): r.actor,
            tr("staff.audit.col.role"): r.role,
            tr("staff.audit.action"): r.action,
            tr("staff.audit.col.consent"): r.consent_id[:8],
            tr("staff.audit.col.old"): r.old,
            tr("staff.audit.col.new"): r.new,
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)
st.download_button(
    tr("staff.audit.csv"),
    data=audit_trail.audit_csv(rows),
    file_name="audit.csv",
    mime="text/csv",
    icon=":material/download:",
)
