"""Parsed rows on their way from the parser to the merge, as Arrow tables.

A parse worker process (parse_pool.py) sends a request's rows as Arrow: reading
them back costs microseconds per table, where Python row objects would have to be
unpickled one by one. The merger holds these until it merges many requests at once,
then turns them into polars frames (:class:`RowFrames`) in one go.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from seenby_server.writes import ParsedBatch, RowFrames


@dataclass(frozen=True)
class RowTables:
    """One Arrow table per :class:`RowFrames` table, every row tagged with its ``capture_id``."""

    tables: dict[str, pa.Table]

    @classmethod
    def of_batch(cls, batch: ParsedBatch) -> RowTables:
        return cls(batch.tables())

    @classmethod
    def empty(cls) -> RowTables:
        return _EMPTY

    @classmethod
    def concat(cls, parts: Sequence[RowTables]) -> RowTables:
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return _EMPTY
        return cls(
            {
                name: pa.concat_tables([part.tables[name] for part in parts])
                for name in RowFrames.TABLES
            }
        )

    def __len__(self) -> int:
        return sum(table.num_rows for table in self.tables.values())

    @property
    def captures(self) -> tuple[str, ...]:
        """Every capture with at least one row here."""
        seen: dict[str, None] = {}
        for table in self.tables.values():
            if table.num_rows:
                seen.update(dict.fromkeys(pc.unique(table["capture_id"]).to_pylist()))
        return tuple(seen)

    def of_captures(self, capture_ids: Collection[str]) -> RowTables:
        """Only the rows of these captures."""
        wanted = pa.array(list(capture_ids), type=pa.string())
        return RowTables(
            {
                name: table.filter(pc.is_in(table["capture_id"], value_set=wanted))
                for name, table in self.tables.items()
            }
        )

    def post_keys(self) -> list[tuple[str, str]]:
        """(platform, post_id) of every post, first appearance order."""
        posts = self.tables["posts"]
        pairs = zip(posts["platform"].to_pylist(), posts["post_id"].to_pylist(), strict=True)
        return list(dict.fromkeys(pairs))

    def frames(self) -> RowFrames:
        return RowFrames(
            **{name: pl.DataFrame(pl.from_arrow(table)) for name, table in self.tables.items()}
        )


_EMPTY = RowTables.of_batch(ParsedBatch())
