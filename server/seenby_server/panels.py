"""What the dashboard shows: the stored data at a glance, and every plugin's panels.

Plugins' ``seenby_dashboard_panels`` run side by side in worker threads under one
time budget, as the overlay hooks do: one that raises, overruns or returns something
that is not a panel is left out and recorded as a plugin failure, which the page
shows. A thread cannot be killed, so an overrun plugin finishes in the background;
until it has, later loads do not start it again (it would hold one more thread each).
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import duckdb
import msgspec
import polars as pl

from seenby import Panel
from seenby_server.overlays import ReadContext
from seenby_server.plugins import PluginFailure, PluginHost, outcomes_within
from seenby_server.status import collect_status
from seenby_server.store import Store

HOOK = "seenby_dashboard_panels"
KINDS = ("table", "bar", "line")
MAX_ROWS = {"table": 50, "bar": 30, "line": 500}
"""Rows shown per panel kind: a page to read, bars that keep their labels legible."""

# Per platform; ``you``: the user's own accounts (how "your posts" are told apart), and
# handles a page showed whose account no capture has shown yet.
PLATFORM_COUNTS = """
SELECT platform,
       coalesce(sum(posts), 0) AS posts, coalesce(sum(accounts), 0) AS accounts,
       coalesce(sum(captures), 0) AS captures, coalesce(sum(impressions), 0) AS impressions,
       coalesce(sum(interactions), 0) AS interactions, max(last_capture_at) AS last_capture_at,
       string_agg(you, ', ' ORDER BY you) AS you
FROM (
    SELECT platform, count(*) AS posts FROM posts GROUP BY ALL
    UNION ALL BY NAME SELECT platform, count(*) AS accounts FROM accounts GROUP BY ALL
    UNION ALL BY NAME
    SELECT coalesce(platform, '(unknown)') AS platform, count(*) AS captures,
           max(captured_at) AS last_capture_at
    FROM captures GROUP BY ALL
    UNION ALL BY NAME SELECT platform, count(*) AS impressions FROM impressions GROUP BY ALL
    UNION ALL BY NAME
    SELECT platform, count(*) FILTER (NOT undone) AS interactions FROM interactions GROUP BY ALL
    UNION ALL BY NAME SELECT platform, coalesce(handle, account_id) AS you FROM viewers
    UNION ALL BY NAME
    SELECT platform, handle || ' (account not seen yet)' AS you FROM viewer_handles h
    WHERE NOT EXISTS (
        SELECT 1 FROM viewers v WHERE v.platform = h.platform AND lower(v.handle) = lower(h.handle)
    )
)
GROUP BY platform ORDER BY captures DESC, platform
"""


class ShownPanel(msgspec.Struct, kw_only=True):
    """A plugin's panel, checked and cut to what the page shows."""

    plugin: str
    title: str
    kind: str
    description: str | None
    columns: list[str]
    rows: list[tuple[Any, ...]]
    total_rows: int
    x: int | None = None
    """Index of the chart's label column."""
    y: int | None = None
    """Index of the chart's value column."""


class Overview(msgspec.Struct, kw_only=True):
    platforms: list[dict[str, Any]]
    last_capture_at: str | None
    parsing: list[dict[str, Any]]
    parse_problems: int
    """Captures whose parse status is error, unrecognized or partial."""


class DashboardData(msgspec.Struct, kw_only=True):
    generated_at: datetime
    overview: Overview
    panels: list[ShownPanel]
    failures: list[PluginFailure]


class PanelError(Exception):
    """A plugin returned something the dashboard cannot show; the message says what."""


def read_overview(cur: duckdb.DuckDBPyConnection) -> Overview:
    status = collect_status(cur)
    result = cur.execute(PLATFORM_COUNTS)
    names = [d[0] for d in result.description or []]
    platforms = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    return Overview(
        platforms=platforms,
        last_capture_at=status["last_capture_at"],
        parsing=status["parsing"],
        parse_problems=status["failures"],
    )


def is_number(value: Any) -> bool:
    """A finite number, not a bool (DuckDB's sums of integers arrive as Decimal)."""
    return (
        isinstance(value, int | float | Decimal)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def check_panel(plugin: str, panel: object) -> ShownPanel:
    """The panel as the page shows it, or :class:`PanelError` saying what is wrong."""
    if not isinstance(panel, Panel):
        raise PanelError(f"returned {type(panel).__name__}, not a seenby.Panel")
    if not isinstance(panel.title, str) or not panel.title.strip():
        raise PanelError("a panel without a title")
    if panel.kind not in KINDS:
        raise PanelError(f"panel {panel.title[:80]!r}: kind {panel.kind!r} is not one of {KINDS}")
    if panel.description is not None and not isinstance(panel.description, str):
        raise PanelError(f"panel {panel.title[:80]!r}: the description is not text")
    limit = MAX_ROWS[panel.kind]
    if panel.frame is not None:
        if not isinstance(panel.frame, pl.DataFrame):
            raise PanelError(f"panel {panel.title[:80]!r}: frame is not a polars DataFrame")
        columns = list(panel.frame.columns)
        rows = panel.frame.head(limit).rows()
        total = panel.frame.height
    else:
        columns = [str(c) for c in panel.columns]
        if any(not isinstance(r, list | tuple) or len(r) != len(columns) for r in panel.rows):
            raise PanelError(
                f"panel {panel.title[:80]!r}: every row must have one value per column"
            )
        rows = [tuple(r) for r in panel.rows[:limit]]
        total = len(panel.rows)
    shown = ShownPanel(
        plugin=plugin,
        title=panel.title,
        kind=panel.kind,
        description=panel.description,
        columns=columns,
        rows=rows,
        total_rows=total,
    )
    if panel.kind != "table":
        for axis in ("x", "y"):
            name = getattr(panel, axis)
            if name not in columns:
                raise PanelError(
                    f"{panel.kind} panel {panel.title[:80]!r}: {axis}={name!r} is not a column"
                )
        shown.x, shown.y = columns.index(str(panel.x)), columns.index(str(panel.y))
        y_values = [row[shown.y] for row in rows]
        if not all(is_number(v) or v is None for v in y_values):
            raise PanelError(f"{panel.kind} panel {panel.title[:80]!r}: y values must be numbers")
    return shown


class PanelCollector:
    def __init__(self, store: Store, plugins: PluginHost, budget_ms: int) -> None:
        self._store = store
        self._plugins = plugins
        self._budget_s = budget_ms / 1000
        impls = getattr(plugins.manager.hook, HOOK).get_hookimpls()
        # One thread per plugin at most (see the module's docstring), so none ever queues.
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, len(impls)), thread_name_prefix="dashboard"
        )
        self._running: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()

    def collect(self) -> DashboardData:
        """Everything the page shows, read now (blocking: call it off the event loop)."""
        started = time.monotonic()
        now = datetime.now(UTC)
        ctx = ReadContext(self._store, now)
        calls: list[tuple[str, str, Future[Any]]] = []
        with self._lock:  # two pages loading at once must not both start a busy plugin
            for impl in getattr(self._plugins.manager.hook, HOOK).get_hookimpls():
                name = impl.plugin_name
                earlier = self._running.get(name)
                if earlier is not None and not earlier.done():
                    self._plugins.record_failure(
                        name, HOOK, "still running from an earlier load: it overran its budget"
                    )
                    continue
                args = [{"ctx": ctx}[a] for a in impl.argnames]
                self._running[name] = future = self._pool.submit(impl.function, *args)
                calls.append((name, HOOK, future))
        # The server's own numbers are read meanwhile, on this thread.
        overview = self._store.read_sync(read_overview)
        remaining = max(0.0, self._budget_s - (time.monotonic() - started))
        panels: list[ShownPanel] = []
        for outcome in outcomes_within(self._plugins, calls, self._budget_s, remaining):
            name, result = outcome.plugin, outcome.result
            if outcome.error is not None:
                continue
            if result is not None and not isinstance(result, list | tuple):
                error = f"returned {type(result).__name__}, not a list of seenby.Panel"
                self._plugins.record_failure(name, HOOK, error)
                continue
            for panel in result or []:
                try:
                    panels.append(check_panel(name, panel))
                except PanelError as err:
                    self._plugins.record_failure(name, HOOK, str(err))
        return DashboardData(
            generated_at=now, overview=overview, panels=panels, failures=self._plugins.failures
        )

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
