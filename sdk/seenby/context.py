"""What the server hands analysis plugins: a read-only view of the data."""

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


class TableSpec(msgspec.Struct, kw_only=True):
    """A derived table owned by a plugin, with its migrations in order.

    ``migrations[i]`` is applied once, as version ``i + 1``; never edit one that
    has shipped, append a new one instead.
    """

    name: str
    migrations: list[str]
