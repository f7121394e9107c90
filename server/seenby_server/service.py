"""The server's core, independent of HTTP: ingest, overlays, reparse, status, SQL, the
dashboard's data."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from typing import Any

import msgspec

from seenby import Overlay, __version__
from seenby_server.commits import CaptureCommitter
from seenby_server.config import ServerSettings
from seenby_server.lookup import note_written
from seenby_server.merge import RowMerger
from seenby_server.overlays import OverlayBuilder
from seenby_server.panels import DashboardData, PanelCollector
from seenby_server.parse_pool import ParsePool
from seenby_server.pipeline import (
    ParseOutcome,
    Rejection,
    StoredCapture,
    failed,
    parse_batch,
    stored_from_row,
    write_statuses,
)
from seenby_server.plugins import PluginHost, describe
from seenby_server.prepare import BadBatch, PreparedRequest, prepare_request
from seenby_server.refresh import Refresher, RefreshReport
from seenby_server.sqlguard import SqlResult, run_read_only
from seenby_server.store import Store
from seenby_server.writes import write_frames

log = logging.getLogger("seenby")

__all__ = ["BadBatch", "IngestResult", "ReparseResult", "Seenby"]


class IngestResult(msgspec.Struct, kw_only=True):
    accepted: int
    duplicates: int
    rejected: list[Rejection]
    overlays: list[Overlay]
    statuses: dict[str, str] = msgspec.field(default_factory=dict)
    """Parse status of each accepted capture, by id."""


class ReparseResult(msgspec.Struct, kw_only=True):
    processed: int
    statuses: dict[str, int]
    next_after: str | None
    remaining: int


class Seenby:
    def __init__(self, settings: ServerSettings, store: Store, plugins: PluginHost) -> None:
        self.settings = settings
        self.store = store
        self.plugins = plugins
        self.overlays = OverlayBuilder(store, plugins, settings.annotate_budget_ms)
        self.panels = PanelCollector(store, plugins, settings.dashboard_budget_ms)
        self.merger = RowMerger(store)
        self.committer = CaptureCommitter(store, self.merger)
        self.started_at = datetime.now(UTC)
        # Preparing a request (parsing it) is CPU work outside the writer thread, so it
        # overlaps other requests' DuckDB writes: in worker processes (parse_pool.py)
        # when the plugins can be loaded there, else in a thread of this process.
        workers = settings.parse_workers if plugins.recipe is not None else 0
        self.parse_pool = (
            ParsePool(plugins, workers, deadline_s=settings.parse_deadline_s)
            if workers > 0
            else None
        )
        self._parsers = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="parser")
        specs = plugins.table_specs()
        store.apply_table_specs([spec for _, spec in specs])
        # In a worker like any parse: a capture that crashed the last run's parser
        # (which may be why it stopped) must not stop this one from starting.
        self.recovered = self.merger.recover(
            self.parse_pool.parse_stored if self.parse_pool else partial(parse_batch, plugins)
        )
        """Captures whose rows the previous run stopped before merging, merged now."""
        self.refresher = Refresher(
            store,
            plugins,
            {spec.name: owner for owner, spec in specs},
            interval=settings.refresh_interval_s,
        )

    # -- ingest --------------------------------------------------------------------

    async def ingest(self, body: bytes, *, with_overlays: bool = True) -> IngestResult:
        """Store a request's captures (raises :class:`BadBatch` if it is not a batch)."""
        loop = asyncio.get_running_loop()
        prepared = await loop.run_in_executor(self._parsers, self._prepare, body, datetime.now(UTC))
        committed = await self.committer.commit(prepared)
        if self.merger.full:
            await self.store.settle()
        if committed.fresh:
            self.refresher.mark_dirty()
        statuses: dict[str, str] = {o.capture_id: o.status for o in committed.outcomes}
        overlays: list[Overlay] = []
        if with_overlays:
            # Reading settles the merge, so rows the tables refused are known here.
            overlays = await self._overlays_for(committed.rows.post_keys())
            await self.store.settle()
            for capture_id in statuses.keys() & self.merger.write_failures.keys():
                statuses[capture_id] = "error"
        return IngestResult(
            accepted=len(committed.fresh),
            duplicates=prepared.captures.num_rows - len(committed.fresh),
            rejected=prepared.rejected,
            overlays=overlays,
            statuses=statuses,
        )

    def _prepare(self, body: bytes, received_at: datetime) -> PreparedRequest:
        if self.parse_pool is not None:
            return self.parse_pool.prepare(body, received_at)
        return prepare_request(self.plugins, body, received_at)

    async def _reparse_items(self, items: Sequence[StoredCapture]) -> list[ParseOutcome]:
        # Parsing a page of stored captures takes a while: off the event loop, which
        # keeps answering the extension meanwhile.
        loop = asyncio.get_running_loop()
        # In a parse worker, as on arrival: a plugin that crashes or hangs on one of them
        # then takes the worker down, not the server.
        if self.parse_pool is not None:
            parsed = await loop.run_in_executor(None, self.parse_pool.parse_stored, items)
        else:
            parsed = await loop.run_in_executor(None, parse_batch, self.plugins, items)
        frames = await loop.run_in_executor(None, parsed.rows.frames)

        def parse_again(cur: Any) -> tuple[list[ParseOutcome], bool]:
            write_frames(cur, frames)
            viewers = self.merger.handles.write(cur, frames)
            write_statuses(cur, parsed.outcomes)
            return parsed.outcomes, viewers

        def written(result: tuple[list[ParseOutcome], bool]) -> None:
            note_written(self.store, frames, also=("viewers",) if result[1] else ())

        try:
            outcomes, _ = await self.store.write(parse_again, then=written)
            return outcomes
        except Exception as exc:
            self.merger.handles.forget()
            log.exception("reparse could not write its rows")
            outcomes = failed(items, f"writing parsed rows failed: {describe(exc)}")
            await self.store.write(lambda cur: write_statuses(cur, outcomes))
            return outcomes

    async def _overlays_for(self, post_keys: Sequence[tuple[str, str]]) -> list[Overlay]:
        by_platform: dict[str, list[str]] = defaultdict(list)
        for platform, post_id in post_keys:
            by_platform[platform].append(post_id)
        overlays: list[Overlay] = []
        for platform, ids in by_platform.items():
            overlays.extend(await self.overlays_for(platform, ids))
        return overlays

    async def overlays_for(self, platform: str, post_ids: list[str]) -> list[Overlay]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.overlays.build, platform, post_ids)

    # -- reparse -------------------------------------------------------------------

    async def reparse(
        self,
        *,
        platform: str | None = None,
        since: datetime | None = None,
        after: str | None = None,
        limit: int = 500,
    ) -> ReparseResult:
        """Re-run parsers over one page of stored captures (ordered by time, then id)."""
        where = ["kind <> 'impression'"]
        params: list[Any] = []
        if platform:
            where.append("platform = ?")
            params.append(platform)
        if since:
            where.append("captured_at >= ?")
            params.append(since)
        base = " AND ".join(where)
        page_where = base
        page_params = list(params)
        if after:
            page_where += (
                " AND (captured_at, id) > (SELECT (captured_at, id) FROM captures WHERE id = ?)"
            )
            page_params.append(after)

        def load(cur: Any) -> tuple[list[dict[str, Any]], int]:
            cur.execute(
                f"SELECT * FROM captures WHERE {page_where} ORDER BY captured_at, id LIMIT ?",
                [*page_params, limit],
            )
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
            remaining = cur.execute(
                f"SELECT count(*) FROM captures WHERE {page_where}", page_params
            ).fetchone()[0]
            return rows, int(remaining) - len(rows)

        rows, remaining = await self.store.read(load)
        loop = asyncio.get_running_loop()
        items = await loop.run_in_executor(None, self._stored_items, rows)
        outcomes = await self._reparse_items(items)
        statuses: dict[str, int] = defaultdict(int)
        for outcome in outcomes:
            statuses[outcome.status] += 1
        return ReparseResult(
            processed=len(items),
            statuses=dict(statuses),
            next_after=rows[-1]["id"] if rows and remaining > 0 else None,
            remaining=max(remaining, 0),
        )

    def _stored_items(self, rows: list[dict[str, Any]]) -> list[StoredCapture]:
        """Captures rebuilt from their rows (bodies decompressed) for reparse."""
        items = []
        for row in rows:
            item = stored_from_row(row)
            if item.capture.platform is None:
                # A plugin installed since may recognise it now; the status write stores it.
                inferred = self.plugins.infer_platform(item.capture.url, item.capture.page_url)
                item.capture = msgspec.structs.replace(item.capture, platform=inferred)
            items.append(item)
        return items

    async def refresh(self) -> RefreshReport:
        """Run every plugin's refresh now (``seenby refresh``)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.refresher.run_once)

    # -- reading -------------------------------------------------------------------

    async def sql(self, sql: str, params: list[Any] | None, max_rows: int) -> SqlResult:
        def run() -> SqlResult:
            cursor = self.store.new_cursor()
            try:
                return run_read_only(cursor, sql, params, max_rows=max_rows)
            finally:
                cursor.close()

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, run)

    async def status(self) -> dict[str, Any]:
        from seenby_server.status import collect_status

        started = time.perf_counter()
        report = await self.store.read(collect_status)
        report.update(
            version=__version__,
            database=str(self.store.path),
            started_at=self.started_at.isoformat(),
            plugins=[p.name for p in self.plugins.describe_plugins()],
            plugin_failures=msgspec.to_builtins(self.plugins.failures),
            platforms=sorted(self.plugins.platform_names),
            refresh=msgspec.to_builtins(self.refresher.last) if self.refresher.last else None,
            parse_workers=self.parse_pool.report() if self.parse_pool is not None else None,
            took_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return report

    async def dashboard(self) -> DashboardData:
        """The dashboard's numbers and every plugin's panels (their queries block: off the
        event loop)."""
        return await asyncio.get_running_loop().run_in_executor(None, self.panels.collect)

    def close(self) -> None:
        self._parsers.shutdown(wait=True)
        if self.parse_pool is not None:
            self.parse_pool.close()
        self.overlays.close()
        self.panels.close()
        self.store.close()
