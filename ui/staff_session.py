"""Who is signed in on this browser tab, idle logoff, and each role's page list.

Not a page: app.py and the staff pages import it. The session holds no secret (a StaffSession:
id, names, roles, times); every service call reloads the account and checks the role again.
A sign-in is also stored (services.staff_sessions) behind an HttpOnly cookie, so a new browser
session, on this server or another after one went away, resumes it (issue #18).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import time
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from accounts.staff import Role
from errors import DomainError
from language.i18n import t
from services import auth, staff_sessions
from services.auth import StaffSession
from services.context import AppContext
from ui.session_cookie import cookie_request
from ui.staff_pages import ALL as ALL  # the page list, re-exported for its callers
from ui.staff_pages import PAGES
from ui.staff_pages import StaffPage as StaffPage
from ui.text import shown_as_typed

T = TypeVar("T")

KEY = "staff_session"
NOTICE = "staff_notice"  # a message for the sign-in page (signed out, idle logoff)
STAFF_LANG = "en"  # staff screens are in the clinic's language (messages/en/staff.yaml)
IDLE_CHECK_SECONDS = 30
JOB = "staff_cookie_job"  # a cookie request for the browser still to make (id, url, body, until)
SAVED = "staff_seen_saved"  # when this tab last saved its activity to the database
CHECKED = "staff_cookie_checked"  # the digest of a cookie this tab already tried to resume
# Activity is saved at most once a minute: a tap costs no database write, as before issue #18.
# A server that resumes the session sees a last-seen time at most this old, so an idle sign-out
# there comes at most a minute early, never late.
SAVE_EVERY = dt.timedelta(seconds=60)
JOB_SECONDS = 60  # a ticket lasts a minute: the element is shown no longer than that


def tr(key: str, **values: object) -> str:
    return t(STAFF_LANG, key, **values)


SIGN_IN_PATH = "app_pages/sign_in.py"
SIGN_IN_URL = "staff"
PATIENT_PATH = "app_pages/patient.py"


# --- the session ----------------------------------------------------------------------------
def current() -> StaffSession | None:
    staff = st.session_state.get(KEY)
    return staff if isinstance(staff, StaffSession) else None


def start(staff: StaffSession, *, ticket: str | None = None) -> None:
    """This tab is signed in; with a ticket (a fresh sign-in) the browser trades it for the
    cookie (a resumed session already has one)."""
    st.session_state[KEY] = staff
    st.session_state[SAVED] = staff.last_seen
    st.session_state.pop(NOTICE, None)
    if ticket:
        _ask_browser(staff_sessions.START_PATH, {"ticket": ticket})


def _ask_browser(url: str, body: dict[str, str]) -> None:
    st.session_state[JOB] = (secrets.token_hex(8), url, body, time.monotonic() + JOB_SECONDS)


def _signed_out(notice: str | None) -> None:
    """Clear everything the tab held for staff (selected consent, form values), and have the
    browser drop the cookie (the stored session is already ended: the cookie opens nothing)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if notice:
        st.session_state[NOTICE] = notice
    if token := _cookie():  # this browser session began with it: do not try it again
        st.session_state[CHECKED] = staff_sessions.digest(token)
    _ask_browser(staff_sessions.END_PATH, {})


def end(ctx: AppContext, *, reason: str = "user", notice: str | None = None) -> None:
    """Sign out (also the hand-over to a patient): audited, and the stored session ended, so a
    reload with the old cookie, here or on another server, is not signed in."""
    staff = current()
    if staff is not None:
        with contextlib.suppress(DomainError):  # signing out must always clear the tab
            auth.sign_out(ctx, staff, reason=reason)
    _signed_out(notice)


def _cookie() -> str | None:
    """The staff cookie this browser session was opened with (HttpOnly: only the server sees
    it; a cookie set later by this tab shows in the next browser session)."""
    value = st.context.cookies.get(staff_sessions.COOKIE)
    return value if isinstance(value, str) else None  # AppTest's stand-in runtime gives a mock


def _resume(ctx: AppContext) -> StaffSession | None:
    """A new browser session with the cookie of a stored sign-in: resume it, once per cookie
    (a dead cookie costs one lookup, not one per tap)."""
    token = _cookie()
    if not token:
        return None
    mark = staff_sessions.digest(token)
    if st.session_state.get(CHECKED) == mark:
        return None
    st.session_state[CHECKED] = mark
    try:
        staff = staff_sessions.resume(ctx, token)
    except auth.SessionExpired as exc:
        _signed_out(str(exc))
        return None
    if staff is None:
        _ask_browser(staff_sessions.END_PATH, {})  # ended or unknown: drop the cookie
        return None
    start(staff)
    return staff


def refresh(ctx: AppContext) -> StaffSession | None:
    """Each full run: resume a stored session in a new browser session; end an idle session
    (audited), else record activity now (in the database about once a minute)."""
    staff = current()
    if staff is None:
        return _resume(ctx)
    try:
        staff = auth.touch(ctx, staff)
    except auth.SessionExpired as exc:
        _signed_out(str(exc))
        return None
    saved = st.session_state.get(SAVED)
    if saved is None or staff.last_seen - saved >= SAVE_EVERY:
        if not staff_sessions.still_open(ctx, staff):  # signed out elsewhere, or too old
            _signed_out(tr("staff.sign_out.done"))
            return None
        st.session_state[SAVED] = staff.last_seen
    st.session_state[KEY] = staff
    return staff


def cookie_work() -> None:
    """app.py, each run: the browser's pending cookie request (after a sign-in, sign-out or
    hand-over), shown until its ticket would have expired (the browser sends it once)."""
    job = st.session_state.get(JOB)
    if job is None:
        return
    job_id, url, body, until = job
    if time.monotonic() > until:
        st.session_state.pop(JOB, None)
        return
    cookie_request(key="staff_cookie", job=job_id, url=url, body=body)


def _idle_watch_body(ctx: AppContext) -> None:
    staff = current()
    if staff is not None and auth.is_expired(ctx, staff):
        st.rerun(scope="app")  # the full run signs the idle session out


def idle_watch(ctx: AppContext) -> None:
    """Re-check idleness every 30 s without counting as activity, so an unattended screen
    closes by itself."""
    st.fragment(run_every=dt.timedelta(seconds=IDLE_CHECK_SECONDS))(_idle_watch_body)(ctx)


def guard(ctx: AppContext, *roles: Role) -> StaffSession:
    """The signed-in staff member, or a clear message and nothing else of the page."""
    staff = current()
    if staff is None:
        st.warning(tr("staff.guard.sign_in"))
        st.page_link(SIGN_IN_PATH, label=tr("staff.guard.go_sign_in"), icon=":material/login:")
        st.stop()
    if roles and not any(staff.has(r) for r in roles):
        st.error(tr("staff.guard.not_allowed", name=shown_as_typed(staff.display_name)))
        st.stop()
    idle_watch(ctx)
    return staff


def admin_page(ctx: AppContext, title_key: str, explain_key: str | None = None) -> StaffSession:
    """An admin page's top: the guard (admins only), the wide layout its tables need (in the
    centred column long words and figures were cut off at 1280 px), its title and caption."""
    staff = guard(ctx, Role.ADMIN)
    st.set_page_config(layout="wide")
    st.title(tr(title_key))
    if explain_key:
        st.caption(tr(explain_key))
    return staff


def sidebar(staff: StaffSession) -> None:
    """Who is signed in, and the role's menu (page links, so it does not depend on the
    client.showSidebarNavigation setting the kiosk turns off)."""
    with st.sidebar:
        st.markdown(f"**{shown_as_typed(staff.display_name)}**  \n{staff.role_names}")
        section = None
        for p in PAGES:
            if not any(staff.has(r) for r in p.roles):
                continue
            if p.section_key != section:
                section = p.section_key
                st.caption(tr(section))
            st.page_link(p.path, label=tr(p.title_key), icon=p.icon)


# --- navigation -------------------------------------------------------------------------------
HOME = {
    Role.NURSE: "app_pages/staff_queue.py",
    Role.CLINICIAN: "app_pages/staff_queue.py",
    Role.FRONT_DESK: "app_pages/staff_filing.py",
    Role.ADMIN: "app_pages/staff_admin_users.py",
}


def home_path(staff: StaffSession) -> str:
    """The page a role starts on (the first role held decides, in care-team order)."""
    return next(HOME[r] for r in Role if staff.has(r))


ROUTER = "router_pages"  # this tab's st.Page objects (ui.patient.common.forget_patient keeps them)


def _per_tab(key: tuple[object, ...], build: Callable[[], T]) -> T:
    """The router's pages, built once per browser tab and kept while ``key`` holds: each st.Page
    resolves its file on disk, 17 of them on every run were a fifth of a patient tap's server
    time. Per tab, never shared: st.navigation marks the page it runs on the object itself."""
    held = st.session_state.get(ROUTER)
    if held is None or held[0] != key:
        held = st.session_state[ROUTER] = (key, build())
    return held[1]


def pages_for(staff: StaffSession) -> tuple[dict[str, list], st.Page]:
    """The role's pages grouped in sections, and the first one (the home page)."""
    return _per_tab(("staff", staff.roles), lambda: _staff_pages(staff))


def _staff_pages(staff: StaffSession) -> tuple[dict[str, list], st.Page]:
    sections: dict[str, list] = {}
    home = None
    for p in PAGES:
        if not any(staff.has(r) for r in p.roles):
            continue
        page = st.Page(p.path, title=tr(p.title_key), url_path=p.url_path, icon=p.icon)
        if p.path == home_path(staff):
            home = page
        sections.setdefault(tr(p.section_key), []).append(page)
    hidden = [
        # The patient flow stays the default address; app.py sends staff on to their home.
        st.Page(PATIENT_PATH, title=tr("staff.page.patient"), default=True, visibility="hidden"),
        st.Page(
            SIGN_IN_PATH, title=tr("staff.page.sign_in"), url_path=SIGN_IN_URL, visibility="hidden"
        ),
    ]
    first_section = next(iter(sections))
    sections[first_section] = hidden + sections[first_section]
    assert home is not None
    return sections, home


def signed_out_pages(patient_title: str) -> list:
    """Nobody signed in: the patient flow; every staff address shows the sign-in form."""

    def build() -> list:
        pages = [
            st.Page(PATIENT_PATH, title=patient_title, default=True),
            st.Page(SIGN_IN_PATH, title=tr("staff.page.sign_in"), url_path=SIGN_IN_URL),
        ]
        pages += [
            st.Page(SIGN_IN_PATH, title=tr("staff.page.sign_in"), url_path=p.url_path)
            for p in PAGES
        ]
        return pages

    return _per_tab(("signed out", patient_title), build)


def format_time(ctx: AppContext, when: dt.datetime | None) -> str:
    if when is None:
        return "—"
    return when.astimezone(ctx.settings.tz).strftime("%H:%M")


def format_datetime(ctx: AppContext, when: dt.datetime | None) -> str:
    if when is None:
        return "—"
    return when.astimezone(ctx.settings.tz).strftime("%Y-%m-%d %H:%M %Z")
