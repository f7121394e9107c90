"""Group commit: requests that queue behind the writer share one transaction.

A commit costs a write-ahead-log flush (an fsync) and a few milliseconds of fixed
DuckDB work however few captures it holds. While the single writer is busy, new
requests wait here; the next transaction takes all of them. Each request is still
answered only after the commit that holds its captures, with its own results. If
a shared transaction fails, each request is retried alone, so one cannot fail
another.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from seenby_server.merge import RowMerger
from seenby_server.pipeline import ParseOutcome, store_raw
from seenby_server.prepare import PreparedRequest
from seenby_server.rowtables import RowTables
from seenby_server.store import Store


@dataclass
class Committed:
    """What one request's commit kept."""

    fresh: list[str]
    """Its captures not stored before (resent ids and repeats are not)."""
    outcomes: list[ParseOutcome]
    """Their parse outcomes, in the same order."""
    rows: RowTables
    """Their parsed rows, handed to the merger."""


@dataclass
class _Waiting:
    prepared: PreparedRequest
    done: asyncio.Future[Committed]


class CaptureCommitter:
    """Commits requests' raw captures, grouped, on the store's writer."""

    def __init__(self, store: Store, merger: RowMerger) -> None:
        self._store = store
        self._merger = merger
        self._queue: list[_Waiting] = []
        self._draining: asyncio.Task[None] | None = None

    async def commit(self, prepared: PreparedRequest) -> Committed:
        """Store the request's captures; returns once they are committed."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(prepared, loop.create_future())
        self._queue.append(waiting)
        if self._draining is None:
            self._draining = loop.create_task(self._drain())
        return await waiting.done

    async def _drain(self) -> None:
        try:
            while self._queue:
                group, self._queue = self._queue, []
                await self._write(group)
        finally:
            self._draining = None

    async def _write(self, group: list[_Waiting]) -> None:
        try:
            results = await self._store.write(
                lambda cur: _store_group(cur, group),
                then=lambda results: self._merger.add(RowTables.concat([r.rows for r in results])),
            )
        except Exception as exc:
            if len(group) > 1:
                for waiting in group:
                    await self._write([waiting])
                return
            group[0].done.set_exception(exc)
            return
        for waiting, result in zip(group, results, strict=True):
            waiting.done.set_result(result)


def _store_group(cur: duckdb.DuckDBPyConnection, group: list[_Waiting]) -> list[Committed]:
    """Insert every request's new captures (inside the writer's transaction)."""
    unclaimed = store_raw(cur, pa.concat_tables([w.prepared.captures for w in group]))
    results: list[Committed] = []
    for waiting in group:
        prepared = waiting.prepared
        ids: list[str] = prepared.captures["id"].to_pylist()
        mine: list[int] = []
        for index, capture_id in enumerate(ids):
            if capture_id in unclaimed:  # its first copy in the group is the stored one
                unclaimed.discard(capture_id)
                mine.append(index)
        fresh = [ids[i] for i in mine]
        rows = prepared.rows if len(mine) == len(ids) else prepared.rows.of_captures(fresh)
        results.append(Committed(fresh, [prepared.outcomes[i] for i in mine], rows))
    return results
