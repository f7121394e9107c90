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
from datetime import datetime

import duckdb

from seenby_server.merge import RowMerger
from seenby_server.pipeline import (
    ParsedCaptures,
    ParseOutcome,
    StoredCapture,
    store_raw,
)
from seenby_server.store import Store
from seenby_server.writes import ParsedBatch


@dataclass
class Committed:
    """What one request's commit kept."""

    fresh: list[StoredCapture]
    """Its captures not stored before (resent ids and repeats are not)."""
    outcomes: list[ParseOutcome]
    """Their parse outcomes, in the same order."""
    rows: ParsedBatch
    """Their parsed rows, handed to the merger."""


@dataclass
class _Waiting:
    valid: list[StoredCapture]
    parsed: ParsedCaptures
    received_at: datetime
    done: asyncio.Future[Committed]


class CaptureCommitter:
    """Commits requests' raw captures, grouped, on the store's writer."""

    def __init__(self, store: Store, merger: RowMerger) -> None:
        self._store = store
        self._merger = merger
        self._queue: list[_Waiting] = []
        self._draining: asyncio.Task[None] | None = None

    async def commit(
        self, valid: list[StoredCapture], parsed: ParsedCaptures, received_at: datetime
    ) -> Committed:
        """Store ``valid`` (parsed as ``parsed``); returns once they are committed."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(valid, parsed, received_at, loop.create_future())
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
                then=lambda results: self._merger.add(
                    ParsedBatch.concat([r.rows for r in results])
                ),
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
    items: list[StoredCapture] = []
    outcomes: list[ParseOutcome] = []
    received: list[datetime] = []
    unmerged: set[str] = set()
    outcome_of = [{o.capture_id: o for o in waiting.parsed.outcomes} for waiting in group]
    for waiting, by_id in zip(group, outcome_of, strict=True):
        items += waiting.valid
        outcomes += [by_id[item.capture.id] for item in waiting.valid]
        received += [waiting.received_at] * len(waiting.valid)
        unmerged.update(waiting.parsed.rows.captures)
    unclaimed = store_raw(cur, items, received, outcomes, unmerged)
    results: list[Committed] = []
    for waiting, by_id in zip(group, outcome_of, strict=True):
        mine: list[StoredCapture] = []
        for item in waiting.valid:
            if item.capture.id in unclaimed:  # its first copy in the group is the stored one
                unclaimed.discard(item.capture.id)
                mine.append(item)
        rows = waiting.parsed.rows
        if len(mine) < len(waiting.valid):
            rows = rows.of_captures({item.capture.id for item in mine})
        results.append(Committed(mine, [by_id[i.capture.id] for i in mine], rows))
    return results
