"""Running the server: open the store, load plugins, serve until SIGINT/SIGTERM.

uvicorn handles the signals: it stops accepting, lets in-flight requests finish
(their writes commit before they answer), then the app's shutdown closes the
store, which drains the writer queue and checkpoints.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import msgspec
import uvicorn

from seenby_server.app import create_asgi
from seenby_server.config import ServerSettings, server_url
from seenby_server.dashboard import login_url
from seenby_server.logins import DashboardLogins
from seenby_server.plugins import load_plugins
from seenby_server.security import TokenStore, write_private
from seenby_server.service import Seenby
from seenby_server.store import Store


class ServerInfo(msgspec.Struct):
    """Written to ``server.json`` while running, so the CLI can find the server."""

    url: str
    port: int
    pid: int


def ensure_cli_token(settings: ServerSettings, tokens: TokenStore) -> str:
    """The CLI's own token (created once, 0600), re-created if it was revoked."""
    path = settings.paths.cli_token
    if path.exists():
        token = path.read_text().strip()
        if tokens.check(token).ok:
            return token
    _, token = tokens.create("seenby command line", "cli")
    write_private(path, token.encode())
    return token


def serve(settings: ServerSettings, announce: Callable[[str], None] = print) -> None:
    settings.paths.ensure()
    store = Store(settings.paths.database, allowed_directories=[settings.paths.exports])
    plugins = load_plugins()
    service = Seenby(settings, store, plugins)
    tokens = TokenStore(settings.paths.tokens)
    ensure_cli_token(settings, tokens)
    url = server_url(settings.host, settings.port)
    info = settings.paths.server_info

    def forget_server() -> None:
        info.unlink(missing_ok=True)

    # uvicorn re-raises SIGTERM after its own shutdown, so cleanup belongs in the
    # app's shutdown hooks rather than after `run()` returns.
    logins = DashboardLogins()
    app = create_asgi(service, tokens, settings.paths.pairing, logins, on_shutdown=[forget_server])
    write_private(info, msgspec.json.encode(ServerInfo(url, settings.port, os.getpid())))
    if service.recovered:
        announce(f"merged the rows of {service.recovered} captures the last run had not merged")
    for failure in plugins.failures:
        announce(f"plugin {failure.plugin} failed in {failure.hook}: {failure.error}")
    names = ", ".join(sorted(plugins.platform_names)) or "none"
    announce(f"Seenby serving on {url}  (data: {settings.paths.data_dir}; platforms: {names})")
    link = login_url(settings.host, settings.port, logins.issue_code())
    announce(f"Dashboard: {link}")
    announce("  (the link works once, for 5 minutes; `seenby dashboard` prints a new one)")
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=os.environ.get("SEENBY_LOG_LEVEL", "warning"),
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=20,
        server_header=False,
    )
    try:
        uvicorn.Server(config).run()
    finally:
        service.close()
        forget_server()
