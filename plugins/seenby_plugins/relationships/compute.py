"""Relationship statistics in DuckDB: every interaction between the user and a person, both ways.

Interpretation follows Backstrom, Bakshy, Kleinberg, Lento & Rosenn, “Center of
Attention” (ICWSM 2011): the share of the user's interactions that goes to the
top-k people, f_k = Σ_{j∈top k} a_j, for k = 5 and 15, separately for
communication (likes, replies, reposts) and viewing (posts seen on screen).
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

HALF_LIFE_DAYS = 30.0
"""An interaction counts half as much after this many days in the circle score."""
CIRCLE_SIZE = 15
MIN_CIRCLE_SCORE = 1.0
WEIGHTS = {"like": 1.0, "follow": 1.0, "repost": 2.0, "reply": 3.0, "quote": 3.0, "mention": 2.0}

# Every act between the user and another account: (platform, author_id, direction, kind, at).
EVENTS = """
WITH me AS (SELECT platform, account_id, lower(split_part(handle, '@', 1)) AS handle FROM viewers),
acts AS (
    SELECT i.platform,
           coalesce(i.account_id, p.author_id) AS author_id,
           CASE WHEN i.kind IN ('like', 'upvote', 'react') THEN 'like'
                WHEN i.kind IN ('repost', 'share') THEN 'repost'
                WHEN i.kind IN ('reply', 'quote') THEN i.kind
                WHEN i.kind = 'follow' THEN 'follow' END AS kind,
           coalesce(i.post_id, i.target_id) AS target,
           coalesce(i.occurred_at, i.updated_at) AS happened_at
    FROM interactions i
    LEFT JOIN posts p ON p.platform = i.platform AND p.post_id = i.post_id
    WHERE NOT i.undone
),
own_answers AS (
    SELECT m.platform, p.author_id,
           CASE WHEN m.reply_to_id IS NOT NULL THEN 'reply' ELSE 'quote' END AS kind,
           coalesce(m.reply_to_id, m.quote_of_id) AS target,
           coalesce(m.created_at, m.first_seen_at) AS happened_at
    FROM my_posts m
    JOIN posts p ON p.platform = m.platform AND p.post_id = coalesce(m.reply_to_id, m.quote_of_id)
),
given AS (
    SELECT platform, author_id, 'gave' AS direction, kind, min(happened_at) AS happened_at
    FROM (SELECT * FROM acts WHERE kind IS NOT NULL UNION ALL SELECT * FROM own_answers)
    GROUP BY platform, author_id, kind, target
),
received AS (
    SELECT p.platform, p.author_id, 'received' AS direction,
           CASE WHEN p.reply_to_id = m.post_id THEN 'reply' ELSE 'quote' END AS kind,
           coalesce(p.created_at, p.first_seen_at) AS happened_at
    FROM posts p
    JOIN my_posts m ON m.platform = p.platform AND m.post_id IN (p.reply_to_id, p.quote_of_id)
),
mentions AS (
    SELECT p.platform, p.author_id, 'received' AS direction, 'mention' AS kind,
           coalesce(p.created_at, p.first_seen_at) AS happened_at
    FROM posts p JOIN me ON me.platform = p.platform
    WHERE me.handle <> '' AND contains(lower(p.text), '@' || me.handle)
      AND NOT EXISTS (SELECT 1 FROM my_posts m WHERE m.platform = p.platform
                      AND m.post_id IN (p.reply_to_id, p.quote_of_id))
)
SELECT e.* FROM (
    SELECT * FROM given UNION ALL SELECT * FROM received UNION ALL SELECT * FROM mentions
) e
WHERE e.author_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM viewers v
                  WHERE v.platform = e.platform AND v.account_id = e.author_id)
"""

VIEWS = """
SELECT im.platform, p.author_id, im.seen_at AS happened_at, coalesce(im.dwell_ms, 0) AS dwell_ms
FROM impressions im JOIN posts p ON p.platform = im.platform AND p.post_id = im.post_id
WHERE p.author_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM viewers v
                  WHERE v.platform = p.platform AND v.account_id = p.author_id)
"""


def people(events: pl.DataFrame, views: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """One row per (platform, person): what the user gave, received and saw; the circle score."""
    weight = pl.col("kind").replace_strict(WEIGHTS, default=1.0, return_dtype=pl.Float64)
    at = pl.col("happened_at").dt.convert_time_zone("UTC")
    age_days = ((pl.lit(now).dt.convert_time_zone("UTC") - at).dt.total_seconds() / 86400).clip(
        lower_bound=0
    )
    decay = pl.lit(0.5).pow(age_days.fill_null(HALF_LIFE_DAYS * 4) / HALF_LIFE_DAYS)

    def n(direction: str, kind: str) -> pl.Expr:
        return ((pl.col("direction") == direction) & (pl.col("kind") == kind)).sum()

    acts = events.group_by("platform", "author_id").agg(
        gave_likes=n("gave", "like"),
        gave_replies=n("gave", "reply") + n("gave", "quote"),
        gave_reposts=n("gave", "repost"),
        gave_follows=n("gave", "follow"),
        received_replies=n("received", "reply") + n("received", "quote"),
        received_mentions=n("received", "mention"),
        last_at=pl.col("happened_at").max(),
        score=(weight * decay).sum(),
    )
    seen = views.group_by("platform", "author_id").agg(
        impressions=pl.len(),
        dwell_ms=pl.col("dwell_ms").sum(),
        last_seen_at=pl.col("happened_at").max(),
    )
    frame = acts.join(seen, on=["platform", "author_id"], how="full", coalesce=True)
    counts = [
        "gave_likes", "gave_replies", "gave_reposts", "gave_follows",
        "received_replies", "received_mentions", "impressions", "dwell_ms",
    ]  # fmt: skip
    frame = frame.with_columns(
        [pl.col(c).fill_null(0).cast(pl.Int64) for c in counts],
        score=pl.col("score").fill_null(0.0),
    )
    gave = pl.sum_horizontal("gave_likes", "gave_replies", "gave_reposts", "gave_follows")
    received = pl.sum_horizontal("received_replies", "received_mentions")
    frame = frame.with_columns(gave=gave, received=received).with_columns(
        interactions=pl.col("gave") + pl.col("received"),
        mutual=(pl.col("gave") > 0) & (pl.col("received") > 0),
        reciprocity=(
            pl.min_horizontal("gave", "received") / pl.max_horizontal("gave", "received").clip(1)
        ).round(2),
        rank=pl.col("score").rank("ordinal", descending=True).over("platform").cast(pl.Int64),
    )
    return frame.with_columns(
        in_circle=(pl.col("rank") <= CIRCLE_SIZE) & (pl.col("score") >= MIN_CIRCLE_SCORE),
        score=pl.col("score").round(3),
    )


def attention(events: pl.DataFrame, views: pl.DataFrame) -> pl.DataFrame:
    """Per platform, week and modality: interactions, people, and the top-5 / top-15 shares."""
    given = events.filter(pl.col("direction") == "gave").select(
        "platform", "author_id", "happened_at", modality=pl.lit("communication")
    )
    seen = views.select("platform", "author_id", "happened_at", modality=pl.lit("viewing"))
    both = pl.concat([given, seen]).drop_nulls("happened_at")
    if both.height == 0:
        return pl.DataFrame(
            schema={
                "platform": pl.String, "modality": pl.String, "week": pl.Date,
                "interactions": pl.Int64, "people": pl.Int64,
                "top5_share": pl.Float64, "top15_share": pl.Float64,
            }
        )  # fmt: skip
    per_person = (
        both.with_columns(week=pl.col("happened_at").dt.truncate("1w").dt.date())
        .group_by("platform", "modality", "week", "author_id")
        .agg(m=pl.len())
        .with_columns(
            r=pl.col("m").rank("ordinal", descending=True).over("platform", "modality", "week")
        )
    )
    return (
        per_person.group_by("platform", "modality", "week")
        .agg(
            interactions=pl.col("m").sum().cast(pl.Int64),
            people=pl.len().cast(pl.Int64),
            top5=pl.col("m").filter(pl.col("r") <= 5).sum(),
            top15=pl.col("m").filter(pl.col("r") <= 15).sum(),
        )
        .select(
            "platform",
            "modality",
            "week",
            "interactions",
            "people",
            top5_share=(pl.col("top5") / pl.col("interactions")).round(3),
            top15_share=(pl.col("top15") / pl.col("interactions")).round(3),
        )
        .sort("platform", "modality", "week")
    )
