"""How the CLI reaches a running server (stdlib only, no extra dependency)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import msgspec

from seenby_server.config import Paths


class ServerUnavailable(Exception):
    """No server is running for this data directory."""


class ApiFailure(Exception):
    """The server answered with an error; the message is its explanation."""


class ServerClient:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token

    @classmethod
    def find(cls, paths: Paths) -> ServerClient:
        """The running server of this data directory, or :class:`ServerUnavailable`."""
        try:
            info = json.loads(paths.server_info.read_text())
            token = paths.cli_token.read_text().strip()
        except (FileNotFoundError, ValueError) as exc:
            raise ServerUnavailable("no server is running") from exc
        client = cls(info["url"], token)
        try:
            client.call("GET", "/api/v1/rules", timeout=2)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise ServerUnavailable(f"no server answers at {client.url}") from exc
        return client

    def call(self, method: str, path: str, body: Any = None, timeout: float = 120) -> Any:
        data = msgspec.json.encode(body) if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the URL is our own loopback server
            self.url + path,
            data=data,
            method=method,
            headers={"authorization": f"Bearer {self.token}", "content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error", exc.reason)
            except ValueError:
                message = exc.reason
            raise ApiFailure(f"{message} (HTTP {exc.code})") from exc
