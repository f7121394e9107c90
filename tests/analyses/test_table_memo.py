"""Plugins keep what they read from their small tables until a refresh writes them again
(``ctx.table_version``): overlays must never show what an earlier refresh wrote."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from feed import fixture_captures
from seenby_local import Local

from seenby_plugins.memo import TableMemo
from seenby_server.overlays import ReadContext
from seenby_server.refresh import PluginTables

REDDIT_POST = "t3_1skjxta"
ASK_HN = "48360123"
HN_OWN_POST = "48360455"


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Local]:
    seenby = Local(tmp_path_factory.mktemp("memo"))
    seenby.ingest(*fixture_captures())
    seenby.refresh()
    yield seenby
    seenby.close()


def writer(local: Local, plugin: str, *tables: str) -> PluginTables:
    """A refresh context of ``plugin``, as the background refresh hands it over."""
    return PluginTables(local.store, plugin, set(tables), datetime.now(UTC), None)


def table(local: Local, name: str) -> pl.DataFrame:
    return local.store.frame(f"SELECT * FROM {name}")


def badges(local: Local, platform: str, post_id: str) -> list[str]:
    return [b.text for b in local.overlay(platform, post_id).badges]


def test_every_refresh_write_changes_the_tables_version(local: Local, tmp_path: Path) -> None:
    ctx = ReadContext(local.store, datetime.now(UTC))
    first = ctx.table_version("relationships_people")
    assert ctx.table_version("relationships_people") == first  # stable while unwritten
    tables = writer(local, "relationships", "relationships_people")
    people = table(local, "relationships_people")
    tables.replace_table("relationships_people", people)
    second = ctx.table_version("relationships_people")
    assert second != first
    tables.upsert("relationships_people", people.head(1), ["platform", "author_id"])
    assert ctx.table_version("relationships_people") not in (first, second)
    tables.upsert("relationships_people", people.head(0), ["platform", "author_id"])  # no write
    assert tables.table_version("relationships_people") == ctx.table_version("relationships_people")
    # Core tables change with every capture: never the same number twice.
    assert ctx.table_version("posts") != ctx.table_version("posts")
    # Another database's tables never share a version with this one's.
    other = Local(tmp_path / "other")
    try:
        theirs = ReadContext(other.store, datetime.now(UTC))
        assert theirs.table_version("relationships_people") != ctx.table_version(
            "relationships_people"
        )
    finally:
        other.close()


def test_a_memo_reads_again_only_after_a_write(local: Local) -> None:
    reads: list[int] = []

    def load(ctx: object) -> int:
        reads.append(1)
        return len(reads)

    memo = TableMemo(("replies_topics",), load)
    ctx = ReadContext(local.store, datetime.now(UTC))
    assert [memo.get(ctx), memo.get(ctx)] == [1, 1]
    topics = table(local, "replies_topics")
    writer(local, "replies", "replies_topics").replace_table("replies_topics", topics)
    assert [memo.get(ctx), memo.get(ctx)] == [2, 2]
    uncached = TableMemo(("posts",), load)
    assert uncached.get(ctx) != uncached.get(ctx)  # a core table: read every time


def test_a_read_that_raced_a_refresh_write_is_read_again(local: Local) -> None:
    """A refresh that commits while a request is reading: what the request read may be the
    old rows, so it must not be reused once the write is done."""
    topics = table(local, "replies_topics")
    tables = writer(local, "replies", "replies_topics")
    reads: list[int] = []

    def load(ctx: object) -> int:
        reads.append(1)
        if len(reads) == 1:  # the refresh writes while this read is under way
            tables.replace_table("replies_topics", topics)
        return len(reads)

    memo = TableMemo(("replies_topics",), load)
    ctx = ReadContext(local.store, datetime.now(UTC))
    assert [memo.get(ctx), memo.get(ctx), memo.get(ctx)] == [1, 2, 2]


def test_audience_shows_the_model_the_latest_refresh_wrote(local: Local) -> None:
    def seen_by() -> str:
        return next(b for b in badges(local, "reddit", REDDIT_POST) if b.startswith("seen by"))

    fitted = seen_by()
    stored = table(local, "audience_model")
    tables = writer(local, "audience", "audience_model")
    tables.replace_table(
        "audience_model", stored.with_columns(pl.col("a") + 1)
    )  # ten times the audience
    assert seen_by() != fitted
    assert seen_by().startswith("seen by ~1.") and seen_by().endswith("M)")
    local.refresh()
    assert seen_by() == fitted


def test_relationships_show_the_people_the_latest_refresh_wrote(local: Local) -> None:
    def relation() -> list[str]:
        return [b for b in badges(local, "hackernews", ASK_HN) if b.startswith("you ↔")]

    [before] = relation()
    assert before.startswith("you ↔ @marlowe: 1 interaction,")
    people = table(local, "relationships_people")
    tables = writer(local, "relationships", "relationships_people")
    more = pl.col("author_id") == "marlowe"
    tables.upsert(
        "relationships_people",
        people.filter(more).with_columns(interactions=pl.lit(7, pl.Int64)),
        ["platform", "author_id"],
    )
    assert relation() == [before.replace("1 interaction,", "7 interactions,")]
    tables.replace_table("relationships_people", people.filter(~more))
    assert relation() == []
    local.refresh()
    assert relation() == [before]


def test_reply_ranking_uses_the_topics_the_latest_refresh_wrote(local: Local) -> None:
    from seenby_plugins.replies import suggest

    def reasons() -> list[str]:
        ctx = ReadContext(local.store, datetime.now(UTC))
        posts = local.store.frame("SELECT * FROM posts_latest WHERE platform = 'hackernews'")
        return next(s.reasons for s in suggest(ctx, posts) if s.post_id == ASK_HN)

    assert "about upgrade, which you post about" in reasons()
    topics = table(local, "replies_topics")
    writer(local, "replies", "replies_topics").replace_table(
        "replies_topics", topics.filter(pl.col("term") != "upgrade")
    )
    assert not any(r.startswith("about ") for r in reasons())
    local.refresh()
    assert "about upgrade, which you post about" in reasons()


def test_own_posts_show_the_mix_the_latest_refresh_wrote(local: Local) -> None:
    def mix_line() -> str:
        overlay = local.overlay("hackernews", HN_OWN_POST)
        [section] = [s for s in overlay.sections if s.title == "Content value"]
        return next(i for i in section.items if i.startswith("Your "))

    before = mix_line()
    mix = table(local, "content_value_mix")
    tables = writer(local, "content_value", "content_value_posts", "content_value_mix")
    doubled = mix.with_columns(pl.col("posts") * 2)
    tables.replace_table("content_value_mix", doubled)
    total = int(doubled.filter(pl.col("platform") == "hackernews")["posts"].sum())
    assert mix_line().startswith(f"Your {total} captured posts here: ")
    assert mix_line() != before
    local.refresh()
    assert mix_line() == before
