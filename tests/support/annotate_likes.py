"""Analysis plugin for the overlay tests: a badge with each post's likes."""

from __future__ import annotations

import polars as pl

import seenby


@seenby.hookimpl
def seenby_annotate(ctx: seenby.Context, posts: pl.DataFrame) -> list[seenby.Annotation]:
    viewers = ctx.query("SELECT count(*) AS n FROM viewers")["n"][0]
    return [
        seenby.Annotation(
            post_id=row["post_id"],
            badges=[seenby.Badge(text=f"{row['likes']} likes", title=f"{viewers} viewers known")],
            sections=[seenby.Section(title="Text", text=row["text"])],
        )
        for row in posts.iter_rows(named=True)
    ]
