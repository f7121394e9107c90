"""Analysis plugin for the end-to-end tests: a badge with each scored post's points.

Hacker News and Reddit posts have a score and no likes, so `annotate_likes` alone
would give every one of them the same "None likes" badge; this one makes their
overlays identifiable per post.
"""

from __future__ import annotations

import polars as pl

import seenby


@seenby.hookimpl
def seenby_annotate(ctx: seenby.Context, posts: pl.DataFrame) -> list[seenby.Annotation]:
    return [
        seenby.Annotation(
            post_id=row["post_id"],
            badges=[seenby.Badge(text=f"{row['score']} points", tone="info")],
            sections=[
                seenby.Section(
                    title="Figures",
                    kind="list",
                    items=[f"score {row['score']}", f"comments {row['replies']}"],
                )
            ],
        )
        for row in posts.iter_rows(named=True)
        if row["score"] is not None
    ]
