"""Bulk writes of parsed rows: structs → Arrow → polars frames → one insert per table.

Upserts are order-independent: for every column the newest non-null value wins
(by the capture time that saw it), so re-parsing an old capture never overwrites
fresher data and parsing the same capture twice changes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import duckdb
import msgspec
import msgspec.inspect
import msgspec.structs
import polars as pl
import pyarrow as pa

from seenby import Account, Interaction, ParseResult, Post, PostMetrics, Viewer

UTC_TIME = pl.Datetime("us", "UTC")

_POLARS_TYPES: dict[type[msgspec.inspect.Type], pl.DataType] = {
    msgspec.inspect.IntType: pl.Int64(),
    msgspec.inspect.FloatType: pl.Float64(),
    msgspec.inspect.BoolType: pl.Boolean(),
    msgspec.inspect.DateTimeType: UTC_TIME,
}


def _polars_type(info: msgspec.inspect.Type) -> pl.DataType:
    """The column type of a struct field: ``X | None`` is X; strings and literals are text."""
    if isinstance(info, msgspec.inspect.UnionType):
        (info,) = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
    return _POLARS_TYPES.get(type(info), pl.String())


def _schema(struct: type[msgspec.Struct]) -> dict[str, pl.DataType]:
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)
    return {
        field.name: _polars_type(field.type)
        for field in info.fields
        if not isinstance(field.type, msgspec.inspect.ListType)  # aliases: a table of their own
    }


ACCOUNT_SCHEMA = _schema(Account)
POST_SCHEMA = _schema(Post)
METRICS_SCHEMA = _schema(PostMetrics)
INTERACTION_SCHEMA = _schema(Interaction)
VIEWER_SCHEMA = _schema(Viewer)


IMPRESSION_SCHEMA = {
    "capture_id": pl.String(),
    "platform": pl.String(),
    "post_id": pl.String(),
    "seen_at": UTC_TIME,
    "dwell_ms": pl.Int32(),
    "page_url": pl.String(),
}
VIEWER_HANDLE_SCHEMA = {
    "capture_id": pl.String(),
    "platform": pl.String(),
    "handle": pl.String(),
    "seen_at": UTC_TIME,
}
ALIAS_SCHEMA = {
    "capture_id": pl.String(),
    "platform": pl.String(),
    "alias": pl.String(),
    "post_id": pl.String(),
}


@dataclass(frozen=True)
class RowFrames:
    """Parsed rows as one polars frame per table, every row tagged with its ``capture_id``."""

    accounts: pl.DataFrame
    posts: pl.DataFrame
    aliases: pl.DataFrame
    metrics: pl.DataFrame
    interactions: pl.DataFrame
    viewers: pl.DataFrame
    impressions: pl.DataFrame
    viewer_handles: pl.DataFrame

    TABLES: ClassVar[tuple[str, ...]] = (
        "accounts",
        "posts",
        "aliases",
        "metrics",
        "interactions",
        "viewers",
        "impressions",
        "viewer_handles",
    )

    def of_captures(self, capture_ids: Collection[str]) -> RowFrames:
        """Only the rows of these captures."""
        ids = pl.Series(list(capture_ids), dtype=pl.String()).implode()
        return RowFrames(
            **{t: getattr(self, t).filter(pl.col("capture_id").is_in(ids)) for t in self.TABLES}
        )


class ParsedBatch:
    """Rows from many captures, each tagged with the capture that produced it, as the
    parsers returned them; :meth:`tables` lays them out as Arrow (rowtables.py),
    :meth:`frames` as polars frames for :func:`write_frames`."""

    def __init__(self) -> None:
        self._rows: dict[type[msgspec.Struct], list[tuple[str, datetime, Any]]] = {
            Account: [],
            Post: [],
            PostMetrics: [],
            Interaction: [],
            Viewer: [],
        }
        self._impressions: list[tuple[Any, ...]] = []
        self._viewer_handles: list[tuple[Any, ...]] = []
        self._captures: dict[str, None] = {}

    @property
    def captures(self) -> tuple[str, ...]:
        """Every capture with at least one row here, first appearance order."""
        return tuple(self._captures)

    def __len__(self) -> int:
        return (
            sum(map(len, self._rows.values())) + len(self._impressions) + len(self._viewer_handles)
        )

    def of_captures(self, capture_ids: Collection[str]) -> ParsedBatch:
        """Only the rows of these captures."""
        kept = ParsedBatch()
        for struct, rows in self._rows.items():
            kept._rows[struct] = [row for row in rows if row[0] in capture_ids]
        kept._impressions = [row for row in self._impressions if row[0] in capture_ids]
        kept._viewer_handles = [row for row in self._viewer_handles if row[0] in capture_ids]
        kept._captures = {c: None for c in self._captures if c in capture_ids}
        return kept

    def add(self, capture_id: str, captured_at: datetime, result: ParseResult) -> None:
        for struct, rows in (
            (Account, result.accounts),
            (Post, result.posts),
            (PostMetrics, result.metrics),
            (Interaction, result.interactions),
            (Viewer, result.viewers),
        ):
            if rows:
                self._rows[struct].extend((capture_id, captured_at, row) for row in rows)
                self._captures[capture_id] = None

    def add_impression(
        self,
        capture_id: str,
        platform: str | None,
        post_id: str,
        seen_at: datetime,
        dwell_ms: int,
        page_url: str | None,
    ) -> None:
        """A post that was on screen (an ``impression`` capture)."""
        self._impressions.append((capture_id, platform, post_id, seen_at, dwell_ms, page_url))
        self._captures[capture_id] = None

    def add_viewer_handle(
        self, capture_id: str, platform: str, handle: str, seen_at: datetime
    ) -> None:
        """The user's own handle as a page showed it (a ``viewer`` capture)."""
        self._viewer_handles.append((capture_id, platform, handle, seen_at))
        self._captures[capture_id] = None

    def tables(self) -> dict[str, pa.Table]:
        """One Arrow table per :class:`RowFrames` table.

        Built by pyarrow from the transposed rows, which converts whole Python lists
        (datetimes included) in C; polars' constructors cost several times more.
        """
        return {
            "accounts": self._table(Account, ACCOUNT_SCHEMA),
            "posts": self._table(Post, POST_SCHEMA),
            "aliases": self._aliases(),
            "metrics": self._table(PostMetrics, METRICS_SCHEMA),
            "interactions": self._table(Interaction, INTERACTION_SCHEMA),
            "viewers": self._table(Viewer, VIEWER_SCHEMA),
            "impressions": _rows_table(IMPRESSION_SCHEMA, self._impressions),
            "viewer_handles": _rows_table(VIEWER_HANDLE_SCHEMA, self._viewer_handles),
        }

    def _table(self, struct: type[msgspec.Struct], schema: dict[str, pl.DataType]) -> pa.Table:
        rows = self._rows[struct]
        # Transposing whole rows (one C call each) is faster than a getattr per cell.
        fields = struct.__struct_fields__
        by_field = dict(
            zip(
                fields,
                _transpose([msgspec.structs.astuple(row) for _, _, row in rows], len(fields)),
                strict=True,
            )
        )
        columns = {name: by_field[name] for name in schema}
        columns["capture_id"] = [capture_id for capture_id, _, _ in rows]
        columns["seen_at"] = [seen for _, seen, _ in rows]
        return _arrow({**schema, "capture_id": pl.String(), "seen_at": UTC_TIME}, columns)

    def _aliases(self) -> pa.Table:
        """(capture_id, platform, alias, post_id) for every alias the posts declare."""
        rows = [
            (capture_id, post.platform, alias, post.post_id)
            for capture_id, _, post in self._rows[Post]
            for alias in post.aliases
            if alias != post.post_id
        ]
        return _rows_table(ALIAS_SCHEMA, rows)


def _rows_table(schema: Mapping[str, pl.DataType], rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    """Rows given as tuples in ``schema``'s column order, as Arrow."""
    return _arrow(schema, dict(zip(schema, _transpose(rows, len(schema)), strict=True)))


def _transpose(rows: Sequence[tuple[Any, ...]], width: int) -> list[Sequence[Any]]:
    """Rows of ``width`` values → one sequence per column."""
    return list(zip(*rows, strict=True)) if rows else [()] * width


_ARROW_TYPES: dict[pl.DataType, pa.DataType] = {
    pl.Int64(): pa.int64(),
    pl.Int32(): pa.int32(),
    pl.Float64(): pa.float64(),
    pl.Boolean(): pa.bool_(),
    UTC_TIME: pa.timestamp("us", tz="UTC"),
}


def _arrow(schema: Mapping[str, pl.DataType], columns: Mapping[str, Sequence[Any]]) -> pa.Table:
    """A table of ``columns`` with the Arrow types of a polars ``schema`` (text: large_string,
    as polars has it). Naive datetimes are taken as UTC."""
    arrow_schema = pa.schema(
        [(name, _ARROW_TYPES.get(dtype, pa.large_string())) for name, dtype in schema.items()]
    )
    return pa.Table.from_pydict({name: list(columns[name]) for name in schema}, schema=arrow_schema)


def _latest_non_null(
    frame: pl.DataFrame, keys: Sequence[str], values: Sequence[str]
) -> pl.DataFrame:
    """One row per key: each value column's newest non-null value, first and last seen."""
    return (
        frame.sort("seen_at")
        .group_by(keys)
        .agg(
            *[pl.col(c).drop_nulls().last() for c in values],
            pl.col("seen_at").min().alias("first_seen_at"),
            pl.col("seen_at").max().alias("last_seen_at"),
            pl.col("capture_id").last(),
        )
    )


def upsert_newest_wins(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    keys: Sequence[str],
    *,
    last: str = "last_seen_at",
    first: str | None = "first_seen_at",
) -> None:
    """Upsert where, per column, the value seen latest (by ``last``) wins unless it is null."""
    values = [c for c in frame.columns if c not in (*keys, last, first)]
    assignments = [
        f"{c} = CASE WHEN excluded.{last} >= {table}.{last} "
        f"THEN coalesce(excluded.{c}, {table}.{c}) ELSE coalesce({table}.{c}, excluded.{c}) END"
        for c in values
    ]
    assignments.append(f"{last} = greatest({table}.{last}, excluded.{last})")
    if first:
        assignments.append(f"{first} = least({table}.{first}, excluded.{first})")
    run_with(
        cur,
        frame,
        f"INSERT INTO {table} BY NAME SELECT * FROM incoming "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(assignments)}",
    )


def _append_snapshots(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    keys: Sequence[str],
    *,
    new_captures: bool,
) -> None:
    """Add per-capture snapshot rows (unique by ``keys``; the table has no key of its own).

    Rows of captures never written before are appended as they are; otherwise rows
    already there are skipped, which scans the table (reparse only).
    """
    if new_captures:
        run_with(cur, frame, f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
        return
    match = " AND ".join(f"t.{k} = i.{k}" for k in keys)
    run_with(
        cur,
        frame,
        f"INSERT INTO {table} BY NAME SELECT * FROM incoming i "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})",
    )


def write_frames(
    cur: duckdb.DuckDBPyConnection, rows: RowFrames, *, new_captures: bool = False
) -> None:
    """Upsert every row (inside the caller's transaction); the viewer handles are
    handles.py's.

    ``new_captures``: none of these captures' rows were written before (a merge of
    freshly stored captures), so their snapshots need no check for duplicates.
    """
    accounts = rows.accounts
    if accounts.height:
        value_cols = [c for c in ACCOUNT_SCHEMA if c not in ("platform", "account_id")]
        merged = _latest_non_null(accounts, ["platform", "account_id"], value_cols)
        upsert_newest_wins(cur, "accounts", merged.drop("capture_id"), ["platform", "account_id"])
        counts = accounts.filter(
            pl.any_horizontal(pl.col("followers", "following", "posts_count").is_not_null())
        ).select(
            "capture_id",
            "platform",
            "account_id",
            pl.col("seen_at").alias("observed_at"),
            "followers",
            "following",
            "posts_count",
        )
        if counts.height:
            keys = ["capture_id", "platform", "account_id"]
            _append_snapshots(
                cur,
                "account_metrics",
                counts.unique(keys, keep="last"),
                keys,
                new_captures=new_captures,
            )

    posts = rows.posts
    if posts.height:
        value_cols = [c for c in POST_SCHEMA if c not in ("platform", "post_id")]
        merged = _latest_non_null(posts, ["platform", "post_id"], value_cols)
        upsert_newest_wins(cur, "posts", merged.drop("capture_id"), ["platform", "post_id"])
    if rows.aliases.height:
        aliases = rows.aliases.drop("capture_id").unique(["platform", "alias"], keep="last")
        run_with(cur, aliases, "INSERT OR REPLACE INTO post_aliases BY NAME SELECT * FROM incoming")

    metrics = rows.metrics
    if metrics.height:
        metrics = metrics.with_columns(pl.col("observed_at").fill_null(pl.col("seen_at")))
        keys = ["capture_id", "platform", "post_id"]
        value_cols = [c for c in METRICS_SCHEMA if c not in ("platform", "post_id")]
        merged = metrics.group_by(keys).agg(*[pl.col(c).drop_nulls().last() for c in value_cols])
        _append_snapshots(cur, "post_metrics", merged, keys, new_captures=new_captures)
        figures = [c for c in value_cols if c != "observed_at"]
        latest = (
            merged.sort("observed_at")
            .group_by("platform", "post_id")
            .agg(*[pl.col(c).drop_nulls().last() for c in figures], pl.col("observed_at").max())
        )
        upsert_newest_wins(
            cur,
            "post_metrics_latest",
            latest,
            ["platform", "post_id"],
            last="observed_at",
            first=None,
        )

    if rows.interactions.height:
        _write_interactions(cur, rows.interactions)

    viewers = rows.viewers
    if viewers.height:
        merged = _latest_non_null(viewers, ["platform", "account_id"], ["handle"])
        upsert_newest_wins(cur, "viewers", merged.drop("capture_id"), ["platform", "account_id"])

    if rows.impressions.height:
        # The page may know a post only by an alias (see post_aliases): store the real id.
        # Aliases are written above, so the ones from this same batch resolve too.
        run_with(
            cur,
            rows.impressions,
            "INSERT INTO impressions BY NAME "
            "SELECT i.* REPLACE (coalesce(a.post_id, i.post_id) AS post_id) "
            "FROM incoming i LEFT JOIN post_aliases a "
            "ON a.platform = i.platform AND a.alias = i.post_id "
            "ON CONFLICT (capture_id) DO NOTHING",
        )


def run_with(
    cur: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame | pa.Table,
    sql: str,
    *,
    returning: bool = False,
) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``frame`` registered as ``incoming``; with ``returning``, the rows
    its RETURNING clause gives."""
    cur.register("incoming", frame if isinstance(frame, pa.Table) else frame.to_arrow())
    try:
        cur.execute(sql)
        returned = cur.fetchall() if returning else []
    except duckdb.Error:
        # The transaction is aborted now and refuses the unregister too; raise the cause.
        with contextlib.suppress(duckdb.Error):
            cur.unregister("incoming")
        raise
    cur.unregister("incoming")
    return returned


def _write_interactions(cur: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> None:
    rows = rows.with_columns(
        pl.coalesce("post_id", "account_id").alias("target_id"),
        pl.col("seen_at").alias("updated_at"),
        pl.when(pl.col("source") == "flag")
        .then(pl.col("occurred_at"))
        .otherwise(pl.col("occurred_at").fill_null(pl.col("seen_at")))
        .alias("occurred_at"),
    ).sort("updated_at")
    key = ["platform", "kind", "target_id"]
    frame = (
        rows.filter(pl.col("target_id").is_not_null())
        # The newest record id seen for the act, even when its last sighting had none.
        .with_columns(pl.col("record_id").forward_fill().over(key))
        .unique(key, keep="last")
        .drop("seen_at")
    )
    if frame.height:
        _upsert_interactions(cur, frame)
    # Undos that name only the user's own record (Bluesky's deleteRecord): after the
    # upsert, so an act and its undo in the same merge end undone. An undo merged
    # before the act it undoes finds nothing (captures arrive in order).
    undos = (
        rows.filter(
            pl.col("target_id").is_null() & pl.col("record_id").is_not_null() & pl.col("undone")
        )
        .unique(["platform", "kind", "record_id"], keep="last")
        .select("platform", "kind", "record_id", "source", "capture_id", "updated_at")
    )
    if undos.height:
        run_with(
            cur,
            undos,
            "UPDATE interactions SET undone = true, source = u.source, "
            "capture_id = u.capture_id, updated_at = u.updated_at FROM incoming u "
            "WHERE interactions.platform = u.platform AND interactions.kind = u.kind "
            "AND interactions.record_id = u.record_id "
            "AND u.updated_at >= interactions.updated_at",
        )


def _upsert_interactions(cur: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    newer = "excluded.updated_at >= interactions.updated_at"
    run_with(
        cur,
        frame,
        "INSERT INTO interactions BY NAME SELECT * FROM incoming "
        "ON CONFLICT (platform, kind, target_id) DO UPDATE SET "
        f"undone = CASE WHEN {newer} THEN excluded.undone ELSE interactions.undone END, "
        f"source = CASE WHEN {newer} THEN excluded.source ELSE interactions.source END, "
        f"capture_id = CASE WHEN {newer} THEN excluded.capture_id "
        "ELSE interactions.capture_id END, "
        "occurred_at = coalesce(least(interactions.occurred_at, excluded.occurred_at), "
        "interactions.occurred_at, excluded.occurred_at), "
        "account_id = coalesce(interactions.account_id, excluded.account_id), "
        "post_id = coalesce(interactions.post_id, excluded.post_id), "
        f"record_id = CASE WHEN {newer} THEN coalesce(excluded.record_id, interactions.record_id) "
        "ELSE coalesce(interactions.record_id, excluded.record_id) END, "
        "updated_at = greatest(interactions.updated_at, excluded.updated_at)",
    )
