"""The staff cookie's routes (web/staff_cookie.py) called as an ASGI app, as uvicorn calls them:
a ticket in a JSON body gives an HttpOnly, SameSite=Strict cookie once; a cross-site or non-JSON
request is refused; /end ends the session the cookie names and clears it."""

from __future__ import annotations

import asyncio
import json

from staff_helpers import PASSWORD
from starlette.applications import Starlette

from services import admin, staff_sessions
from web import staff_cookie


def _call(ctx, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None):
    """One POST through the routes; (status, headers as a list of (name, value))."""
    app = Starlette(routes=staff_cookie.routes(lambda: ctx))
    sent: list[dict] = []
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"tablet.clinic.test"), *raw],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8501),
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], [(k.decode(), v.decode()) for k, v in start["headers"]]


def _set_cookie(headers) -> str:
    (value,) = [v for k, v in headers if k == "set-cookie"]
    return value


JSON = {"content-type": "application/json"}


def _ticket(ctx) -> str:
    admin.add_user(
        ctx, None, username="nina", display_name="Nina Nurse", roles=["nurse"],
        password=PASSWORD, via_cli=True,
    )  # fmt: skip
    return staff_sessions.sign_in(ctx, "nina", PASSWORD)[1]


def test_a_ticket_in_the_body_sets_an_http_only_strict_cookie_once(ctx):
    body = json.dumps({"ticket": _ticket(ctx)}).encode()
    status, headers = _call(ctx, staff_sessions.START_PATH, body=body, headers=JSON)
    assert status == 204
    cookie = _set_cookie(headers)
    token = cookie.split(";")[0].removeprefix(staff_sessions.COOKIE + "=")
    assert staff_sessions.resume(ctx, token) is not None  # the cookie opens the session
    attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    assert f"max-age={ctx.settings.staff_session_hours * 3600}" in attributes
    assert "secure" not in attributes  # plain http on the loopback
    assert ("cache-control", "no-store") in headers
    again, headers = _call(ctx, staff_sessions.START_PATH, body=body, headers=JSON)
    assert again == 403 and not [k for k, _ in headers if k == "set-cookie"]


def test_behind_https_the_cookie_is_secure(ctx):
    body = json.dumps({"ticket": _ticket(ctx)}).encode()
    headers = {**JSON, "X-Forwarded-Proto": "https"}
    status, answer = _call(ctx, staff_sessions.START_PATH, body=body, headers=headers)
    assert status == 204 and "Secure" in _set_cookie(answer)


def test_cross_site_form_or_bad_bodies_are_refused(ctx):
    body = json.dumps({"ticket": _ticket(ctx)}).encode()
    cross = {**JSON, "Sec-Fetch-Site": "cross-site"}
    assert _call(ctx, staff_sessions.START_PATH, body=body, headers=cross)[0] == 403
    form = {"content-type": "application/x-www-form-urlencoded"}
    assert _call(ctx, staff_sessions.START_PATH, body=b"ticket=x", headers=form)[0] == 415
    for bad in (b"not json", b"[1]", b'{"ticket": 5}', b'{"ticket": "' + b"x" * 2000 + b'"}'):
        assert _call(ctx, staff_sessions.START_PATH, body=bad, headers=JSON)[0] == 403
    # None of these spent the ticket: the real request still works.
    assert _call(ctx, staff_sessions.START_PATH, body=body, headers=JSON)[0] == 204


def test_end_ends_the_session_of_the_cookie_and_clears_it(ctx):
    body = json.dumps({"ticket": _ticket(ctx)}).encode()
    _, headers = _call(ctx, staff_sessions.START_PATH, body=body, headers=JSON)
    pair = _set_cookie(headers).split(";")[0]
    token = pair.split("=", 1)[1]
    status, headers = _call(
        ctx, staff_sessions.END_PATH, body=b"{}", headers={**JSON, "Cookie": pair}
    )
    assert status == 204
    cleared = _set_cookie(headers).lower()
    assert cleared.startswith(staff_sessions.COOKIE + '=""') and "max-age=0" in cleared
    assert staff_sessions.resume(ctx, token) is None
