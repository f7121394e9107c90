"""Reparse through the server's service: off the event loop, and a capture whose rows do
not fit fails alone."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import msgspec

import seenby
from conftest import capture, run_async
from seenby_server.config import Paths, ServerSettings
from seenby_server.plugins import load_plugins
from seenby_server.service import Seenby
from seenby_server.store import Store
from support import example_plugin


def test_reparse_parses_off_the_event_loop(tmp_path: Path) -> None:
    """A page of reparse is seconds of parsing: the event loop keeps answering meanwhile."""
    parsed_on: list[str] = []

    class Probe:
        @staticmethod
        @seenby.hookimpl
        def seenby_parse(capture: seenby.Capture) -> None:
            parsed_on.append(threading.current_thread().name)

    host = load_plugins([example_plugin, Probe()], entry_points=False)
    store = Store(tmp_path / "t.duckdb")
    service = Seenby(ServerSettings(paths=Paths(tmp_path)), store, host)
    body = msgspec.json.encode({"captures": [capture(body={"posts": []}) for _ in range(3)]})

    async def run() -> tuple[str, Any]:
        await service.ingest(body, with_overlays=False)
        parsed_on.clear()
        return threading.current_thread().name, await service.reparse()

    try:
        loop_thread, result = run_async(run)
    finally:
        service.close()
    assert result.processed == 3
    assert len(parsed_on) == 3 and loop_thread not in parsed_on


def test_rows_that_do_not_fit_fail_only_their_capture_on_reparse(tmp_path: Path) -> None:
    """Reparse (like ingest, and recovery after a crash) keeps the other captures' rows."""
    host = load_plugins([example_plugin], entry_points=False)
    store = Store(tmp_path / "t.duckdb")
    service = Seenby(ServerSettings(paths=Paths(tmp_path)), store, host)
    post = {"id": "p1", "author": "u1", "text": "one"}
    body = msgspec.json.encode(
        {"captures": [capture(body={"posts": [post]}), capture(body={"mistyped": True})]}
    )

    async def run() -> Any:
        await service.ingest(body, with_overlays=False)
        return await service.reparse()

    try:
        result = run_async(run)
        assert result.statuses == {"parsed": 1, "error": 1}
        errors = store.read_sync(
            lambda cur: cur.execute(
                "SELECT parse_error FROM captures WHERE parse_status = 'error'"
            ).fetchall()
        )
        assert len(errors) == 1 and "do not fit the tables" in errors[0][0]
        posts = store.read_sync(lambda cur: cur.execute("SELECT post_id FROM posts").fetchall())
        assert posts == [("p1",)]
    finally:
        service.close()
