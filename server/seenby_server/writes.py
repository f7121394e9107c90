"""Bulk writes of parsed rows: structs → polars frames → one Arrow insert per table.

Upserts are order-independent: for every column the newest non-null value wins
(by the capture time that saw it), so re-parsing an old capture never overwrites
fresher data and parsing the same capture twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import msgspec
import msgspec.inspect
import polars as pl

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


class ParsedBatch:
    """Rows from many captures, each tagged with the capture that produced it."""

    def __init__(self) -> None:
        self._rows: dict[type[msgspec.Struct], list[tuple[str, datetime, Any]]] = {
            Account: [],
            Post: [],
            PostMetrics: [],
            Interaction: [],
            Viewer: [],
        }

    def add(self, capture_id: str, captured_at: datetime, result: ParseResult) -> None:
        for struct, rows in (
            (Account, result.accounts),
            (Post, result.posts),
            (PostMetrics, result.metrics),
            (Interaction, result.interactions),
            (Viewer, result.viewers),
        ):
            self._rows[struct].extend((capture_id, captured_at, row) for row in rows)

    def frame(self, struct: type[msgspec.Struct], schema: dict[str, pl.DataType]) -> pl.DataFrame:
        rows = self._rows[struct]
        columns: dict[str, list[Any]] = {
            name: [getattr(row, name) for _, _, row in rows] for name in schema
        }
        columns["capture_id"] = [capture_id for capture_id, _, _ in rows]
        columns["seen_at"] = [seen for _, seen, _ in rows]
        full_schema = {**schema, "capture_id": pl.String(), "seen_at": UTC_TIME}
        return pl.DataFrame(columns, schema=full_schema)

    def aliases(self) -> pl.DataFrame:
        """(platform, alias, post_id) for every alias the batch's posts declare."""
        rows = [
            (post.platform, alias, post.post_id)
            for _, _, post in self._rows[Post]
            for alias in post.aliases
            if alias != post.post_id
        ]
        return pl.DataFrame(
            rows,
            schema={"platform": pl.String(), "alias": pl.String(), "post_id": pl.String()},
            orient="row",
        ).unique(["platform", "alias"], keep="last")

    def post_keys(self) -> list[tuple[str, str]]:
        """(platform, post_id) of every post in the batch, first appearance order."""
        seen: dict[tuple[str, str], None] = {}
        for _, _, post in self._rows[Post]:
            seen.setdefault((post.platform, post.post_id), None)
        return list(seen)


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


def _upsert_newest_wins(
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
    cur.register("incoming", frame.to_arrow())
    try:
        cur.execute(
            f"INSERT INTO {table} BY NAME SELECT * FROM incoming "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(assignments)}"
        )
    finally:
        cur.unregister("incoming")


def _insert_new(
    cur: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, keys: Sequence[str]
) -> None:
    cur.register("incoming", frame.to_arrow())
    try:
        cur.execute(
            f"INSERT INTO {table} BY NAME SELECT * FROM incoming "
            f"ON CONFLICT ({', '.join(keys)}) DO NOTHING"
        )
    finally:
        cur.unregister("incoming")


def write_parsed(cur: duckdb.DuckDBPyConnection, batch: ParsedBatch) -> None:
    """Upsert every row of ``batch`` (inside the caller's transaction)."""
    accounts = batch.frame(Account, ACCOUNT_SCHEMA)
    if accounts.height:
        value_cols = [c for c in ACCOUNT_SCHEMA if c not in ("platform", "account_id")]
        merged = _latest_non_null(accounts, ["platform", "account_id"], value_cols)
        _upsert_newest_wins(cur, "accounts", merged.drop("capture_id"), ["platform", "account_id"])
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
            _insert_new(cur, "account_metrics", counts.unique(keys, keep="last"), keys)

    posts = batch.frame(Post, POST_SCHEMA)
    if posts.height:
        value_cols = [c for c in POST_SCHEMA if c not in ("platform", "post_id")]
        merged = _latest_non_null(posts, ["platform", "post_id"], value_cols)
        _upsert_newest_wins(cur, "posts", merged.drop("capture_id"), ["platform", "post_id"])
        aliases = batch.aliases()
        if aliases.height:
            cur.register("incoming", aliases.to_arrow())
            try:
                cur.execute("INSERT OR REPLACE INTO post_aliases BY NAME SELECT * FROM incoming")
            finally:
                cur.unregister("incoming")

    metrics = batch.frame(PostMetrics, METRICS_SCHEMA)
    if metrics.height:
        metrics = metrics.with_columns(pl.col("observed_at").fill_null(pl.col("seen_at")))
        keys = ["capture_id", "platform", "post_id"]
        value_cols = [c for c in METRICS_SCHEMA if c not in ("platform", "post_id")]
        merged = metrics.group_by(keys).agg(*[pl.col(c).drop_nulls().last() for c in value_cols])
        _insert_new(cur, "post_metrics", merged, keys)
        figures = [c for c in value_cols if c != "observed_at"]
        latest = (
            merged.sort("observed_at")
            .group_by("platform", "post_id")
            .agg(*[pl.col(c).drop_nulls().last() for c in figures], pl.col("observed_at").max())
        )
        _upsert_newest_wins(
            cur,
            "post_metrics_latest",
            latest,
            ["platform", "post_id"],
            last="observed_at",
            first=None,
        )

    interactions = batch.frame(Interaction, INTERACTION_SCHEMA)
    if interactions.height:
        _write_interactions(cur, interactions)

    viewers = batch.frame(Viewer, VIEWER_SCHEMA)
    if viewers.height:
        merged = _latest_non_null(viewers, ["platform", "account_id"], ["handle"])
        _upsert_newest_wins(cur, "viewers", merged.drop("capture_id"), ["platform", "account_id"])


def _write_interactions(cur: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    frame = (
        frame.with_columns(
            pl.coalesce("post_id", "account_id").alias("target_id"),
            pl.col("seen_at").alias("updated_at"),
            pl.when(pl.col("source") == "flag")
            .then(pl.col("occurred_at"))
            .otherwise(pl.col("occurred_at").fill_null(pl.col("seen_at")))
            .alias("occurred_at"),
        )
        .filter(pl.col("target_id").is_not_null())
        .sort("updated_at")
        .unique(["platform", "kind", "target_id"], keep="last")
        .drop("seen_at")
    )
    newer = "excluded.updated_at >= interactions.updated_at"
    cur.register("incoming", frame.to_arrow())
    try:
        cur.execute(
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
            "updated_at = greatest(interactions.updated_at, excluded.updated_at)"
        )
    finally:
        cur.unregister("incoming")
