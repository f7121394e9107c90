"""The DuckDB store: one file, one writer thread, read cursors for queries.

DuckDB lets only one process open the file read-write, so the server owns it
and everything else (CLI, notebooks) reads through the server or opens it when
the server is stopped. Inside the process every write runs on a single writer
thread, in order; reads use their own cursors and see committed data only.

Some writes are deferred to be done in bulk (parsed rows, see merge.py): whoever
defers calls :meth:`Store.mark_unsettled`, and the store then runs the registered
settler on the writer thread before the next read, or after ``SETTLE_AFTER_S`` if
nothing reads, or at close. A read therefore always sees every acknowledged write.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl

from seenby import TableSpec
from seenby_server.bodies import register_sql_functions
from seenby_server.schema import CORE_OWNER, MIGRATIONS, MIGRATIONS_TABLE
from seenby_server.versions import TableVersions

T = TypeVar("T")

CHECKPOINT_THRESHOLD = "128MB"
"""WAL size that triggers a checkpoint. DuckDB's default (16 MB) is a few seconds of
captured raw bodies at full ingest speed; each checkpoint costs tens of ms however small,
so checkpointing 8x less often more than doubles sustained ingest. The price is a longer
WAL replay after a crash (about a second)."""
SETTLE_AFTER_S = 1.0
"""How long deferred writes may wait when nothing reads."""


def in_transaction(cur: duckdb.DuckDBPyConnection, fn: Callable[[], T]) -> T:
    """``fn()`` inside one transaction on ``cur``: committed, or rolled back if it raises."""
    cur.execute("BEGIN TRANSACTION")
    try:
        result = fn()
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")
    return result


class StoreError(Exception):
    """The database could not be opened or migrated; the message says why."""


def open_database(
    path: Path, *, read_only: bool = False, allowed_directories: Sequence[Path] = ()
) -> duckdb.DuckDBPyConnection:
    """Open the database with file and network access switched off.

    ``enable_external_access`` is database-wide and cannot be re-enabled while
    the file is open, so it is switched off once, here, for every user of the
    connection (user SQL included). ``allowed_directories`` must be set before.
    """
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreError(
                f"{path} is in use by another process (is `seenby serve` running?)"
            ) from exc
        raise StoreError(f"cannot open {path}: {exc}") from exc
    if allowed_directories:
        dirs = ", ".join("'" + str(d).replace("'", "''") + "'" for d in allowed_directories)
        con.execute(f"SET allowed_directories = [{dirs}]")
    con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")
    register_sql_functions(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection, owner: str, migrations: Sequence[str]) -> int:
    """Apply the migrations of ``owner`` not yet recorded; returns how many ran."""
    con.execute(MIGRATIONS_TABLE)
    row = con.execute(
        "SELECT coalesce(max(version), 0) FROM schema_migrations WHERE owner = ?", [owner]
    ).fetchone()
    current = int(row[0]) if row else 0
    applied = 0
    for version, sql in enumerate(migrations, start=1):
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (owner, version) VALUES (?, ?)", [owner, version]
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"migration {owner} v{version} failed: {exc}") from exc
        applied += 1
    return applied


class Store:
    """The open database with its writer thread and reader pool."""

    def __init__(self, path: Path, *, allowed_directories: Sequence[Path] = ()) -> None:
        self.path = path
        self._con = open_database(path, allowed_directories=allowed_directories)
        migrate(self._con, CORE_OWNER, MIGRATIONS)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="duckdb-writer")
        self._readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="duckdb-reader")
        self._local = threading.local()
        self._write_cursor = self._con.cursor()
        self._writer_thread: threading.Thread | None = None
        self._settler: Callable[[duckdb.DuckDBPyConnection], None] | None = None
        self._unsettled = False
        self._settle_timer: threading.Timer | None = None
        self._closed = False
        self.versions = TableVersions()
        """Versions of the tables whose readers keep what they read (versions.py)."""

    # -- plugin tables -------------------------------------------------------------

    def apply_table_specs(self, specs: Sequence[TableSpec]) -> None:
        """Create or migrate plugins' tables; they are versioned from now on."""
        for spec in specs:
            migrate(self._con, spec.name, spec.migrations)
        self.versions.declare(spec.name for spec in specs)

    # -- writing -------------------------------------------------------------------

    def write_sync(
        self,
        fn: Callable[[duckdb.DuckDBPyConnection], T],
        then: Callable[[T], None] | None = None,
    ) -> T:
        """Run ``fn(cursor)`` on the writer thread inside one transaction; wait for the commit.

        ``then(result)`` runs on the writer thread right after the commit, before any
        other write (e.g. to hand deferred work over only once its base is committed).
        """
        return self._writer.submit(self._in_transaction, fn, then).result()

    async def write(
        self,
        fn: Callable[[duckdb.DuckDBPyConnection], T],
        then: Callable[[T], None] | None = None,
    ) -> T:
        """Like :meth:`write_sync`, awaited; the commit has happened when it returns."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, self._in_transaction, fn, then)

    def _in_transaction(
        self,
        fn: Callable[[duckdb.DuckDBPyConnection], T],
        then: Callable[[T], None] | None = None,
    ) -> T:
        self._writer_thread = threading.current_thread()
        cur = self._write_cursor
        result = in_transaction(cur, lambda: fn(cur))
        if then is not None:
            then(result)
        return result

    # -- deferred writes -------------------------------------------------------------

    def set_settler(self, settler: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        """Register the function that completes deferred writes.

        It runs on the writer thread with the writer's cursor, outside any transaction
        (it manages its own), whenever :meth:`mark_unsettled` was called since it last ran.
        """
        self._settler = settler

    def mark_unsettled(self) -> None:
        """Deferred writes are waiting (call on the writer thread, e.g. from ``then``)."""
        self._unsettled = True
        if self._settle_timer is None:
            timer = threading.Timer(SETTLE_AFTER_S, self._settle_from_timer)
            timer.daemon = True
            self._settle_timer = timer
            timer.start()

    def settle_sync(self) -> None:
        """Complete deferred writes now (no-op when none wait)."""
        if not self._unsettled or self._settler is None or self._closed:
            return
        if threading.current_thread() is self._writer_thread:
            return  # inside a write job: a merge cannot nest in its transaction
        self._writer.submit(self._settle_here).result()

    async def settle(self) -> None:
        if self._unsettled:
            await asyncio.get_running_loop().run_in_executor(None, self.settle_sync)

    def _settle_here(self) -> None:
        self._writer_thread = threading.current_thread()
        if self._unsettled and self._settler is not None:
            # Cleared only once done: a reader arriving meanwhile must queue behind it.
            try:
                self._settler(self._write_cursor)
            finally:
                self._unsettled = False

    def _settle_from_timer(self) -> None:
        self._settle_timer = None
        with contextlib.suppress(RuntimeError):  # the writer shut down: close() settles
            self.settle_sync()

    # -- reading -------------------------------------------------------------------

    def _reader_cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._con.cursor()
            self._local.cursor = cursor
        return cursor

    def read_sync(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cursor)`` with a cursor of this thread (every acknowledged write)."""
        self.settle_sync()
        return fn(self._reader_cursor())

    async def read(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self.read_sync, fn)

    def frame(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        """A query's result as a polars frame, through Arrow."""
        self.settle_sync()
        cur = self._reader_cursor()
        # A relation (not an executed DB-API result) hands Arrow over without a copy.
        table = cur.sql(sql, params=params or None).to_arrow_table()
        result = pl.from_arrow(table)
        assert isinstance(result, pl.DataFrame)
        return result

    def new_cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor of its own, for work that must be interruptible on its own."""
        self.settle_sync()
        return self._con.cursor()

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        """Finish queued writes, checkpoint and close. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._settle_timer is not None:
            self._settle_timer.cancel()
        self._writer.shutdown(wait=True)
        # The writer has finished every queued write; this thread is the only writer now.
        if self._unsettled and self._settler is not None:
            self._unsettled = False
            self._settler(self._write_cursor)
        self._readers.shutdown(wait=True)
        try:
            self._con.execute("CHECKPOINT")
        finally:
            self._con.close()
