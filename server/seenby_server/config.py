"""Where Seenby keeps its files and how the server is bound."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import platformdirs

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7717
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def default_data_dir() -> Path:
    """``SEENBY_DATA_DIR`` if set, else the platform's user data directory."""
    env = os.environ.get("SEENBY_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("seenby", appauthor=False))


class Paths(msgspec.Struct, frozen=True):
    """Every file Seenby writes, under one data directory."""

    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "seenby.duckdb"

    @property
    def tokens(self) -> Path:
        return self.data_dir / "tokens.json"

    @property
    def cli_token(self) -> Path:
        return self.data_dir / "cli-token"

    @property
    def pairing(self) -> Path:
        return self.data_dir / "pairing.json"

    @property
    def server_info(self) -> Path:
        """Written by a running server: its address and pid, so the CLI can reach it."""
        return self.data_dir / "server.json"

    @property
    def exports(self) -> Path:
        return self.data_dir / "exports"

    def ensure(self) -> None:
        """Create the data directory, readable by the user only."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.exports.mkdir(exist_ok=True, mode=0o700)


class ServerSettings(msgspec.Struct, frozen=True, kw_only=True):
    paths: Paths
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allow_remote: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    annotate_budget_ms: int = 250
    dashboard_budget_ms: int = 2000
    """Time the plugins' dashboard panels get, together (``SEENBY_DASHBOARD_BUDGET_MS``):
    a page load, unlike an overlay, may read whole tables."""
    refresh_interval_s: float = 5.0
    """Least time between two background refreshes (``SEENBY_REFRESH_INTERVAL``)."""
    parse_workers: int = 0
    """Worker processes that parse requests (parse_pool.py); 0 parses in the server
    process. ``seenby serve`` starts one (``SEENBY_PARSE_WORKERS``)."""
    parse_deadline_s: float = 60.0
    """A parse worker still at one job after this long is killed: a plugin hangs on it
    (``SEENBY_PARSE_DEADLINE_S``)."""


def parse_deadline_from_env() -> float:
    return float(os.environ.get("SEENBY_PARSE_DEADLINE_S", "60"))


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def server_url(host: str, port: int) -> str:
    """The address a browser or the CLI reaches the server on, when it listens on ``host``."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - a wildcard bind is reached on loopback
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6
    return f"http://{host}:{port}"
