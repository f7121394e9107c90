"""The ASGI gate in front of the app: Host, Origin, CORS, body size and bearer tokens.

It runs before any route, so a refused request never reaches a handler. CORS
headers alone stop nothing (a browser still sends the request), hence the
explicit Origin refusal; DNS rebinding is stopped by the Host check. Both checks
cover every path, the dashboard's included. ``/api/`` routes take a bearer token and
nothing else: the dashboard's session cookie (dashboard.py) is never read here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

import msgspec

from seenby_server.config import is_loopback
from seenby_server.security import EXTENSION_ORIGIN, TokenStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[..., Awaitable[None]]

PUBLIC_API_PATHS = frozenset({"/api/v1/pair"})
CORS_ALLOW_HEADERS = b"authorization, content-type"
CORS_ALLOW_METHODS = b"GET, POST, DELETE, OPTIONS"


async def send_error(
    send: Send, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = msgspec.json.encode({"error": message, "status": status})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityGate:
    def __init__(
        self,
        app: ASGIApp,
        *,
        port: int,
        tokens: TokenStore,
        max_body_bytes: int,
        allow_remote: bool = False,
    ) -> None:
        self.app = app
        self.port = port
        self.tokens = tokens
        self.max_body_bytes = max_body_bytes
        self.allow_remote = allow_remote
        self.own_origins = {f"http://{host}:{port}" for host in ("127.0.0.1", "localhost", "[::1]")}

    def host_allowed(self, host: str) -> bool:
        if self.allow_remote:
            return True
        name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        return is_loopback(name.lower()) and port == str(self.port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not self.host_allowed(headers.get("host", "")):
            await send_error(send, 403, "host not allowed: Seenby answers only on loopback")
            return
        origin = headers.get("origin")
        extension_origin = origin is not None and EXTENSION_ORIGIN.match(origin) is not None
        if origin is not None and not extension_origin and origin not in self.own_origins:
            await send_error(send, 403, f"origin not allowed: {origin[:100]}")
            return
        cors: list[tuple[bytes, bytes]] = (
            [(b"access-control-allow-origin", origin.encode()), (b"vary", b"Origin")]
            if extension_origin and origin is not None
            else []
        )
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(send, cors)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            await send_error(send, 413, self.too_large_message(int(length)), cors)
            return
        path: str = scope["path"]
        if path.startswith("/api/") and path not in PUBLIC_API_PATHS:
            reason = self._auth_failure(headers.get("authorization", ""))
            if reason:
                await send_error(send, 401, reason, [*cors, (b"www-authenticate", b"Bearer")])
                return
        if not cors:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *cors]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def too_large_message(self, size: int | None = None) -> str:
        limit = self.max_body_bytes
        got = f" is {size} bytes;" if size is not None else " exceeds"
        return (
            f"request body{got} the limit is {limit} bytes ({limit / 1048576:g} MiB): "
            "send fewer captures per request"
        )

    def _auth_failure(self, authorization: str) -> str:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "missing bearer token: pair the extension (`seenby pair`) or use `seenby token`"
        check = self.tokens.check(token.strip())
        return "" if check.ok else check.reason

    @staticmethod
    async def _preflight(send: Send, cors: Sequence[tuple[bytes, bytes]]) -> None:
        headers: list[tuple[bytes, bytes]] = [(b"content-length", b"0")]
        if cors:
            headers += [
                *cors,
                (b"access-control-allow-methods", CORS_ALLOW_METHODS),
                (b"access-control-allow-headers", CORS_ALLOW_HEADERS),
                (b"access-control-max-age", b"600"),
            ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
