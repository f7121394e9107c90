"""What the server hands analysis plugins: reads of the data, and writes to their own tables."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

if TYPE_CHECKING:
    import polars as pl


class Context(Protocol):
    """Read access to the local database for analysis hooks."""

    @property
    def now(self) -> datetime:
        """The time of this request (UTC); use it instead of the clock for repeatable results."""
        ...

    def query(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        """Run a read query with ``?`` parameters and return a polars frame (via Arrow)."""
        ...

    def table_version(self, table: str) -> int:
        """A number that changes whenever a refresh writes ``table`` (``replace_table`` or
        ``upsert``): memoise what you read from a plugin table under it, and read again when
        it differs. Any plugin's declared table can be asked for, and the core tables
        ``post_aliases`` and ``viewers`` (their number changes after each write of captured
        rows to them). Other core tables change with every capture: they get a new number
        on every call, so a memo keyed on them is never reused. Numbers are unique in the
        process, across databases too."""
        ...


class RefreshContext(Context, Protocol):
    """What ``seenby_refresh`` gets: reads, plus writes to the plugin's own tables."""

    @property
    def last_refresh_at(self) -> datetime | None:
        """When the previous refresh started (``None`` the first time after the server
        starts): for incremental work."""
        ...

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        """Replace all rows of one of your tables with ``frame`` (columns by name), atomically."""
        ...

    def upsert(self, table: str, frame: pl.DataFrame, keys: list[str]) -> None:
        """Insert ``frame``'s rows into one of your tables, replacing rows with the same ``keys``
        (the table needs a primary key or unique constraint on them)."""
        ...


class TableSpec(msgspec.Struct, kw_only=True):
    """A derived table owned by a plugin, with its migrations in order.

    ``migrations[i]`` is applied once, as version ``i + 1``; never edit one that
    has shipped, append a new one instead.
    """

    name: str
    migrations: list[str]
