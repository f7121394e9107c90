"""Content value: which of the eight categories of André, Bernstein & Luther (CSCW 2012) a
post falls in, and how the study's readers rated that category.

``seenby_refresh`` classifies posts (all the first time, then those seen since the
previous run) into ``content_value_posts`` and the user's own mix into
``content_value_mix``; ``seenby_annotate`` joins, classifying inline only the
posts captured since the last refresh.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

import seenby
from seenby_plugins.content_value.categories import CATEGORIES, STUDY
from seenby_plugins.content_value.classify import classify

POSTS_TABLE = "content_value_posts"
MIX_TABLE = "content_value_mix"

_FEATURES = """
SELECT p.platform, p.post_id, p.author_id, p.kind, p.text, p.title, p.reply_to_id,
       p.promoted, p.is_own, parent.author_id AS parent_author_id
FROM posts_latest p
LEFT JOIN posts parent ON parent.platform = p.platform AND parent.post_id = p.reply_to_id
"""


@seenby.hookimpl
def seenby_tables() -> list[seenby.TableSpec]:
    return [
        seenby.TableSpec(
            name=POSTS_TABLE,
            migrations=[
                f"""CREATE TABLE {POSTS_TABLE} (
                    platform TEXT NOT NULL, post_id TEXT NOT NULL, category TEXT NOT NULL,
                    confidence DOUBLE NOT NULL, runner_up TEXT, cues TEXT,
                    PRIMARY KEY (platform, post_id))"""
            ],
        ),
        seenby.TableSpec(
            name=MIX_TABLE,
            migrations=[
                f"""CREATE TABLE {MIX_TABLE} (
                    platform TEXT NOT NULL, category TEXT NOT NULL, posts BIGINT NOT NULL,
                    share DOUBLE NOT NULL, PRIMARY KEY (platform, category))"""
            ],
        ),
    ]


@seenby.hookimpl
def seenby_refresh(ctx: seenby.RefreshContext) -> None:
    if ctx.last_refresh_at is None:
        ctx.replace_table(POSTS_TABLE, classify(ctx.query(_FEATURES)))
    else:
        since = ctx.last_refresh_at - timedelta(minutes=1)
        changed = ctx.query(_FEATURES + " WHERE p.last_seen_at >= ?", [since])
        ctx.upsert(POSTS_TABLE, classify(changed), ["platform", "post_id"])
    mix = ctx.query(
        f"""SELECT platform, category, posts,
                   posts / sum(posts) OVER (PARTITION BY platform) AS share
            FROM (SELECT c.platform, c.category, count(*) AS posts
                  FROM {POSTS_TABLE} c JOIN my_posts m USING (platform, post_id)
                  GROUP BY c.platform, c.category)"""
    )
    ctx.replace_table(MIX_TABLE, mix)


def _classified(ctx: seenby.Context, posts: pl.DataFrame) -> pl.DataFrame:
    platform = posts["platform"][0]
    ids = posts["post_id"].to_list()
    stored = ctx.query(
        f"SELECT * FROM {POSTS_TABLE} WHERE platform = ? AND post_id IN ?", [platform, ids]
    )
    missing = posts.filter(~pl.col("post_id").is_in(stored["post_id"].implode()))
    if missing.height == 0:
        return stored
    parents = missing["reply_to_id"].drop_nulls().to_list()
    authors = ctx.query(
        "SELECT post_id AS reply_to_id, author_id AS parent_author_id FROM posts "
        "WHERE platform = ? AND post_id IN ?",
        [platform, parents or [""]],
    )
    features = missing.join(authors, on="reply_to_id", how="left")
    return pl.concat([stored, classify(features)], how="diagonal_relaxed")


def _mix_line(mix: pl.DataFrame) -> str | None:
    if mix.height == 0:
        return None
    parts = [
        f"{CATEGORIES[row['category']].label.lower()} {row['share']:.0%}"
        for row in mix.sort(["share", "category"], descending=[True, False]).iter_rows(named=True)
        if row["category"] in CATEGORIES
    ]
    total = int(mix["posts"].sum())
    return f"Your {total} captured posts here: " + ", ".join(parts) + "."


@seenby.hookimpl
def seenby_annotate(ctx: seenby.Context, posts: pl.DataFrame) -> list[seenby.Annotation]:
    if posts.height == 0:
        return []
    found = _classified(ctx, posts)
    own = set(posts.filter(pl.col("is_own").fill_null(False))["post_id"].to_list())
    mix_line = None
    if own:
        mix = ctx.query(f"SELECT * FROM {MIX_TABLE} WHERE platform = ?", [posts["platform"][0]])
        mix_line = _mix_line(mix)
    annotations = []
    for row in found.iter_rows(named=True):
        category = CATEGORIES.get(row["category"])
        if category is None:
            continue
        cues = row["cues"] or "no specific cue (the default for plain statements)"
        runner = CATEGORIES.get(row["runner_up"] or "")
        basis = (
            f"Classified as {category.label.lower()} ({category.definition}) by transparent rules, "
            f"confidence {row['confidence']:.2f}"
            + (f" (next: {runner.label.lower()})" if runner else "")
            + f"; cues: {cues}."
        )
        readers = f"Readers in the study: {category.readers}. {STUDY}."
        items = [basis, readers]
        if row["post_id"] in own:
            items.append(f"Tip: {category.tip}")
            if mix_line:
                items.append(mix_line)
        annotations.append(
            seenby.Annotation(
                post_id=row["post_id"],
                badges=[
                    seenby.Badge(
                        text=category.label, title=f"{basis} {readers}", tone=category.tone
                    )
                ],
                sections=[seenby.Section(title="Content value", kind="list", items=items)],
            )
        )
    return annotations
