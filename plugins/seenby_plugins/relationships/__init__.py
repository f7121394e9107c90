"""Relationships and attention: what the user and each person gave each other, and how
concentrated the user's attention is (Backstrom et al., ICWSM 2011).

``seenby_refresh`` computes ``relationships_people`` (one row per person and
platform) and ``relationships_attention`` (weekly top-5 / top-15 shares);
``seenby_annotate`` joins them on the posts' ``author_id``; the dashboard panels list
the people the user interacts with most and chart the weekly top-5 share.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import polars as pl

import seenby
from seenby_plugins.memo import TableMemo
from seenby_plugins.relationships.compute import (
    CIRCLE_SIZE,
    EVENTS,
    HALF_LIFE_DAYS,
    MIN_CIRCLE_SCORE,
    VIEWS,
    attention,
    people,
)
from seenby_plugins.relationships.panels import panels

PEOPLE = "relationships_people"
ATTENTION = "relationships_attention"
PAPER = "Backstrom, Bakshy, Kleinberg, Lento & Rosenn, “Center of Attention”, ICWSM 2011"


@seenby.hookimpl
def seenby_tables() -> list[seenby.TableSpec]:
    return [
        seenby.TableSpec(
            name=PEOPLE,
            migrations=[
                f"""CREATE TABLE {PEOPLE} (
                    platform TEXT NOT NULL, author_id TEXT NOT NULL,
                    gave_likes BIGINT, gave_replies BIGINT, gave_reposts BIGINT,
                    gave_follows BIGINT, received_replies BIGINT, received_mentions BIGINT,
                    impressions BIGINT, dwell_ms BIGINT, gave BIGINT, received BIGINT,
                    interactions BIGINT, mutual BOOLEAN, reciprocity DOUBLE,
                    last_at TIMESTAMPTZ, last_seen_at TIMESTAMPTZ, score DOUBLE,
                    rank BIGINT, in_circle BOOLEAN, PRIMARY KEY (platform, author_id))"""
            ],
        ),
        seenby.TableSpec(
            name=ATTENTION,
            migrations=[
                f"""CREATE TABLE {ATTENTION} (
                    platform TEXT NOT NULL, modality TEXT NOT NULL, week DATE NOT NULL,
                    interactions BIGINT, people BIGINT, top5_share DOUBLE, top15_share DOUBLE,
                    PRIMARY KEY (platform, modality, week))"""
            ],
        ),
    ]


@seenby.hookimpl
def seenby_refresh(ctx: seenby.RefreshContext) -> None:
    events = ctx.query(EVENTS)
    views = ctx.query(VIEWS)
    ctx.replace_table(PEOPLE, people(events, views, ctx.now))
    ctx.replace_table(ATTENTION, attention(events, views))


def ago(then: datetime | None, now: datetime) -> str:
    if then is None:
        return "at an unknown time"
    days = (now - then).total_seconds() / 86400
    if days < 1:
        return "today"
    if days < 2:
        return "yesterday"
    if days < 14:
        return f"{int(days)} days ago"
    if days < 60:
        return f"{int(days // 7)} weeks ago"
    return f"{int(days // 30)} months ago"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe(row: dict, handle: str, now: datetime) -> tuple[str, str, list[str]]:
    """(badge text, badge title, panel items) for one person."""
    status = "mutual" if row["mutual"] else ("you → them" if row["gave"] else "them → you")
    when = ago(row["last_at"], now)
    badge = f"you ↔ @{handle}: {_plural(row['interactions'], 'interaction')}, {status}, last {when}"
    gave = (
        f"You gave: {_plural(row['gave_likes'], 'like')}, {_plural(row['gave_replies'], 'reply')}"
        f" (quotes included), {_plural(row['gave_reposts'], 'repost')}"
        + (", a follow" if row["gave_follows"] else "")
        + " — from your captured actions and your own replies."
    ).replace("replys", "replies")
    got = (
        f"You received: {_plural(row['received_replies'], 'reply')} or quotes of your posts, "
        f"{_plural(row['received_mentions'], 'mention')}."
    ).replace("replys", "replies")
    seen = f"You saw {_plural(row['impressions'], 'post')} of theirs on screen"
    seen += f" for {row['dwell_ms'] / 1000:.0f} s in all." if row["impressions"] else "."
    recip = (
        f"Reciprocity {row['reciprocity']:.2f} (the smaller direction over the larger: "
        f"{row['gave']} given, {row['received']} received)."
    )
    circle = (
        f"Close circle: #{row['rank']} by a recency-weighted score of {row['score']:.2f} "
        f"(replies and quotes 3, reposts and mentions 2, likes and follows 1; "
        f"halved every {HALF_LIFE_DAYS:.0f} days; the circle is your top {CIRCLE_SIZE} "
        f"with a score of at least {MIN_CIRCLE_SCORE:.0f})."
        if row["in_circle"]
        else f"Not in your close circle (#{row['rank']}, score {row['score']:.2f})."
    )
    title = f"{gave} {got} Last interaction {when}. {recip}"
    return badge, title, [gave, got, seen, recip, circle]


def _attention_section(weeks: pl.DataFrame) -> seenby.Section | None:
    comm = weeks.filter(pl.col("modality") == "communication").sort("week")
    if comm.height == 0:
        return None
    last = comm.row(-1, named=True)
    viewing = weeks.filter(pl.col("modality") == "viewing").sort("week")
    text = (
        f"Week of {last['week']}: {last['top5_share']:.0%} of your {last['interactions']} "
        f"interactions went to your top 5 people and {last['top15_share']:.0%} to your top 15 "
        f"({last['people']} people in all)."
    )
    if viewing.height:
        v = viewing.row(-1, named=True)
        text += f" Of the posts you viewed that week, {v['top5_share']:.0%} were by your top 5."
    text += (
        f" Measure f5 / f15 from {PAPER}, who found communication far more concentrated "
        "than viewing. The line shows your weekly top-5 share."
    )
    return seenby.Section(
        title="Your attention", kind="sparkline", text=text, values=comm["top5_share"].to_list()
    )


_KNOWN = TableMemo(
    (PEOPLE,), lambda ctx: ctx.query(f"SELECT * FROM {PEOPLE} WHERE interactions > 0")
)
"""The people the user has interacted with (the rows overlays show), until the next refresh."""
_ATTENTION = TableMemo((ATTENTION,), lambda ctx: ctx.query(f"SELECT * FROM {ATTENTION}"))


@seenby.hookimpl
def seenby_annotate(ctx: seenby.Context, posts: pl.DataFrame) -> list[seenby.Annotation]:
    others = posts.filter(~pl.col("is_own").fill_null(False) & pl.col("author_id").is_not_null())
    if others.height == 0:
        return []
    platform = others["platform"][0]
    known = _KNOWN.get(ctx).filter(
        (pl.col("platform") == platform)
        & pl.col("author_id").is_in(others["author_id"].unique().implode())
    )
    if known.height == 0:
        return []
    weeks = (
        _ATTENTION.get(ctx)
        .filter(pl.col("platform") == platform)
        .sort("week", descending=True)
        .head(24)
    )
    attention_section = _attention_section(weeks)
    rows = others.select("post_id", "author_id", "author_handle").join(known, on="author_id")
    annotations = []
    for row in rows.iter_rows(named=True):
        handle = row["author_handle"] or row["author_id"]
        badge, title, items = describe(row, handle, ctx.now)
        sections = [seenby.Section(title=f"You and @{handle}", kind="list", items=items)]
        if attention_section is not None and row["in_circle"]:
            sections.append(attention_section)
        tone: Literal["good", "neutral"] = "good" if row["mutual"] else "neutral"
        annotations.append(
            seenby.Annotation(
                post_id=row["post_id"],
                badges=[seenby.Badge(text=badge, title=title, tone=tone)],
                sections=sections,
            )
        )
    return annotations


@seenby.hookimpl
def seenby_dashboard_panels(ctx: seenby.Context) -> list[seenby.Panel]:
    return panels(ctx)
