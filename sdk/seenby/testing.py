"""Helpers for testing a plugin against sample captures, without a server.

>>> from seenby.testing import make_capture, parse_with
>>> capture = make_capture("https://example.com/api/feed", {"items": []}, platform="example")
>>> capture.kind
'api'
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pluggy

from seenby import hookspecs
from seenby.types import Capture, CaptureKind, ParseResult


def make_capture(
    url: str,
    body: Any,
    *,
    kind: CaptureKind = "api",
    platform: str | None = None,
    method: str = "GET",
    status: int = 200,
    request_body: Any = None,
    page_url: str | None = None,
    captured_at: datetime | None = None,
    operation: str | None = None,
    capture_id: str | None = None,
) -> Capture:
    """A capture as the extension would send it. ``body`` may be a JSON value or text."""
    return Capture(
        id=capture_id or str(uuid.uuid4()),
        kind=kind,
        url=url,
        method=method,
        status=status,
        page_url=page_url or url,
        captured_at=captured_at or datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        request_body=request_body,
        body=body,
        platform=platform,
        operation=operation,
    )


def load_body(path: str | Path) -> Any:
    """A fixture file's content: decoded JSON for ``.json`` files, text otherwise."""
    text = Path(path).read_text(encoding="utf-8")
    return json.loads(text) if str(path).endswith(".json") else text


def plugin_manager(*plugins: object) -> pluggy.PluginManager:
    """A plugin manager with Seenby's hook specifications and the given plugins only."""
    manager = pluggy.PluginManager("seenby")
    manager.add_hookspecs(hookspecs)
    for plugin in plugins:
        manager.register(plugin)
    return manager


def parse_with(plugin: object, capture: Capture) -> ParseResult | None:
    """Run one plugin's ``seenby_parse`` on a capture, as the server would."""
    results = plugin_manager(plugin).hook.seenby_parse(capture=capture)
    if not results:
        return None
    merged = ParseResult()
    for result in results:
        merged.extend(result)
    return merged
