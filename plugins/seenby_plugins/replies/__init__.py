"""Suggested replies: the best reply opportunities among the posts in view, with drafts
built from each post's own words, and on the user's own posts which repliers to answer first.

Works offline: no model. ``seenby_plugins.replies_llm`` adds drafts from a local
model when one is configured.
"""

from __future__ import annotations

from typing import Any

import polars as pl

import seenby
from seenby_plugins.replies.drafts import Context, drafts
from seenby_plugins.replies.language import SUPPORTED, detect
from seenby_plugins.replies.phrases import topic_words
from seenby_plugins.replies.rank import TOPICS, people, rank

TOP = 3
MIN_SCORE = 0.2
MAX_TOPICS = 300
MODEL_REASON = "drafted in the background from the post's text and the reasons above"


@seenby.hookimpl
def seenby_tables() -> list[seenby.TableSpec]:
    return [
        seenby.TableSpec(
            name=TOPICS,
            migrations=[
                f"""CREATE TABLE {TOPICS} (term TEXT PRIMARY KEY, posts BIGINT NOT NULL)"""
            ],
        )
    ]


@seenby.hookimpl
def seenby_refresh(ctx: seenby.RefreshContext) -> None:
    """The words of the user's own posts (every platform), by how many posts use them."""
    mine = ctx.query("SELECT platform, post_id, concat_ws(' ', title, text) AS _text FROM my_posts")
    terms = (
        topic_words(mine)
        .group_by("term")
        .agg(posts=pl.len().cast(pl.Int64))
        .sort(["posts", "term"], descending=[True, False])
        .head(MAX_TOPICS)
    )
    ctx.replace_table(TOPICS, terms)


def _snippets(ctx: seenby.Context, terms: list[str]) -> dict[str, str]:
    """Per topic word, the user's latest post that uses it (one query for every word)."""
    if not terms:
        return {}
    found = ctx.query(
        """SELECT q.term,
                  first(concat_ws(' ', m.title, m.text) ORDER BY m.created_at DESC NULLS LAST)
                      AS t
           FROM (SELECT unnest(?) AS term) q
           JOIN my_posts m ON contains(lower(concat_ws(' ', m.title, m.text)), q.term)
           GROUP BY q.term""",
        [terms],
    )
    return dict(found.iter_rows())


def _histories(
    ctx: seenby.Context, platform: str, wanted: list[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """Per (author, post): the author's latest other post the user answered, quoted,
    reposted or liked (one query for every post)."""
    if not wanted:
        return {}
    authors, post_ids = (list(column) for column in zip(*wanted, strict=True))
    found = ctx.query(
        """SELECT q.author_id, q.post_id,
                  first(concat_ws(' ', p.title, p.text) ORDER BY p.created_at DESC NULLS LAST)
                      AS t
           FROM (SELECT unnest(?) AS author_id, unnest(?) AS post_id) q
           JOIN posts p ON p.author_id = q.author_id AND p.post_id <> q.post_id
           WHERE p.platform = ? AND p.text IS NOT NULL
             AND (p.post_id IN (SELECT reply_to_id FROM my_posts WHERE platform = ?)
                  OR p.post_id IN (SELECT post_id FROM interactions WHERE platform = ?
                                   AND NOT undone AND kind NOT IN ('bookmark', 'downvote')))
           GROUP BY q.author_id, q.post_id""",
        [authors, post_ids, platform, platform, platform],
    )
    return {(author, post): text for author, post, text in found.iter_rows()}


def suggest(
    ctx: seenby.Context, posts: pl.DataFrame, top: int = TOP
) -> list[seenby.ReplySuggestion]:
    """The ``top`` best opportunities with drafts (posts in an unsupported language skipped)."""
    if posts.height == 0:
        return []
    from seenby_plugins.replies_llm import cached  # here: replies_llm imports this package

    ranked = rank(ctx, posts, ctx.now).filter(pl.col("score") >= MIN_SCORE)
    generated = cached(ctx, posts["platform"][0], ranked["post_id"].head(10).to_list())
    chosen: list[tuple[dict[str, Any], str | None]] = []
    for row in ranked.iter_rows(named=True):
        lang = detect(row["_text"], row["lang"])
        if lang is not None and lang not in SUPPORTED:
            continue
        chosen.append((row, lang))
        if len(chosen) == top:
            break
    topics = {row["post_id"]: (row["shared"] or [None])[0] for row, _ in chosen}
    snippets = _snippets(ctx, sorted({t for t in topics.values() if t}))
    histories = _histories(
        ctx,
        posts["platform"][0],
        [(r["author_id"], r["post_id"]) for r, _ in chosen if r["interactions"] and r["author_id"]],
    )
    result: list[seenby.ReplySuggestion] = []
    for row, lang in chosen:
        topic = topics[row["post_id"]]
        post = Context(
            text=row["_text"],
            language=lang or "en",
            is_question=row["category"] == "question_to_followers",
            topic=topic,
            snippet=snippets.get(topic) if topic else None,
            history=histories.get((row["author_id"], row["post_id"])),
        )
        model = [
            seenby.ReplyDraft(text=text, reason=f"written by your local model ({MODEL_REASON})")
            for text in generated.get(row["post_id"], [])
        ]
        result.append(
            seenby.ReplySuggestion(
                post_id=row["post_id"],
                score=row["score"],
                reasons=row["reasons"],
                drafts=(model + drafts(post))[:3],
            )
        )
    return result


@seenby.hookimpl
def seenby_suggest_replies(
    ctx: seenby.Context, posts: pl.DataFrame
) -> list[seenby.ReplySuggestion]:
    return suggest(ctx, posts)


def _repliers(ctx: seenby.Context, platform: str, own: list[str]) -> pl.DataFrame:
    replies = ctx.query(
        """SELECT p.post_id, p.reply_to_id, p.author_id,
                  coalesce(p.author_handle, p.author_id) AS who, p.text,
                  coalesce(p.created_at, p.first_seen_at) AS replied_at,
                  EXISTS (SELECT 1 FROM my_posts m WHERE m.platform = p.platform
                          AND m.reply_to_id = p.post_id) AS answered
           FROM posts_latest p
           WHERE p.platform = ? AND p.reply_to_id IN ? AND NOT p.is_own AND p.text IS NOT NULL
             AND p.text NOT IN ('[deleted]', '[removed]')""",
        [platform, own],
    )
    if replies.height:
        known = people(ctx, platform).select("author_id", "in_circle", "circle_rank")
        replies = replies.join(known, on="author_id", how="left")
    else:
        replies = replies.with_columns(
            in_circle=pl.lit(None, pl.Boolean), circle_rank=pl.lit(None, pl.Int64)
        )
    question = pl.col("text").str.contains(r"\?")
    circle = pl.col("in_circle").fill_null(False)
    priority = (
        (~pl.col("answered")).cast(pl.Int64) * 4
        + circle.cast(pl.Int64) * 2
        + question.cast(pl.Int64)
    )
    why = pl.concat_list(
        pl.when(~pl.col("answered")).then(pl.lit("not answered yet")).otherwise(pl.lit("answered")),
        pl.when(circle).then(pl.format("in your close circle (#{})", pl.col("circle_rank"))),
        pl.when(question).then(pl.lit("asked you a question")),
    ).list.drop_nulls()
    return replies.with_columns(priority=priority, why=why).sort(
        ["reply_to_id", "priority", "replied_at"], descending=[False, True, True], nulls_last=True
    )


@seenby.hookimpl
def seenby_annotate(ctx: seenby.Context, posts: pl.DataFrame) -> list[seenby.Annotation]:
    own = posts.filter(pl.col("is_own").fill_null(False))
    if own.height == 0:
        return []
    repliers = _repliers(ctx, own["platform"][0], own["post_id"].to_list())
    annotations = []
    for (post_id,), group in repliers.group_by("reply_to_id", maintain_order=True):
        items = [
            f"@{r['who']}: {', '.join(r['why'])} — “{' '.join(r['text'].split()[:12])}”"
            for r in group.iter_rows(named=True)
        ]
        waiting = int((~group["answered"]).sum())
        if waiting == 0:
            continue
        annotations.append(
            seenby.Annotation(
                post_id=str(post_id),
                badges=[
                    seenby.Badge(
                        text=f"{waiting} to answer",
                        title="Replies to this post you have not answered, ordered: unanswered "
                        "first, then people in your close circle, then questions.",
                        tone="info",
                    )
                ],
                sections=[seenby.Section(title="Answer first", kind="list", items=items)],
            )
        )
    return annotations
