"""Reading a plugin table once per refresh instead of once per overlay request.

Derived tables change only when a refresh writes them, and ``ctx.table_version`` says
when that happened. A :class:`TableMemo` keeps one value read from some tables (a whole
small table as a polars frame, usually) and reads again only when one of their versions
has changed, so a request that finds it current costs no query at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import seenby

T = TypeVar("T")


class TableMemo(Generic[T]):
    """``load(ctx)``'s result, kept until a refresh writes one of ``tables``.

    Safe from concurrent requests: the versions are taken before loading, so a load that
    raced a refresh's write is kept under the old versions and loaded again next time.
    Requests that find it stale at the same time may each load; each keeps its own
    versions, so none is ever reused past a write.
    """

    def __init__(self, tables: tuple[str, ...], load: Callable[[seenby.Context], T]) -> None:
        self._tables = tables
        self._load = load
        self._entry: tuple[tuple[int, ...], T] | None = None

    def get(self, ctx: seenby.Context) -> T:
        key = tuple(ctx.table_version(table) for table in self._tables)
        entry = self._entry  # one read: the (key, value) pair is replaced as a whole
        if entry is not None and entry[0] == key:
            return entry[1]
        value = self._load(ctx)
        self._entry = (key, value)
        return value
