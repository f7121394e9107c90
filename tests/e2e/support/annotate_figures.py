"""Analysis plugin for the end-to-end tests: each post's own figure as its badge.

Like tests/support/annotate_likes.py ("<likes> likes"), and "<score> points" for
posts that have a score instead (Hacker News, Reddit), so every overlay on every
site names a figure of its own post and a test can tell whether it sits on the
right one. The panel gets the post's text and its figures.
"""

from __future__ import annotations

import polars as pl

import seenby

FIGURES = ("likes", "replies", "reposts", "views", "score")


def _badges(row: dict[str, object]) -> list[seenby.Badge]:
    badges = []
    if row["likes"] is not None:
        badges.append(seenby.Badge(text=f"{row['likes']} likes", title="likes in the payload"))
    if row["score"] is not None:
        badges.append(seenby.Badge(text=f"{row['score']} points", title="score", tone="info"))
    return badges


@seenby.hookimpl
def seenby_annotate(ctx: seenby.Context, posts: pl.DataFrame) -> list[seenby.Annotation]:
    return [
        seenby.Annotation(
            post_id=row["post_id"],
            badges=_badges(row),
            sections=[
                seenby.Section(title="Text", text=row["title"] or row["text"] or ""),
                seenby.Section(
                    title="Figures",
                    kind="list",
                    items=[f"{name}: {row[name]}" for name in FIGURES if row[name] is not None],
                ),
            ],
        )
        for row in posts.iter_rows(named=True)
    ]
