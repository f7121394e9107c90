"""Shared fixtures: a real `seenby serve` process on a free port with a real DuckDB file."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = ROOT / "tests" / "support"
FIXTURES = ROOT / "tests" / "fixtures"
SEENBY = [sys.executable, "-m", "seenby_server"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat()


def capture(
    url: str = "https://example.test/api/feed",
    body: Any = None,
    *,
    kind: str = "api",
    capture_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A capture as the extension posts it."""
    item = {
        "id": capture_id or str(uuid.uuid4()),
        "kind": kind,
        "url": url,
        "method": "GET",
        "status": 200,
        "page_url": "https://example.test/home",
        "captured_at": now_rfc3339(),
        "body": body if body is not None else {"posts": []},
    }
    item.update(extra)
    return item


T = TypeVar("T")


def run_async(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(scenario())`` in a thread of its own: Playwright's sync API (the e2e
    tests) leaves an event loop running in the main thread, where asyncio.run refuses."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(scenario())
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEENBY_")}
    env["SEENBY_DATA_DIR"] = str(data_dir)
    env["SEENBY_PLUGINS"] = "example_plugin"
    env["PYTHONPATH"] = os.pathsep.join([str(SUPPORT), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def run_cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SEENBY, *args],
        env=cli_env(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


class Server:
    """A running server process and an authenticated HTTP client for it."""

    def __init__(self, data_dir: Path, port: int, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = env
        self.process: subprocess.Popen[str] | None = None
        self.token = ""

    def start(self, *extra_args: str) -> None:
        self.process = subprocess.Popen(
            [*SEENBY, "serve", "--port", str(self.port), *extra_args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
            try:
                httpx.get(f"{self.url}/schema/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise RuntimeError("server did not start within 20 s")
        self.token = (self.data_dir / "cli-token").read_text().strip()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.stdout:
                self.process.stdout.close()

    def request(
        self, method: str, path: str, *, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if token is None:
            token = self.token
        if token:
            headers.setdefault("Authorization", f"Bearer {token}")
        return httpx.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def post_captures(self, *captures: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return self.request("POST", "/api/v1/captures", json={"captures": list(captures)}, **kwargs)

    def sql(self, query: str, params: list[Any] | None = None) -> list[list[Any]]:
        response = self.request("POST", "/api/v1/sql", json={"sql": query, "params": params})
        assert response.status_code == 200, response.text
        return response.json()["rows"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def make_server(data_dir: Path) -> Iterator[Any]:
    servers: list[Server] = []

    def make(
        *args: str, plugins: str = "example_plugin", port: int | None = None, **env_vars: str
    ) -> Server:
        env = cli_env(data_dir, SEENBY_PLUGINS=plugins, **env_vars)
        server = Server(data_dir, port or free_port(), env)
        server.start(*args)
        servers.append(server)
        return server

    yield make
    for server in servers:
        if server.process and server.process.poll() is None:
            server.stop(signal.SIGKILL)


@pytest.fixture
def server(make_server: Any) -> Server:
    return make_server()
