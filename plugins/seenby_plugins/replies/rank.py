"""Ranking the posts in view as reply opportunities: vectorised over the request's frame.

Score (0-1.15): author in the user's close circle 0.30 (anyone they interacted
with 0.15), a question to followers 0.25, few replies so far up to 0.20, topics
the user posts about up to 0.20 (0.07 a shared word), fresh up to 0.15.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

import seenby
from seenby_plugins.content_value.classify import classify
from seenby_plugins.memo import TableMemo
from seenby_plugins.replies.phrases import topic_words

MIN_WORDS = 5
"""Shorter posts give a reply nothing to build on."""
TOPICS = "replies_topics"
PEOPLE = "relationships_people"


def has_table(ctx: seenby.Context, name: str) -> bool:
    found = ctx.query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", [name]
    )
    return bool(found["n"][0])


_PEOPLE_SCHEMA = pl.Schema(
    {"platform": pl.String, "author_id": pl.String, "in_circle": pl.Boolean,
     "circle_rank": pl.Int64, "interactions": pl.Int64, "mutual": pl.Boolean}
)  # fmt: skip


def _load_people(ctx: seenby.Context) -> pl.DataFrame:
    if not has_table(ctx, PEOPLE):  # the relationships plugin is not installed
        return pl.DataFrame(schema=_PEOPLE_SCHEMA)
    return ctx.query(
        f"""SELECT platform, author_id, in_circle, rank AS circle_rank, interactions, mutual
            FROM {PEOPLE} WHERE interactions > 0"""
    ).cast(_PEOPLE_SCHEMA)


PEOPLE_MEMO = TableMemo((PEOPLE,), _load_people)
"""The people the user has interacted with, per platform (``relationships_people``; those
without interactions rank as strangers), read again only after a refresh writes it."""


def _load_topics(ctx: seenby.Context) -> pl.DataFrame:
    if not has_table(ctx, TOPICS):
        return pl.DataFrame(schema={"term": pl.String, "mine": pl.Int64})
    return ctx.query(f"SELECT term, posts AS mine FROM {TOPICS}")


_TOPICS_MEMO = TableMemo((TOPICS,), _load_topics)


def people(ctx: seenby.Context, platform: str) -> pl.DataFrame:
    """``author_id``, ``in_circle``, ``circle_rank``, ``interactions``, ``mutual`` of the
    people on ``platform`` the user has interacted with."""
    return PEOPLE_MEMO.get(ctx).filter(pl.col("platform") == platform).drop("platform")


def candidates(posts: pl.DataFrame) -> pl.DataFrame:
    """Posts one could answer: others' posts with words in them, no ads, no bare reposts."""
    text = pl.concat_str(
        [pl.col("title").fill_null(""), pl.col("text").fill_null("")], separator="\n\n"
    )
    return posts.with_columns(_text=text.str.strip_chars()).filter(
        ~pl.col("is_own").fill_null(False)
        & ~pl.col("promoted").fill_null(False)
        & (pl.col("kind").fill_null("post") != "repost")
        & (pl.col("_text").str.count_matches(r"\w+") >= MIN_WORDS)
        & ~pl.col("_text").is_in(["[deleted]", "[removed]"])
    )


def _answered(ctx: seenby.Context, platform: str, ids: list[str]) -> list[str]:
    frame = ctx.query(
        """SELECT reply_to_id AS post_id FROM my_posts WHERE platform = ? AND reply_to_id IN ?
           UNION SELECT post_id FROM interactions
           WHERE platform = ? AND kind IN ('reply', 'quote') AND NOT undone AND post_id IN ?""",
        [platform, ids, platform, ids],
    )
    return frame["post_id"].drop_nulls().to_list()


def rank(ctx: seenby.Context, posts: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Candidates with ``score`` and ``reasons``, best first (posts already answered left out)."""
    cands = candidates(posts)
    if cands.height == 0:
        return cands.with_columns(score=pl.lit(0.0), reasons=pl.lit([], dtype=pl.List(pl.String)))
    platform = cands["platform"][0]
    ids = cands["post_id"].to_list()
    cands = cands.filter(~pl.col("post_id").is_in(_answered(ctx, platform, ids)))
    cands = cands.join(people(ctx, platform), on="author_id", how="left").with_columns(
        pl.col("in_circle").fill_null(False), pl.col("interactions").fill_null(0)
    )
    kinds = classify(cands.with_columns(parent_author_id=pl.lit(None, dtype=pl.String)))
    cands = cands.join(kinds.select("post_id", "category"), on="post_id", how="left")
    terms = topic_words(cands)
    mine = _TOPICS_MEMO.get(ctx) if terms.height else None
    if mine is not None and mine.height:
        shared = (
            terms.join(mine, on="term")
            .sort("mine", descending=True)
            .group_by("post_id", maintain_order=True)
            .agg(shared=pl.col("term").head(3))
        )
        cands = cands.join(shared, on="post_id", how="left")
    else:
        cands = cands.with_columns(shared=pl.lit(None, dtype=pl.List(pl.String)))
    born = pl.coalesce(pl.col("created_at"), pl.col("first_seen_at")).dt.convert_time_zone("UTC")
    hours = ((pl.lit(now).dt.convert_time_zone("UTC") - born).dt.total_seconds() / 3600).clip(
        lower_bound=0
    )
    n_shared = pl.col("shared").list.len().fill_null(0)
    replies = pl.col("replies")
    question = pl.col("category") == "question_to_followers"
    circle_pts = pl.when(pl.col("in_circle")).then(0.30).when(pl.col("interactions") > 0).then(0.15)
    reply_pts = (
        pl.when(replies.is_null()).then(0.05).when(replies == 0).then(0.20)
        .when(replies < 5).then(0.15).when(replies < 20).then(0.08).otherwise(0.0)
    )  # fmt: skip
    fresh_pts = (
        pl.when(hours.is_null()).then(0.0).when(hours <= 6).then(0.15)
        .when(hours <= 24).then(0.10).when(hours <= 72).then(0.05).otherwise(0.0)
    )  # fmt: skip
    handle = pl.coalesce(pl.col("author_handle"), pl.col("author_id"), pl.lit("the author"))
    reasons = pl.concat_list(
        pl.when(pl.col("in_circle")).then(
            pl.format("@{} is in your close circle (#{})", handle, pl.col("circle_rank"))
        ),
        pl.when(~pl.col("in_circle") & (pl.col("interactions") > 0)).then(
            pl.format(
                "you and @{} have interacted {} time{}",
                handle,
                pl.col("interactions"),
                pl.when(pl.col("interactions") == 1).then(pl.lit("")).otherwise(pl.lit("s")),
            )
        ),
        pl.when(question).then(pl.lit("a question to followers: questions invite answers")),
        pl.when(replies == 0).then(pl.lit("no replies yet: yours would be the first seen")),
        pl.when(replies == 1).then(pl.lit("only 1 reply so far: yours stays visible")),
        pl.when((replies > 1) & (replies < 20)).then(
            pl.format("only {} replies so far: yours stays visible", replies)
        ),
        pl.when(n_shared > 0).then(
            pl.format("about {}, which you post about", pl.col("shared").list.join(", "))
        ),
        pl.when(hours <= 24).then(pl.format("posted {} h ago", hours.round(0).cast(pl.Int64))),
    ).list.drop_nulls()
    score = (
        circle_pts.fill_null(0.0)
        + pl.when(question).then(0.25).otherwise(0.0)
        + reply_pts
        + (n_shared * 0.07).clip(upper_bound=0.20)
        + fresh_pts
    )
    return cands.with_columns(score=score.round(3), reasons=reasons).sort(
        ["score", "post_id"], descending=[True, False]
    )
