"""CLI access to the database when no server is running (the file is then free)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click
import msgspec

from seenby_server.config import Paths, ServerSettings, parse_deadline_from_env
from seenby_server.plugins import load_plugins
from seenby_server.service import Seenby
from seenby_server.sqlguard import SqlError, run_read_only
from seenby_server.status import collect_status
from seenby_server.store import Store, open_database


def _require_database(paths: Paths) -> None:
    if not paths.database.exists():
        raise click.ClickException(
            f"no database at {paths.database} yet: run `seenby serve` and browse a little"
        )


def local_status(paths: Paths) -> dict[str, Any]:
    host = load_plugins()
    report: dict[str, Any] = {
        "database": str(paths.database),
        "platforms": sorted(host.platform_names),
        "plugins": [p.name for p in host.describe_plugins()],
        "plugin_failures": msgspec.to_builtins(host.failures),
    }
    if not paths.database.exists():
        report["counts"] = {}
        report["parsing"] = []
        return report
    con = open_database(paths.database, read_only=True)
    try:
        report.update(collect_status(con))
    finally:
        con.close()
    return report


def local_sql(paths: Paths, query: str, max_rows: int) -> dict[str, Any]:
    _require_database(paths)
    con = open_database(paths.database, read_only=True)
    try:
        return dict(msgspec.to_builtins(run_read_only(con, query, max_rows=max_rows)))
    except SqlError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        con.close()


@contextlib.contextmanager
def local_service(paths: Paths, parse_workers: int = 0) -> Iterator[Seenby]:
    """The server's service on the database, in this process. ``parse_workers``: parse
    in worker processes, as the server does (a plugin that crashes or hangs then takes
    a worker down, not this command)."""
    _require_database(paths)
    store = Store(paths.database, allowed_directories=[paths.exports])
    settings = ServerSettings(
        paths=paths, parse_workers=parse_workers, parse_deadline_s=parse_deadline_from_env()
    )
    service = Seenby(settings, store, load_plugins())
    try:
        yield service
    finally:
        service.close()
