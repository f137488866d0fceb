"""The staff session cookie (issue #18): set after sign-in, cleared at sign-out and hand-over.

POST /_consent/session      body {"ticket": "..."}: a one-time ticket from the signed-in script
                            -> 204 with Set-Cookie consent_staff=<token>; HttpOnly; SameSite=Strict
POST /_consent/session/end  (the cookie rides along) -> the session it names ends; cookie cleared

Only a same-origin fetch with a JSON body is accepted: a form or link on another site can neither
send JSON without a CORS preflight (which is refused) nor, under SameSite=Strict, carry the
cookie. The ticket and the token never appear in a URL, so no log or browser history holds them.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services import staff_sessions
from services.context import AppContext
from services.staff_sessions import COOKIE, END_PATH, START_PATH

MAX_BODY = 1024


def _secure(request: Request, ctx: AppContext) -> bool:
    """Secure when the browser reached us over https: directly, or via nginx, which says so in
    X-Forwarded-Proto; or when the setting insists."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return ctx.settings.staff_cookie_secure or request.url.scheme == "https" or forwarded == "https"


def _refused(request: Request) -> Response | None:
    """A cross-site or non-JSON request is refused before anything is read or changed."""
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return JSONResponse({"error": "cross-site"}, status_code=403)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return JSONResponse({"error": "expected JSON"}, status_code=415)
    return None


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def routes(context: Callable[[], AppContext]) -> list[Route]:
    """The two routes, reading the app's context when a request comes (not at import)."""

    async def start(request: Request) -> Response:
        if (refused := _refused(request)) is not None:
            return refused
        body = await request.body()
        try:
            ticket = json.loads(body).get("ticket") if len(body) <= MAX_BODY else None
        except (ValueError, AttributeError):
            ticket = None
        # The database (and, the first time, building the context) off the event loop.
        ctx = await run_in_threadpool(context)
        ticket = ticket if isinstance(ticket, str) else None
        cookie = await run_in_threadpool(staff_sessions.redeem, ctx, ticket)
        if cookie is None:
            return _no_store(JSONResponse({"error": "ticket not valid"}, status_code=403))
        response = _no_store(Response(status_code=204))
        response.set_cookie(
            COOKIE,
            cookie.token,
            max_age=cookie.max_age,
            path="/",
            secure=_secure(request, ctx),
            httponly=True,
            samesite="strict",
        )
        return response

    async def end(request: Request) -> Response:
        if (refused := _refused(request)) is not None:
            return refused
        ctx = await run_in_threadpool(context)
        await run_in_threadpool(
            staff_sessions.end_by_token, ctx, request.cookies.get(COOKIE), reason="cookie cleared"
        )
        response = _no_store(Response(status_code=204))
        response.delete_cookie(
            COOKIE, path="/", secure=_secure(request, ctx), httponly=True, samesite="strict"
        )
        return response

    return [Route(START_PATH, start, methods=["POST"]), Route(END_PATH, end, methods=["POST"])]
