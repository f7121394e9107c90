"""Analysis plugin for the prefetch tests: reads each post's text ahead by id, and says
in its badge whether the text was read ahead. Asking for a post ``boom`` makes the
prefetch raise."""

from __future__ import annotations

import polars as pl

import seenby

TEXTS = (
    "SELECT post_id, text FROM (SELECT * FROM posts WHERE post_id IN $1 LIMIT 1000000) "
    "WHERE platform = $2"
)


@seenby.hookimpl
def seenby_prefetch(ctx: seenby.Context, platform: str, post_ids: list[str]) -> seenby.RowsById:
    if "boom" in post_ids:
        raise RuntimeError("prefetch failed on purpose")
    return seenby.RowsById.read(ctx, TEXTS, platform, post_ids)


@seenby.hookimpl
def seenby_annotate(
    ctx: seenby.Context, posts: pl.DataFrame, prefetched: object
) -> list[seenby.Annotation]:
    how = "read ahead" if isinstance(prefetched, seenby.RowsById) else "read late"
    rows = seenby.RowsById.of_posts(ctx, TEXTS, posts, prefetched)
    return [
        seenby.Annotation(
            post_id=row["post_id"], badges=[seenby.Badge(text=f"text {how}: {row['text']}")]
        )
        for row in rows.iter_rows(named=True)
    ]


@seenby.hookimpl
def seenby_suggest_replies(
    ctx: seenby.Context, posts: pl.DataFrame, prefetched: object
) -> list[seenby.ReplySuggestion]:
    if not isinstance(prefetched, seenby.RowsById):
        return []
    return [
        seenby.ReplySuggestion(
            post_id=post_id,
            score=1.0,
            reasons=["its text was read ahead"],
            drafts=[seenby.ReplyDraft(text=f"About {post_id}?", reason="a test draft")],
        )
        for post_id in sorted(prefetched.asked & set(posts["post_id"].to_list()))
    ]
