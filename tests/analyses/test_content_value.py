"""Content value (André, Bernstein & Luther, CSCW 2012) on every fixture post, against labels
given by hand in labelled_posts.jsonl (131 posts, all seven platforms)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from feed import fixture_captures
from seenby_local import Local

from seenby_plugins import content_value
from seenby_plugins.content_value.categories import CATEGORIES
from seenby_plugins.content_value.classify import VERSION, classify
from seenby_server.refresh import PluginTables

LABELS = Path(__file__).with_name("labelled_posts.jsonl")
MIN_OVERALL = 0.88
MIN_PER_CATEGORY = 0.8


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Local]:
    seenby = Local(tmp_path_factory.mktemp("content_value"))
    seenby.ingest(*fixture_captures())
    seenby.refresh()
    yield seenby
    seenby.close()


def labelled() -> list[dict[str, str]]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]


def test_the_labelled_set_covers_every_category_and_platform() -> None:
    rows = labelled()
    assert len(rows) >= 100
    assert set(Counter(r["label"] for r in rows)) == set(CATEGORIES)
    assert len({r["platform"] for r in rows}) == 7


def test_accuracy_against_hand_labels(local: Local) -> None:
    classified = local.store.frame("SELECT platform, post_id, category FROM content_value_posts")
    truth = pl.DataFrame(labelled())
    joined = truth.join(classified, on=["platform", "post_id"], how="left")
    assert joined["category"].null_count() == 0  # every labelled post was classified
    scored = joined.with_columns(ok=pl.col("label") == pl.col("category"))
    per_category = dict(scored.group_by("label").agg(pl.col("ok").mean()).iter_rows())
    overall = scored["ok"].mean()
    assert isinstance(overall, float)
    print(f"overall {overall:.3f}", {k: round(v, 3) for k, v in sorted(per_category.items())})
    assert overall >= MIN_OVERALL
    assert min(per_category.values()) >= MIN_PER_CATEGORY, per_category


@pytest.mark.parametrize(
    ("platform", "post_id", "category"),
    [
        ("x", "2088150020013584384", "question_to_followers"),  # What's one tool you'd never…
        ("x", "1649191520250245121", "information_sharing"),  # deprecating Premium v1.1 API
        ("x", "2088153376626135043", "conversation"),  # a reply to weichen_dev
        ("x", "1649191521323995138", "information_sharing"),  # XDevelopers' own thread
        ("mastodon", "mastodon.social:117020593473214477", "presence_maintenance"),  # Toot!
        ("mastodon", "mastodon.social:113514400012345678", "opinion_complaint"),  # hot take
        (
            "bluesky",
            "at://did:plc:4qxyb7mfv2gs3jq6vl5tzr2k/app.bsky.feed.post/3lbq2hx7skc2v",
            "me_now",
        ),
        ("hackernews", "48348429", "self_promotion"),  # Show HN
        ("facebook", "1053189635634220", "self_promotion"),  # Polish: "Nasza nowość…"
    ],
)
def test_named_posts(local: Local, platform: str, post_id: str, category: str) -> None:
    [[found]] = local.store.frame(
        "SELECT category FROM content_value_posts WHERE platform = ? AND post_id = ?",
        [platform, post_id],
    ).rows()
    assert found == category


def test_overlay_shows_category_cues_and_the_readers_figures(local: Local) -> None:
    overlay = local.overlay("x", "2088150020013584384")
    [badge] = [b for b in overlay.badges if b.text == "Question to followers"]
    assert badge.tone == "good"
    assert "cues: ends with a question mark, asks readers for something" in badge.title
    assert "18% not worth reading, and 2.83 times as likely" in badge.title
    assert "36% worth reading" in badge.title
    presence = local.overlay("mastodon", "mastodon.social:117020593473214477")
    [badge] = [b for b in presence.badges if b.text == "Presence maintenance"]
    assert badge.tone == "warn" and "20% worth reading, 45% not worth reading" in badge.title


def test_own_posts_get_a_tip_and_the_users_mix(local: Local) -> None:
    overlay = local.overlay("reddit", "t3_1skq2vd")  # the user's own question
    [section] = [s for s in overlay.sections if s.title == "Content value"]
    assert any(i.startswith("Tip: Questions fare well") for i in section.items)
    assert (
        "Your 2 captured posts here: conversation 50%, question to followers 50%." in section.items
    )


def frame(text: str, **extra: Any) -> pl.DataFrame:
    row = {
        "platform": "x", "post_id": "1", "author_id": "a", "kind": "post", "text": text,
        "title": None, "reply_to_id": None, "parent_author_id": None, "promoted": False,
    }  # fmt: skip
    row.update(extra)
    return pl.DataFrame([row], schema_overrides={"title": pl.String, "reply_to_id": pl.String,
                                                 "parent_author_id": pl.String})  # fmt: skip


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("¿Alguien sabe un buen mecánico de bicicletas en Oporto?", "question_to_followers"),
        ("Bom dia!", "presence_maintenance"),
        ("Guten Morgen", "presence_maintenance"),
        ("Je pense que les tableaux de bord devraient être des e-mails.", "opinion_complaint"),
        ("Nuevo: probad gratis nuestra app https://example.com", "self_promotion"),
    ],
)
def test_cheap_multilingual_rules(text: str, category: str) -> None:
    assert classify(frame(text))["category"][0] == category


def test_a_reply_to_oneself_is_not_conversation() -> None:
    thread = frame("Three more things we changed: tests, owners, budgets.", reply_to_id="0",
                   parent_author_id="a")  # fmt: skip
    assert classify(thread)["category"][0] != "conversation"
    answer = frame("Three more things we changed: tests, owners, budgets.", reply_to_id="0",
                   parent_author_id="b")  # fmt: skip
    assert classify(answer)["category"][0] == "conversation"


class Recording(PluginTables):
    """The plugin's refresh context, keeping every frame it writes."""

    def __init__(self, store: Any) -> None:
        owned = {content_value.POSTS_TABLE, content_value.MIX_TABLE}
        super().__init__(store, "content_value", owned, datetime.now(UTC), None)
        self.written: dict[str, pl.DataFrame] = {}

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        self.written[table] = frame
        super().replace_table(table, frame)

    def upsert(self, table: str, frame: pl.DataFrame, keys: list[str]) -> None:
        self.written[table] = frame
        super().upsert(table, frame, keys)


def refresh_content_value(local: Local) -> dict[str, pl.DataFrame]:
    """One refresh of the plugin as after a server restart (no previous run known)."""
    ctx = Recording(local.store)
    content_value.seenby_refresh(ctx)
    return ctx.written


def stored(local: Local) -> pl.DataFrame:
    return local.store.frame(
        "SELECT platform, post_id, category, confidence, runner_up, cues, version "
        "FROM content_value_posts ORDER BY platform, post_id"
    )


def set_text(local: Local, post_id: str, text: str) -> None:
    local.store.write_sync(
        lambda cur: cur.execute(
            "UPDATE posts SET text = ? WHERE platform = 'x' AND post_id = ?", [text, post_id]
        )
    )


@pytest.fixture
def fresh(tmp_path: Path) -> Any:
    seenby = Local(tmp_path)
    seenby.ingest(*fixture_captures())
    seenby.refresh()
    yield seenby
    seenby.close()


def test_refresh_classifies_only_changed_posts(fresh: Local) -> None:
    before = stored(fresh)
    assert before.height > 100
    assert content_value.POSTS_TABLE not in refresh_content_value(fresh)  # nothing changed
    post = "1649191520250245121"  # information sharing
    set_text(fresh, post, "What do you think about this?")
    written = refresh_content_value(fresh)[content_value.POSTS_TABLE]
    assert written["post_id"].to_list() == [post]  # only the changed post was classified
    after = stored(fresh)
    assert after.filter(pl.col("post_id") == post)["category"].to_list() == [
        "question_to_followers"
    ]
    unchanged = pl.col("post_id") != post
    assert after.filter(unchanged).equals(before.filter(unchanged))
    assert content_value.POSTS_TABLE not in refresh_content_value(fresh)


def test_a_new_classifier_version_reclassifies_everything(
    fresh: Local, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(fresh)
    monkeypatch.setattr(content_value, "VERSION", VERSION + 1)
    written = refresh_content_value(fresh)[content_value.POSTS_TABLE]
    assert written.height == before.height
    after = stored(fresh)
    assert after["version"].unique().to_list() == [VERSION + 1]
    assert after.drop("version").equals(before.drop("version"))


def test_a_post_whose_text_is_deleted_loses_its_row(fresh: Local) -> None:
    before = stored(fresh)
    post = "1649191520250245121"
    set_text(fresh, post, "[deleted]")
    refresh_content_value(fresh)
    after = stored(fresh)
    assert post not in after["post_id"].to_list()
    assert after.equals(before.filter(pl.col("post_id") != post))


def test_incremental_rows_match_a_full_classification(fresh: Local) -> None:
    set_text(fresh, "1649191520250245121", "gm")
    refresh_content_value(fresh)
    incremental = stored(fresh)
    fresh.store.write_sync(lambda cur: cur.execute("DELETE FROM content_value_posts"))
    refresh_content_value(fresh)
    assert stored(fresh).equals(incremental)
