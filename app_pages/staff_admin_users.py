"""Admin: staff accounts. Add, disable / enable, reset a password, change roles. Accounts are
never deleted and their ids never reused."""

from __future__ import annotations

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from services import admin
from services.auth import ROLE_LABELS
from ui import staff_session
from ui.resources import app_context
from ui.staff_session import format_datetime, tr

ctx = app_context()
staff = staff_session.guard(ctx, Role.ADMIN)
st.title(tr("staff.users.title"))
done = st.session_state.pop("users_done", None)
if done:
    st.success(done, icon=":material/check_circle:")


def act(fn, *args, message: str, **kwargs) -> None:
    try:
        fn(ctx, staff, *args, **kwargs)
    except DomainError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        st.session_state["users_done"] = message
        st.rerun()


try:
    users = admin.list_users(ctx, staff)
except DomainError as exc:
    st.error(str(exc))
    st.stop()
now = ctx.clock.now()
st.dataframe(
    [
        {
            tr("staff.users.col.id"): u.id,
            tr("staff.users.col.username"): u.username,
            tr("staff.users.col.name"): u.display_name,
            tr("staff.users.col.roles"): ", ".join(ROLE_LABELS[r] for r in Role if r in u.roles),
            tr("staff.users.col.state"): (
                tr("staff.users.disabled")
                if u.disabled
                else tr("staff.users.locked", until=format_datetime(ctx, u.locked_until))
                if u.locked_until and u.locked_until > now
                else tr("staff.users.active")
            ),
        }
        for u in users
    ],
    hide_index=True,
    width="stretch",
)

roles = list(Role)
with (
    st.expander(tr("staff.users.add"), icon=":material/person_add:"),
    st.form("add_user", clear_on_submit=True),
):
    username = st.text_input(tr("staff.users.col.username"))
    name = st.text_input(tr("staff.users.col.name"))
    chosen = st.multiselect(
        tr("staff.users.col.roles"), roles, format_func=lambda r: ROLE_LABELS[r]
    )
    password = st.text_input(
        tr("staff.users.password"), type="password", autocomplete="new-password"
    )
    if st.form_submit_button(tr("staff.users.add_button"), type="primary"):
        act(
            admin.add_user,
            username=username,
            display_name=name,
            roles=chosen,
            password=password,
            message=tr("staff.users.added", username=username),
        )

if users:
    ids = [u.id for u in users]
    pick = st.selectbox(
        tr("staff.users.pick"),
        ids,
        format_func=lambda i: next(f"{u.display_name} ({u.username})" for u in users if u.id == i),
    )
    user = next(u for u in users if u.id == pick)
    with st.container(border=True):
        left, right = st.columns(2)
        if user.disabled:
            if left.button(tr("staff.users.enable"), icon=":material/person_check:"):
                act(
                    admin.set_disabled,
                    user.id,
                    False,
                    message=tr("staff.users.enabled", username=user.username),
                )
        elif left.button(tr("staff.users.disable"), icon=":material/person_off:"):
            act(
                admin.set_disabled,
                user.id,
                True,
                message=tr("staff.users.disabled_done", username=user.username),
            )
        with st.form(f"roles-{user.id}"):
            new_roles = st.multiselect(
                tr("staff.users.col.roles"),
                roles,
                default=sorted(user.roles, key=roles.index),
                format_func=lambda r: ROLE_LABELS[r],
            )
            if st.form_submit_button(tr("staff.users.save_roles")):
                act(
                    admin.set_roles,
                    user.id,
                    new_roles,
                    message=tr("staff.users.roles_saved", username=user.username),
                )
        with st.form(f"reset-{user.id}", clear_on_submit=True):
            new_pw = st.text_input(
                tr("staff.users.new_password"), type="password", autocomplete="new-password"
            )
            if st.form_submit_button(tr("staff.users.reset")):
                act(
                    admin.reset_password,
                    user.id,
                    new_pw,
                    message=tr("staff.users.reset_done", username=user.username),
                )
