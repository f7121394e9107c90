"""The HTTP API (Litestar). Routes are thin: each decodes, calls the service, encodes.

See docs/api.md for the contract. Every route under /api/ is behind the
security gate (gate.py); the handlers here assume an authenticated caller.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from seenby import Overlay, Platform, __version__
from seenby_server.dashboard import dashboard_routes, login_url
from seenby_server.gate import ASGIApp, SecurityGate
from seenby_server.logins import DashboardLogins
from seenby_server.refresh import RefreshReport
from seenby_server.security import RateLimiter, TokenStore, redeem_pairing_code
from seenby_server.service import BadBatch, ReparseResult, Seenby
from seenby_server.sqlguard import DEFAULT_MAX_ROWS, SqlError

log = logging.getLogger("seenby")


class ApiError(msgspec.Struct):
    error: str
    status: int


class RulesResponse(msgspec.Struct):
    version: str
    """Changes whenever any declaration changes, so the extension can cache rules."""
    platforms: list[Platform]


class OverlayRequest(msgspec.Struct):
    platform: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    post_ids: Annotated[list[str], msgspec.Meta(max_length=500)]


class OverlayResponse(msgspec.Struct):
    overlays: list[Overlay]


class SqlRequest(msgspec.Struct):
    sql: Annotated[str, msgspec.Meta(max_length=100_000)]
    params: list[Any] | None = None
    max_rows: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = DEFAULT_MAX_ROWS


class PairRequest(msgspec.Struct):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    name: Annotated[str, msgspec.Meta(max_length=100)] = "browser extension"


class PairResponse(msgspec.Struct):
    token: str
    token_id: str


class ReparseRequest(msgspec.Struct):
    platform: str | None = None
    since: datetime | None = None
    after: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=5_000)] = 500


class DashboardLink(msgspec.Struct):
    url: str
    """Opens the dashboard in a browser, once, within 5 minutes."""


def error_response(status: int, message: str) -> Response[ApiError]:
    return Response(ApiError(message, status), status_code=status)


def create_app(
    service: Seenby,
    tokens: TokenStore,
    pairing_path: Any,
    logins: DashboardLogins,
    *,
    on_shutdown: Sequence[Callable[[], None]] = (),
    debug: bool = False,
) -> Litestar:
    pair_failures = RateLimiter(limit=5, window=60.0)
    rules = RulesResponse(
        version=hashlib.sha256(msgspec.json.encode(service.plugins.platforms)).hexdigest()[:16],
        platforms=service.plugins.platforms,
    )

    @post("/api/v1/captures", status_code=200, summary="Store captures; get their overlays")
    async def captures(request: Request[Any, Any, Any], overlays: bool = True) -> Response[Any]:
        """``?overlays=false`` skips building overlays: for bulk imports and scripts."""
        try:
            result = await service.ingest(await request.body(), with_overlays=overlays)
        except BadBatch as exc:
            return error_response(HTTP_400_BAD_REQUEST, str(exc))
        nothing_kept = result.accepted == 0 and result.duplicates == 0
        status = HTTP_422_UNPROCESSABLE_ENTITY if nothing_kept and result.rejected else 200
        return Response(result, status_code=status)

    @get("/api/v1/rules", summary="Every plugin's platform declarations")
    async def get_rules() -> RulesResponse:
        return rules

    @post("/api/v1/overlays", status_code=200, summary="Overlays for posts in view")
    async def overlays(data: OverlayRequest) -> OverlayResponse:
        return OverlayResponse(await service.overlays_for(data.platform, data.post_ids))

    @post("/api/v1/sql", status_code=200, summary="Run one read-only SQL query")
    async def sql(data: SqlRequest) -> Response[Any]:
        try:
            return Response(await service.sql(data.sql, data.params, data.max_rows))
        except SqlError as exc:
            return error_response(HTTP_400_BAD_REQUEST, str(exc))

    @get("/api/v1/status", summary="Counts, parse outcomes and plugin failures")
    async def status() -> dict[str, Any]:
        return await service.status()

    @get("/api/v1/plugins", summary="Loaded plugins and their failures")
    async def plugins() -> dict[str, Any]:
        return {
            "plugins": msgspec.to_builtins(service.plugins.describe_plugins()),
            "failures": msgspec.to_builtins(service.plugins.failures),
        }

    @post("/api/v1/reparse", status_code=200, summary="Re-run parsers over stored captures")
    async def reparse(data: ReparseRequest) -> ReparseResult:
        return await service.reparse(
            platform=data.platform, since=data.since, after=data.after, limit=data.limit
        )

    @post("/api/v1/refresh", status_code=200, summary="Recompute derived tables now")
    async def refresh() -> RefreshReport:
        return await service.refresh()

    @post("/api/v1/pair", status_code=200, summary="Exchange a pairing code for a token")
    async def pair(data: PairRequest) -> Response[Any]:
        wait = pair_failures.retry_after()
        if wait > 0:
            return Response(
                ApiError(f"too many pairing attempts; try again in {wait:.0f} s", 429),
                status_code=HTTP_429_TOO_MANY_REQUESTS,
                headers={"retry-after": str(int(wait) + 1)},
            )
        failure = redeem_pairing_code(pairing_path, data.code)
        if failure:
            pair_failures.record()
            return error_response(HTTP_400_BAD_REQUEST, failure)
        record, token = tokens.create(data.name or "browser extension", "extension")
        log.info("paired %s (token %s)", record.name, record.id)
        return Response(PairResponse(token=token, token_id=record.id))

    @post("/api/v1/dashboard/link", status_code=200, summary="A one-time dashboard login link")
    async def dashboard_link() -> DashboardLink:
        settings = service.settings
        return DashboardLink(login_url(settings.host, settings.port, logins.issue_code()))

    background: set[asyncio.Task[None]] = set()

    def start_refresher() -> None:
        task = asyncio.get_running_loop().create_task(service.refresher.run_forever())
        background.add(task)  # keep a reference: the loop holds tasks only weakly

    def on_http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[ApiError]:
        if exc.status_code == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
            limit = service.settings.max_body_bytes
            return error_response(
                exc.status_code,
                f"request body exceeds the limit of {limit} bytes ({limit / 1048576:g} MiB)",
            )
        detail = exc.detail
        if isinstance(exc, ValidationException) and exc.extra:
            detail = f"{detail}: {msgspec.json.encode(exc.extra).decode()}"
        return error_response(exc.status_code, detail)

    def on_crash(_: Request[Any, Any, Any], exc: Exception) -> Response[ApiError]:
        log.exception("internal error", exc_info=exc)
        return error_response(HTTP_500_INTERNAL_SERVER_ERROR, "internal error (see server log)")

    return Litestar(
        route_handlers=[
            captures,
            get_rules,
            overlays,
            sql,
            status,
            plugins,
            reparse,
            refresh,
            pair,
            dashboard_link,
            *dashboard_routes(
                service, logins, port=service.settings.port, database=str(service.store.path)
            ),
        ],
        on_startup=[start_refresher],
        openapi_config=OpenAPIConfig(title="Seenby", version=__version__, path="/schema"),
        exception_handlers={HTTPException: on_http_error, Exception: on_crash},
        request_max_body_size=service.settings.max_body_bytes,
        on_shutdown=[lambda: [t.cancel() for t in background], service.close, *on_shutdown],
        debug=debug,
    )


def create_asgi(
    service: Seenby,
    tokens: TokenStore,
    pairing_path: Any,
    logins: DashboardLogins,
    on_shutdown: Sequence[Callable[[], None]] = (),
) -> ASGIApp:
    """The app behind the security gate: what the HTTP server runs."""
    settings = service.settings
    return SecurityGate(
        create_app(service, tokens, pairing_path, logins, on_shutdown=on_shutdown),
        port=settings.port,
        tokens=tokens,
        max_body_bytes=settings.max_body_bytes,
        allow_remote=settings.allow_remote,
    )
