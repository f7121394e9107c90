"""An analysis plugin with a derived table, refreshed in the background (hook tests)."""

from __future__ import annotations

import polars as pl

import seenby


@seenby.hookimpl
def seenby_tables() -> list[seenby.TableSpec]:
    return [
        seenby.TableSpec(
            name="refresh_plugin_author_likes",
            migrations=[
                "CREATE TABLE refresh_plugin_author_likes "
                "(platform VARCHAR, author_id VARCHAR, likes BIGINT, PRIMARY KEY (platform, author_id))"
            ],
        )
    ]


@seenby.hookimpl
def seenby_refresh(ctx: seenby.RefreshContext) -> None:
    totals = ctx.query(
        "SELECT platform, author_id, sum(likes)::BIGINT AS likes FROM posts_latest GROUP BY ALL"
    )
    ctx.replace_table("refresh_plugin_author_likes", totals)


@seenby.hookimpl
def seenby_annotate(ctx: seenby.Context, posts: pl.DataFrame) -> list[seenby.Annotation]:
    totals = ctx.query(
        "SELECT author_id, likes FROM refresh_plugin_author_likes WHERE platform = ?",
        [posts["platform"][0]],
    )
    by_author = dict(zip(totals["author_id"].to_list(), totals["likes"].to_list(), strict=True))
    return [
        seenby.Annotation(
            post_id=row["post_id"],
            badges=[seenby.Badge(text=f"author total {by_author.get(row['author_id'], 0)} likes")],
        )
        for row in posts.iter_rows(named=True)
    ]
