"""The DuckDB store: one file, one writer thread, read cursors for queries.

DuckDB lets only one process open the file read-write, so the server owns it
and everything else (CLI, notebooks) reads through the server or opens it when
the server is stopped. Inside the process every write runs on a single writer
thread, in order; reads use their own cursors and see committed data only.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl

from seenby import TableSpec
from seenby_server.schema import CORE_OWNER, MIGRATIONS, MIGRATIONS_TABLE

T = TypeVar("T")


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
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")
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
        self._closed = False

    # -- plugin tables -------------------------------------------------------------

    def apply_table_specs(self, specs: Sequence[TableSpec]) -> None:
        for spec in specs:
            migrate(self._con, spec.name, spec.migrations)

    # -- writing -------------------------------------------------------------------

    def write_sync(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cursor)`` on the writer thread inside one transaction; wait for the commit."""
        return self._writer.submit(self._in_transaction, fn).result()

    async def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Like :meth:`write_sync`, awaited; the commit has happened when it returns."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, self._in_transaction, fn)

    def _in_transaction(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        cur = self._write_cursor
        cur.execute("BEGIN TRANSACTION")
        try:
            result = fn(cur)
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
        return result

    # -- reading -------------------------------------------------------------------

    def _reader_cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._con.cursor()
            self._local.cursor = cursor
        return cursor

    def read_sync(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cursor)`` with a cursor of this thread (committed data only)."""
        return fn(self._reader_cursor())

    async def read(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self.read_sync, fn)

    def frame(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        """A query's result as a polars frame, through Arrow."""
        cur = self._reader_cursor()
        # A relation (not an executed DB-API result) hands Arrow over without a copy.
        table = cur.sql(sql, params=params or None).to_arrow_table()
        result = pl.from_arrow(table)
        assert isinstance(result, pl.DataFrame)
        return result

    def new_cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor of its own, for work that must be interruptible on its own."""
        return self._con.cursor()

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        """Finish queued writes, checkpoint and close. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        try:
            self._con.execute("CHECKPOINT")
        finally:
            self._con.close()
