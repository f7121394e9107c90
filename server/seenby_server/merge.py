"""Parsed rows are merged into the tables in bulk, after their captures are committed.

Why: a keyed upsert into DuckDB costs several milliseconds however few rows it
carries, and one capture batch touches up to nine tables, so writing each request's
rows in its own transaction capped ingest at a few thousand posts per second. A
request instead commits its raw captures (``rows_merged = false``) and hands its
rows here; they are merged, many requests' worth at once, in one transaction:

- before anything reads (the store settles first), so a read always sees the rows
  of every acknowledged capture;
- when ``MAX_PENDING_ROWS`` rows wait;
- a second after they arrived if nothing reads (``store.SETTLE_AFTER_S``);
- when the server stops.

If the process dies in between, the captures are durable and still flagged, and
:meth:`RowMerger.recover` re-parses them at the next start (in a parse worker when
there is one, so a plugin that crashes on one of them cannot stop the server from
starting). If a merge fails (a
plugin produced rows the tables refuse), the batch is split and retried so one bad
capture cannot hold back the others; a capture that fails alone is marked ``error``
and keeps its raw body for ``seenby reparse``.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import duckdb
import polars as pl

from seenby_server.handles import ViewerHandles
from seenby_server.lookup import note_written
from seenby_server.pipeline import ParsedCaptures, StoredCapture, stored_from_row, write_statuses
from seenby_server.plugins import describe
from seenby_server.rowtables import RowTables
from seenby_server.store import Store, in_transaction
from seenby_server.writes import RowFrames, run_with, write_frames

log = logging.getLogger("seenby")

MAX_PENDING_ROWS = 50_000
"""Rows held in memory before a merge is forced (a few MB)."""
RECOVER_PAGE = 500
"""Captures re-parsed per transaction when recovering after a crash."""
_REMEMBERED_FAILURES = 1_000


class RowMerger:
    """Holds parsed rows of committed captures and merges them on the store's writer."""

    def __init__(self, store: Store, *, max_pending_rows: int = MAX_PENDING_ROWS) -> None:
        self._store = store
        self._max_pending_rows = max_pending_rows
        self._pending: list[RowTables] = []
        self._pending_rows = 0
        self.write_failures: OrderedDict[str, str] = OrderedDict()
        """Recent captures whose rows the tables refused, with the error (bounded)."""
        self.handles = ViewerHandles()
        """The user's handles and their accounts; reparse writes through it too."""
        store.set_settler(self.merge)

    @property
    def pending_rows(self) -> int:
        return self._pending_rows

    @property
    def full(self) -> bool:
        return self._pending_rows >= self._max_pending_rows

    def add(self, rows: RowTables) -> None:
        """Hold ``rows``, whose captures are committed (on the writer thread, after the commit)."""
        if count := len(rows):
            self._pending.append(rows)
            self._pending_rows += count
            self._store.mark_unsettled()

    def merge(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Write every pending row (on the writer thread, outside any transaction)."""
        if not self._pending:
            return
        batches, self._pending, self._pending_rows = self._pending, [], 0
        rows = RowTables.concat(batches)
        self._write(cur, rows.frames(), list(rows.captures))

    def _write(self, cur: duckdb.DuckDBPyConnection, rows: RowFrames, ids: list[str]) -> None:
        try:
            viewers = in_transaction(cur, lambda: self._write_and_mark(cur, rows, ids))
            note_written(self._store, rows, also=("viewers",) if viewers else ())
            return
        except Exception as exc:
            self.handles.forget()
            if len(ids) == 1:
                self._fail(cur, ids[0], f"writing parsed rows failed: {describe(exc)}")
                return
            log.warning("merging %d captures' rows failed (%s); splitting", len(ids), exc)
        middle = len(ids) // 2
        for half in (ids[:middle], ids[middle:]):
            self._write(cur, rows.of_captures(half), half)

    def _write_and_mark(
        self, cur: duckdb.DuckDBPyConnection, rows: RowFrames, ids: Sequence[str]
    ) -> bool:
        """Writes the rows of captures never merged before; True when ``viewers`` changed."""
        write_frames(cur, rows, new_captures=True)
        viewers = self.handles.write(cur, rows)
        # The boolean filter first: row groups where every capture is merged are skipped.
        run_with(
            cur,
            pl.DataFrame({"id": ids}, schema={"id": pl.String()}),
            "UPDATE captures SET rows_merged = true "
            "WHERE NOT rows_merged AND id IN (SELECT id FROM incoming)",
        )
        return viewers

    def _fail(self, cur: duckdb.DuckDBPyConnection, capture_id: str, error: str) -> None:
        log.error("capture %s: %s; its raw body is kept for reparse", capture_id, error)
        self.write_failures[capture_id] = error
        while len(self.write_failures) > _REMEMBERED_FAILURES:
            self.write_failures.popitem(last=False)
        in_transaction(
            cur,
            lambda: cur.execute(
                "UPDATE captures SET rows_merged = true, parse_status = 'error', "
                "parse_error = ?, parsed_at = now() WHERE id = ?",
                [error[:4000], capture_id],
            ),
        )

    def recover(self, parse: Callable[[Sequence[StoredCapture]], ParsedCaptures]) -> int:
        """Re-parse (with ``parse``) and merge captures whose rows a dead process never
        merged; returns how many. Captures ``parse`` could not parse (their worker
        crashed on the page) end as errors that keep their raw body."""
        recovered = 0
        while page := self._store.read_sync(_unmerged_page):
            self._recover_page(parse, page)
            recovered += len(page)
        return recovered

    def _recover_page(
        self,
        parse: Callable[[Sequence[StoredCapture]], ParsedCaptures],
        page: list[dict[str, Any]],
    ) -> None:
        parsed = parse([stored_from_row(row) for row in page])
        with_rows = set(parsed.rows.captures)
        without_rows = [o.capture_id for o in parsed.outcomes if o.capture_id not in with_rows]

        def write(cur: duckdb.DuckDBPyConnection) -> None:
            write_statuses(cur, parsed.outcomes)
            if without_rows:  # e.g. a capture that no longer parses: nothing to merge
                cur.execute("UPDATE captures SET rows_merged = true WHERE id IN ?", [without_rows])

        self._store.write_sync(write, then=lambda _: self.add(parsed.rows))
        self._store.settle_sync()


def _unmerged_page(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cur.execute(
        "SELECT * FROM captures WHERE NOT rows_merged ORDER BY captured_at, id LIMIT ?",
        [RECOVER_PAGE],
    )
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
