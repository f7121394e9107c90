"""The dashboard's routes: ``GET /dashboard`` and its login link, ``GET /dashboard/login``.

The page needs a session cookie, which only a login link gives (logins.py); the link
comes from ``POST /api/v1/dashboard/link``, behind the bearer token like every API
route. The cookie is confined to ``/dashboard`` and the security gate never reads
it, so it opens the page and nothing else. Every answer forbids framing, caching,
referrers and any script or outside resource (the page uses none).
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import Cookie
from litestar.enums import MediaType
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect
from litestar.status_codes import HTTP_401_UNAUTHORIZED

from seenby_server.config import server_url
from seenby_server.logins import SESSION_TTL_S, DashboardLogins
from seenby_server.render import dashboard_page, message_page
from seenby_server.service import Seenby

CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
}
PATH = "/dashboard"


def cookie_name(port: int) -> str:
    # Browsers share cookies between the ports of a host: one name per server.
    return f"seenby_session_{port}"


def login_url(host: str, port: int, code: str) -> str:
    """The link that logs a browser in, on the address the server listens on."""
    return f"{server_url(host, port)}{PATH}/login?code={code}"


def html(content: str, status: int = 200) -> Response[str]:
    return Response(content, status_code=status, media_type=MediaType.HTML, headers=HEADERS)


def dashboard_routes(
    service: Seenby, logins: DashboardLogins, *, port: int, database: str
) -> list[HTTPRouteHandler]:
    session_cookie = cookie_name(port)

    @get(PATH, include_in_schema=False)
    async def dashboard(request: Request[Any, Any, Any]) -> Response[str]:
        if not logins.session_valid(request.cookies.get(session_cookie)):
            return html(
                message_page(
                    "Log in to your dashboard",
                    "This browser has no valid dashboard session (sessions last 12 hours and "
                    "end when the server restarts).",
                ),
                HTTP_401_UNAUTHORIZED,
            )
        data = await service.dashboard()
        # A page of tables and charts takes a few milliseconds: off the event loop too.
        page = await asyncio.get_running_loop().run_in_executor(
            None, dashboard_page, data, database
        )
        return html(page)

    @get(f"{PATH}/login", include_in_schema=False)
    async def login(code: str = "") -> Response[Any]:
        session = logins.redeem(code)
        if session is None:
            return html(
                message_page(
                    "This login link does not work",
                    "It was already used, is more than 5 minutes old, or comes from an "
                    "earlier run of the server. Each link works once.",
                ),
                HTTP_401_UNAUTHORIZED,
            )
        # 303 to the page itself: the code leaves the address bar and the history.
        return Redirect(
            PATH,
            status_code=303,
            headers=HEADERS,
            cookies=[
                Cookie(
                    key=session_cookie,
                    value=session,
                    path=PATH,
                    max_age=int(SESSION_TTL_S),
                    httponly=True,
                    samesite="strict",
                )
            ],
        )

    return [dashboard, login]
