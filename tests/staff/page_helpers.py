"""What staff do on the AppTest pages, shared by the staff page tests (imported by name; pytest
puts this folder on sys.path). The app runs with its real context; consents are made through the
same service functions the patient's screens use."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from staff_helpers import PASSWORD, TEAM, signed_out, time_out, with_plan
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from accounts.staff import Role
from services import admin, demo
from services import staff as staff_svc

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def add_staff(ctx, role: Role, *, username: str | None = None, roles=None, name=None) -> str:
    name = name or TEAM[role][1]
    username = username or TEAM[role][0]
    admin.add_user(
        ctx,
        None,
        username=username,
        display_name=name,
        roles=roles or [role],
        password=PASSWORD,
        via_cli=True,
    )
    return username


def fresh_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=90).run()


def open_address(at: AppTest, url_path: str) -> AppTest:
    """What typing /<url_path> into the address bar does: run the page registered there."""
    at._page_hash = calc_hash(url_path)
    at.run()
    at._page_hash = ""  # later runs stay on the page the app ended on, as a browser does
    return at


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    user_box = next(w for w in at.text_input if w.label == "Username")
    pw_box = next(w for w in at.text_input if w.label == "Password")
    user_box.input(username)
    pw_box.input(password)
    return click(at, "Sign in")


def signed_in(ctx, role: Role, **kw) -> AppTest:
    username = add_staff(ctx, role, **kw)
    at = fresh_app()
    open_address(at, "staff")
    return sign_in(at, username)


def click(at: AppTest, label: str) -> AppTest:
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[0].click().run()


def texts(at: AppTest) -> str:
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "success",
        "info",
        "warning",
        "error",
        "code",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    # As a person reads it: typed words reach Markdown escaped (ui.text.shown_as_typed).
    return re.sub(r"\\(.)", r"\1", "\n".join(parts)).replace("\u2060", "")


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def patient(ctx, **kw):
    kw.setdefault("legal_name", "Maria Testperson")
    kw.setdefault("date_of_birth", dt.date(1971, 4, 5))
    planned = kw.pop("plan", True)  # the treatment plan staff set at hand-over
    made = demo.patient_completes(ctx, **kw)
    return with_plan(ctx, made) if planned else made


def stop_question(ctx) -> str:
    return next(r.question for r in ctx.active_pack("en").screening.rules if r.flag.value == "stop")


def stored(ctx, consent_id):
    with ctx.database.uow() as uow:
        return uow.consents.get(consent_id)


def attested(ctx):
    """A consent verified, timed-out and attested by two new staff (nurse2, doc2)."""
    from services import auth

    c = patient(ctx)
    add_staff(ctx, Role.NURSE, username="nurse2")
    add_staff(ctx, Role.CLINICIAN, username="doc2")
    nurse, doc = auth.sign_in(ctx, "nurse2", PASSWORD), auth.sign_in(ctx, "doc2", PASSWORD)
    pack = ctx.active_pack("en")
    c = staff_svc.verify(
        ctx,
        nurse,
        c.id,
        answers={i.id: ("yes", "") for i in pack.nurse_checklist},
        password=PASSWORD,
        expected_version=c.version,
    )
    c = time_out(
        ctx, nurse, c.id, confirmed=[i.id for i in pack.timeout], expected_version=c.version
    )
    return staff_svc.attest(ctx, doc, c.id, password=PASSWORD, expected_version=c.version)


def ready_to_file(ctx):
    """``attested``, then doc2 enters and signs the procedure's sign-out: what filing waits for."""
    from services import auth

    c = attested(ctx)
    return signed_out(ctx, auth.sign_in(ctx, "doc2", PASSWORD), c)
