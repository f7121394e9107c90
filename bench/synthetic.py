"""A seeded, realistic synthetic Seenby database, for benchmarks and the audience evaluation.

Generated entirely with polars expressions (hash-based uniforms, Box–Muller normals),
so a million posts take seconds. The truth process, per post:

- the author's followers are log-normal, heavy-tailed: ``10^N(2.3, 0.9)`` (median 200,
  1% above ~25k); unknown (NULL) on Reddit and Hacker News;
- final audience ``A∞ = followers · reach · virality + 10^N(1, 0.4)`` (people reached
  beyond the followers), with ``reach`` the platform's share (X 4%, Facebook 30% …)
  times ``10^N(0, 0.3)`` and ``virality = 10^N(0, 0.35)``; Reddit/HN: ``A∞ = 10^N(3, 0.8)``;
- feedback ``= A · 10^N(−2, 0.3)`` (about 1 viewer in 100 engages), split into
  likes 70%, replies 10%, reposts 20%;
- 1–5 snapshots per post at random ages up to 3 days, each showing
  ``A(t) = A∞·(1 − e^(−t/τ))``, τ = the platform's half-life / ln 2 × ``10^N(0, 0.2)``;
  3% of posts "snowball" instead (logistic growth, still accelerating);
- views are shown on every X snapshot and on the user's own LinkedIn posts.

Evaluation on this data shows the method recovers a known process; it says nothing
about how accurate the model is on real sites.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

T0 = datetime(2026, 6, 1, tzinfo=UTC)
PLATFORMS = {
    # name: (share of accounts, reach share of followers, half-life h, followers known)
    "x": (0.45, 0.04, 2.0, True),
    "mastodon": (0.12, 0.08, 6.0, True),
    "bluesky": (0.08, 0.06, 3.0, True),
    "reddit": (0.15, None, 6.0, False),
    "hackernews": (0.05, None, 4.0, False),
    "linkedin": (0.10, 0.06, 24.0, True),
    "facebook": (0.05, 0.30, 12.0, True),
}
TIME = pl.Datetime("us", "UTC")


def _uniform(index: pl.Expr, seed: int) -> pl.Expr:
    return (index.hash(seed) % 1_000_003).cast(pl.Float64) / 1_000_003 + 0.5 / 1_000_003


def _normal(index: pl.Expr, seed: int, mean: float = 0.0, sd: float = 1.0) -> pl.Expr:
    u1, u2 = _uniform(index, seed), _uniform(index, seed + 7919)
    return mean + sd * (-2 * u1.log()).sqrt() * (2 * math.pi * u2).cos()


def generate(posts: int, seed: int = 1) -> dict[str, pl.DataFrame]:
    """Rows for ``accounts``, ``viewers``, ``posts``, ``post_metrics``, ``post_metrics_latest``
    and ``captures`` (a capture per 20 posts and snapshot round, as a timeline page would show)."""
    n_accounts = max(posts // 10, 70)
    names = list(PLATFORMS)
    cuts = []
    total = 0.0
    for name in names:
        total += PLATFORMS[name][0]
        cuts.append(total)
    i = pl.int_range(0, pl.len(), dtype=pl.UInt64)
    u = _uniform(i, seed)
    platform = pl.lit(names[-1])
    for name, cut in reversed(list(zip(names, cuts, strict=True))):
        platform = pl.when(u < cut).then(pl.lit(name)).otherwise(platform)
    known = pl.col("platform").is_in([n for n in names if PLATFORMS[n][3]])
    accounts = (
        pl.DataFrame({"n": range(n_accounts)})
        .with_columns(platform=platform)
        .with_columns(
            account_id=pl.format("a{}", pl.col("n")),
            handle=pl.format("user{}", pl.col("n")),
            followers=pl.when(known).then(
                (10 ** _normal(i, seed + 1, 2.3, 0.9)).round().cast(pl.Int64)
            ),
            first_seen_at=pl.lit(T0, TIME),
            last_seen_at=pl.lit(T0, TIME),
        )
    )
    # The first account of each platform is the user's own.
    viewers = (
        accounts.group_by("platform")
        .agg(pl.col("account_id").first(), pl.col("handle").first())
        .with_columns(first_seen_at=pl.lit(T0, TIME), last_seen_at=pl.lit(T0, TIME))
    )
    reach = {n: p[1] or 0.0 for n, p in PLATFORMS.items()}
    half = {n: p[2] for n, p in PLATFORMS.items()}
    post_rows = (
        pl.DataFrame({"n": range(posts)})
        .with_columns(acc=(_uniform(i, seed + 2) * n_accounts).floor().cast(pl.Int64))
        .join(
            accounts.select(pl.col("n").alias("acc"), "platform", "account_id", "followers"),
            on="acc",
        )
        .sort("n")
        .with_columns(
            post_id=pl.format("p{}", pl.col("n")),
            created_at=pl.lit(T0, TIME)
            - pl.duration(seconds=(_uniform(i, seed + 3) * 30 * 86400).cast(pl.Int64)),
            reach=pl.col("platform").replace_strict(reach, return_dtype=pl.Float64)
            * 10 ** _normal(i, seed + 4, 0, 0.3),
            virality=10 ** _normal(i, seed + 5, 0, 0.35),
            engage=10 ** _normal(i, seed + 6, -2, 0.3),
            tau=pl.col("platform").replace_strict(half, return_dtype=pl.Float64)
            / math.log(2)
            * 10 ** _normal(i, seed + 8, 0, 0.2),
            snowball=_uniform(i, seed + 9) < 0.03,
            n_snap=(1 + _uniform(i, seed + 10) * 5).floor().cast(pl.Int64),
        )
        .with_columns(
            final=pl.when(pl.col("followers").is_not_null())
            .then(
                pl.col("followers") * pl.col("reach") * pl.col("virality")
                + 10 ** _normal(i, seed + 7, 1, 0.4)
            )
            .otherwise(10 ** _normal(i, seed + 7, 3, 0.8))
        )
    )
    own = pl.col("account_id").is_in(viewers["account_id"].to_list())
    snaps = (
        post_rows.select(
            "n",
            "platform",
            "post_id",
            "created_at",
            "final",
            "engage",
            "tau",
            "snowball",
            "n_snap",
            own.alias("own"),
            k=pl.int_ranges(0, pl.col("n_snap")),
        )
        .explode("k")
        .with_columns(j=pl.int_range(0, pl.len(), dtype=pl.UInt64))
        .with_columns(
            t=(pl.col("k").cast(pl.Float64) + _uniform(pl.col("j"), seed + 11))
            / pl.col("n_snap")
            * 72.0
            + 0.1
        )
        .with_columns(
            share=pl.when(pl.col("snowball"))
            .then(1 / (1 + (-(pl.col("t") - 96.0) / 12.0).exp()))
            .otherwise(1 - (-pl.col("t") / pl.col("tau")).exp())
        )
        .with_columns(audience=pl.col("final") * pl.col("share"))
        .with_columns(feedback=pl.col("audience") * pl.col("engage"))
    )
    shows_views = (pl.col("platform") == "x") | ((pl.col("platform") == "linkedin") & pl.col("own"))
    metrics = snaps.select(
        capture_id=pl.format("c{}_{}", pl.col("k"), pl.col("n") // 20),
        platform="platform",
        post_id="post_id",
        observed_at=pl.col("created_at") + pl.duration(seconds=(pl.col("t") * 3600).cast(pl.Int64)),
        likes=(pl.col("feedback") * 0.7).round().cast(pl.Int64),
        replies=(pl.col("feedback") * 0.1).round().cast(pl.Int64),
        reposts=(pl.col("feedback") * 0.2).round().cast(pl.Int64),
        views=pl.when(shows_views).then(pl.col("audience").round().cast(pl.Int64)),
    )
    captures = metrics.group_by("capture_id").agg(
        pl.col("platform").first(), pl.col("observed_at").max()
    )
    captures = captures.select(
        id="capture_id",
        kind=pl.lit("api"),
        platform="platform",
        url=pl.lit("https://example.test/synthetic"),
        method=pl.lit("GET"),
        status=pl.lit(200, pl.Int32),
        captured_at="observed_at",
        received_at="observed_at",
        body_is_json=pl.lit(True),
        parse_status=pl.lit("parsed"),
    )
    latest = metrics.sort("observed_at").group_by("platform", "post_id").last().drop("capture_id")
    posts_frame = post_rows.select(
        "platform",
        "post_id",
        author_id="account_id",
        text=pl.format("post {}", pl.col("n")),
        created_at="created_at",
        kind=pl.lit("post"),
        first_seen_at="created_at",
        last_seen_at="created_at",
    )
    return {
        "accounts": accounts.drop("n"),
        "viewers": viewers,
        "posts": posts_frame,
        "post_metrics": metrics,
        "post_metrics_latest": latest,
        "captures": captures,
    }


def load(con: Any, frames: dict[str, pl.DataFrame]) -> None:
    """Insert the frames into an open, migrated database connection (Arrow inserts)."""
    for table, frame in frames.items():
        con.register("incoming", frame.to_arrow())
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
        finally:
            con.unregister("incoming")


def truth_window() -> tuple[datetime, datetime]:
    return T0 - timedelta(days=30), T0 + timedelta(days=3)
