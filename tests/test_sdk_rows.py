"""seenby.rows: one capture's rows, each account, post and interaction once."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime

import seenby
import seenby.rows
from seenby.rows import RowCollector

WHEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_module_example_runs() -> None:
    assert doctest.testmod(seenby.rows).failed == 0


def test_a_repeated_account_fills_empty_fields_and_never_overwrites_set_ones() -> None:
    rows = RowCollector("example")
    first = seenby.Account(platform="example", account_id="7", handle="ana", followers=None)
    kept = rows.add_account(first)
    again = rows.add_account(
        seenby.Account(
            platform="example",
            account_id="7",
            handle="someone-else",
            display_name="Ana",
            followers=0,
            verified=False,
        )
    )
    assert kept is first and again is first
    assert (first.handle, first.display_name, first.followers, first.verified) == (
        "ana",
        "Ana",
        0,  # zero is a value: it fills None
        False,
    )
    # A later None never erases what is known.
    rows.add_account(seenby.Account(platform="example", account_id="7"))
    assert (first.handle, first.followers) == ("ana", 0)
    assert list(rows.accounts) == ["7"]


def test_posts_and_metrics_merge_by_post_id() -> None:
    rows = RowCollector("example")
    inline = seenby.Post(platform="example", post_id="1", text="hello", kind="quote")
    reference = seenby.Post(
        platform="example", post_id="1", author_id="7", text="other", kind="post", created_at=WHEN
    )
    rows.add_post(inline)
    assert rows.add_post(reference) is inline
    assert (inline.author_id, inline.text, inline.kind, inline.created_at) == (
        "7",
        "hello",
        "quote",  # a default-valued field is set: kept as first seen
        WHEN,
    )
    rows.add_post(seenby.Post(platform="example", post_id="2"))
    assert list(rows.posts) == ["1", "2"]

    counts = seenby.PostMetrics(platform="example", post_id="1", likes=3)
    rows.add_metrics(counts)
    rows.add_metrics(seenby.PostMetrics(platform="example", post_id="1", likes=9, views=40))
    rows.add_metrics(seenby.PostMetrics(platform="example", post_id="2", replies=1))
    assert (counts.likes, counts.views) == (3, 40)
    assert [(m.post_id, m.likes, m.replies) for m in rows.metrics.values()] == [
        ("1", 3, None),
        ("2", None, 1),
    ]


def test_interactions_are_kept_once_per_kind_post_and_account() -> None:
    rows = RowCollector("example")
    flag = rows.interaction("like", post_id="1", source="flag")
    # The same act seen again (here as the request) is dropped; the first row stays.
    assert rows.interaction("like", post_id="1", occurred_at=WHEN) is flag
    assert (
        rows.add_interaction(
            seenby.Interaction(platform="example", kind="like", post_id="1", undone=True)
        )
        is flag
    )
    rows.interaction("like", post_id="1", account_id="7")  # another target: kept
    rows.interaction("repost", post_id="1")  # another kind: kept
    rows.interaction("like", post_id="2")
    rows.interaction("follow", account_id="7", undone=True, occurred_at=WHEN)
    rows.interaction("like", record_id="at://me/like/1", undone=True)  # an undo by record
    rows.interaction("like", post_id="2", record_id="at://me/like/2")  # the same act as above
    assert list(rows.interactions) == [
        ("like", "1", None, None),
        ("like", "1", "7", None),
        ("repost", "1", None, None),
        ("like", "2", None, None),
        ("follow", None, "7", None),
        ("like", None, None, "at://me/like/1"),
    ]
    assert flag == seenby.Interaction(platform="example", kind="like", post_id="1", source="flag")
    follow = rows.interactions[("follow", None, "7", None)]
    assert follow == seenby.Interaction(
        platform="example",
        kind="follow",
        account_id="7",
        undone=True,
        occurred_at=WHEN,
        source="action",
    )


def test_viewers_are_kept_once_per_account() -> None:
    rows = RowCollector("example")
    me = seenby.Viewer(platform="example", account_id="7", handle="ana")
    assert rows.add_viewer(me) is me
    assert rows.add_viewer(seenby.Viewer(platform="example", account_id="7", handle="x")) is me
    rows.add_viewer(seenby.Viewer(platform="example", account_id="8"))
    assert [(v.account_id, v.handle) for v in rows.viewers.values()] == [("7", "ana"), ("8", None)]


def test_result_lists_rows_in_first_seen_order_with_errors_and_operation() -> None:
    rows = RowCollector("example", operation="Feed")
    empty = rows.result()
    assert empty == seenby.ParseResult(operation="Feed")

    for account_id in ("b", "a", "b"):
        rows.add_account(seenby.Account(platform="example", account_id=account_id))
    rows.add_post(seenby.Post(platform="example", post_id="p"))
    rows.add_metrics(seenby.PostMetrics(platform="example", post_id="p", likes=1))
    rows.interaction("like", post_id="p")
    rows.add_viewer(seenby.Viewer(platform="example", account_id="a"))
    rows.error("item #3", ValueError("no id"))
    rows.errors.append("raw message")

    result = rows.result()
    assert [a.account_id for a in result.accounts] == ["b", "a"]
    assert [p.post_id for p in result.posts] == ["p"]
    assert [m.likes for m in result.metrics] == [1]
    assert [i.kind for i in result.interactions] == ["like"]
    assert [v.account_id for v in result.viewers] == ["a"]
    assert result.errors == ["item #3: no id", "raw message"]
    assert result.operation == "Feed"

    assert rows.result("Other").operation == "Other"
    rows.operation = "Changed"
    assert rows.result().operation == "Changed"
    assert RowCollector("example").result().operation is None
    # Each result is a fresh object: changing one does not change the collector.
    result.errors.append("later")
    assert rows.result().errors == ["item #3: no id", "raw message"]
