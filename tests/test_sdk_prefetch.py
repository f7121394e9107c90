"""seenby.RowsById: rows read ahead by post id, and what is read again."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime
from typing import Any

import polars as pl

import seenby
import seenby.prefetch

SQL = "SELECT post_id, score FROM scores WHERE post_id IN $1 AND platform = $2"
SCORES = {"a": 1, "b": 2, "c": 3}


class RecordingContext:
    """A Context whose query answers from SCORES and remembers what was asked."""

    def __init__(self) -> None:
        self.asked: list[list[Any]] = []

    @property
    def now(self) -> datetime:
        return datetime(2026, 11, 1, tzinfo=UTC)

    def query(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        assert sql == SQL and params is not None
        self.asked.append(params)
        ids = [i for i in params[0] if i in SCORES]
        return pl.DataFrame({"post_id": ids, "score": [SCORES[i] for i in ids]})

    def table_version(self, table: str) -> int:
        return 0


def posts(*ids: str, platform: str = "x") -> pl.DataFrame:
    return pl.DataFrame({"platform": [platform] * len(ids), "post_id": list(ids)})


def test_the_module_example_runs() -> None:
    assert doctest.testmod(seenby.prefetch).failed == 0


def test_rows_read_ahead_are_not_read_again() -> None:
    ctx = RecordingContext()
    ahead = seenby.RowsById.read(ctx, SQL, "x", ["a", "b", "zz"])
    rows = seenby.RowsById.of_posts(ctx, SQL, posts("b", "a"), ahead)
    assert sorted(rows.rows()) == [("a", 1), ("b", 2)]
    assert ctx.asked == [[["a", "b", "zz"], "x"]]


def test_ids_not_asked_ahead_are_read_then() -> None:
    """The page asked by an alias; the server resolved it to a stored id ("c")."""
    ctx = RecordingContext()
    ahead = seenby.RowsById.read(ctx, SQL, "x", ["a", "alias-of-c"])
    rows = seenby.RowsById.of_posts(ctx, SQL, posts("a", "c"), ahead)
    assert sorted(rows.rows()) == [("a", 1), ("c", 3)]
    assert ctx.asked[1:] == [[["c"], "x"]]


def test_without_rows_read_ahead_everything_is_read() -> None:
    for prefetched in (None, "something else", seenby.RowsById("y", frozenset(), pl.DataFrame())):
        ctx = RecordingContext()
        rows = seenby.RowsById.of_posts(ctx, SQL, posts("a", "b"), prefetched)
        assert sorted(rows.rows()) == [("a", 1), ("b", 2)]
        assert ctx.asked == [[["a", "b"], "x"]]
