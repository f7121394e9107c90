"""Background refresh: analysis plugins recompute their derived tables after new data.

Requests stay cheap because heavy work (fitting models, relationship statistics)
happens here, off the request path. Each plugin's writes go through the store's
single writer and may only touch tables that plugin declared.

Every such write changes the table's version (versions.py), which the
contexts hand to plugins (``ctx.table_version``) so that a request can reuse what it
read from a plugin table until a refresh writes that table again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

import msgspec
import polars as pl

from seenby_server.plugins import PluginHost, describe
from seenby_server.store import Store
from seenby_server.writes import run_with

log = logging.getLogger("seenby")

QUIET_S = 1.0
"""The pause in captures a background refresh waits for (see ``Refresher``)."""
MAX_DEFER_S = 30.0
"""The longest a refresh waits for captures to pause."""


class RefreshReport(msgspec.Struct, kw_only=True):
    started_at: datetime
    duration_ms: float
    plugins: list[str]
    failures: list[str]


SPLIT_UPSERT = 10_000
"""Upserts of at least this many rows insert the rows whose keys are new without ON CONFLICT."""


class PluginTables:
    """The :class:`seenby.RefreshContext` of one plugin: reads, and writes to its own tables."""

    def __init__(
        self, store: Store, plugin: str, owned: set[str], now: datetime, last: datetime | None
    ) -> None:
        self._store = store
        self._plugin = plugin
        self._owned = owned
        self._now = now
        self._last = last
        self._versions = store.versions

    @property
    def now(self) -> datetime:
        return self._now

    @property
    def last_refresh_at(self) -> datetime | None:
        return self._last

    def query(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        return self._store.frame(sql, params)

    def table_version(self, table: str) -> int:
        return self._versions.get(table)

    def _write(self, table: str, fn: Any) -> None:
        try:
            self._store.write_sync(fn)
        finally:
            self._versions.bump(table)  # after the commit: see versions.py

    def _check(self, table: str) -> None:
        if table not in self._owned:
            raise PermissionError(
                f"plugin {self._plugin} may only write its own tables "
                f"({', '.join(sorted(self._owned)) or 'none declared'}), not {table!r}"
            )

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        self._check(table)

        def replace(cur: Any) -> None:
            cur.execute(f'DELETE FROM "{table}"')
            if frame.height:
                run_with(cur, frame, f'INSERT INTO "{table}" BY NAME SELECT * FROM incoming')

        self._write(table, replace)

    def upsert(self, table: str, frame: pl.DataFrame, keys: list[str]) -> None:
        self._check(table)
        if not frame.height:
            return
        values = [c for c in frame.columns if c not in keys]
        action = (
            "DO UPDATE SET " + ", ".join(f'"{c}" = excluded."{c}"' for c in values)
            if values
            else "DO NOTHING"
        )
        conflict = ", ".join(f'"{k}"' for k in keys)

        def upsert(cur: Any) -> None:
            into = f'INSERT INTO "{table}" BY NAME SELECT incoming.* FROM incoming'
            on_conflict = f"ON CONFLICT ({conflict}) {action}"
            if frame.height < SPLIT_UPSERT:
                run_with(cur, frame, f"{into} {on_conflict}")
                return
            # A large frame (a first run writing part by part): only its rows whose keys are
            # stored go through ON CONFLICT; the new ones are a plain insert, which costs
            # DuckDB about half as much. Updates first, so the new keys are still new.
            using = f'"{table}" USING ({conflict})'
            run_with(cur, frame, f"{into} SEMI JOIN {using} {on_conflict}")
            run_with(cur, frame, f"{into} ANTI JOIN {using}")

        self._write(table, upsert)


class Refresher:
    """Runs every ``seenby_refresh`` at start and after new data, at most every ``interval`` s."""

    def __init__(
        self, store: Store, plugins: PluginHost, owners: dict[str, str], interval: float = 5.0
    ) -> None:
        self._store = store
        self._plugins = plugins
        self._owned: dict[str, set[str]] = {}
        for table, plugin in owners.items():
            self._owned.setdefault(plugin, set()).add(table)
        self._interval = interval
        self._quiet = min(QUIET_S, interval)
        self._dirty = asyncio.Event()
        self._dirty_since = self._last_capture_at = time.monotonic()
        self._lock = threading.Lock()
        self.last: RefreshReport | None = None

    def mark_dirty(self) -> None:
        """New captures arrived (called on the event loop)."""
        now = time.monotonic()
        self._last_capture_at = now
        if not self._dirty.is_set():
            self._dirty_since = now
        self._dirty.set()

    def run_once(self) -> RefreshReport:
        """Refresh every plugin now (one run at a time)."""
        with self._lock:
            started = datetime.now(UTC)
            clock = time.perf_counter()
            last_at = self.last.started_at if self.last else None
            ran: list[str] = []
            failures: list[str] = []
            for impl in self._plugins.manager.hook.seenby_refresh.get_hookimpls():
                name = impl.plugin_name
                ctx = PluginTables(
                    self._store, name, self._owned.get(name, set()), started, last_at
                )
                try:
                    impl.function(*[ctx for _ in impl.argnames])
                    ran.append(name)
                except Exception as exc:
                    self._plugins.record_failure(name, "seenby_refresh", describe(exc))
                    failures.append(f"{name}: {describe(exc)}")
            report = RefreshReport(
                started_at=started,
                duration_ms=round((time.perf_counter() - clock) * 1000, 1),
                plugins=ran,
                failures=failures,
            )
            self.last = report
            return report

    async def run_forever(self) -> None:
        """At start, then whenever new data arrived, no more often than the interval, once
        captures pause."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                await loop.run_in_executor(None, self.run_once)
            except Exception:  # the store closing under us at shutdown, or a real bug
                log.exception("refresh failed")
            await asyncio.sleep(self._interval)
            await self._dirty.wait()
            await self._until_captures_pause()
            self._dirty.clear()

    async def _until_captures_pause(self) -> None:
        """A burst of captures (a bulk import, a queue replayed after downtime) goes first:
        a refresh recomputes over all the data, and running it every few seconds during
        a burst halved ingest speed. It waits for a pause of ``QUIET_S``, or ``MAX_DEFER_S``
        at most, so continuous browsing still refreshes."""
        while True:
            now = time.monotonic()
            quiet_for = now - self._last_capture_at
            waited = now - self._dirty_since
            if quiet_for >= self._quiet or waited >= MAX_DEFER_S:
                return
            await asyncio.sleep(min(self._quiet - quiet_for, MAX_DEFER_S - waited))
