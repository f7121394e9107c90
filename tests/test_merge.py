"""Deferred row merging: reads see every acknowledged capture's rows; nothing is lost."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import msgspec
import pytest

import seenby
from conftest import capture
from seenby_server.handles import ViewerHandles
from seenby_server.lookup import PostsLookup
from seenby_server.merge import RowMerger
from seenby_server.pipeline import ParseOutcome, StoredCapture, parse_batch, store_raw, validate
from seenby_server.plugins import load_plugins
from seenby_server.prepare import capture_rows
from seenby_server.rowtables import RowTables
from seenby_server.store import Store
from seenby_server.writes import ParsedBatch, write_frames
from support import example_plugin

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def post_rows(capture_id: str, post_id: str, likes: int) -> RowTables:
    batch = ParsedBatch()
    batch.add(
        capture_id,
        T0,
        seenby.ParseResult(
            posts=[seenby.Post(platform="x", post_id=post_id, text="hi")],
            metrics=[seenby.PostMetrics(platform="x", post_id=post_id, likes=likes)],
        ),
    )
    return RowTables.of_batch(batch)


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "t.duckdb")
    yield s
    s.close()


def test_a_read_waits_for_pending_rows(store: Store) -> None:
    merger = RowMerger(store)
    store.write_sync(lambda cur: None, then=lambda _: merger.add(post_rows("c1", "1", 5)))
    assert store.read_sync(
        lambda cur: cur.execute("SELECT likes FROM posts_latest").fetchall()
    ) == [(5,)]


def test_a_reader_arriving_during_a_merge_waits_for_its_end(store: Store) -> None:
    """The second reader must not take "a merge is running" for "nothing is pending"."""
    started = threading.Event()

    def slow_settler(cur: duckdb.DuckDBPyConnection) -> None:
        started.set()
        time.sleep(0.3)
        cur.execute("CREATE TABLE merged AS SELECT 1 AS done")

    store.set_settler(slow_settler)
    store.write_sync(lambda cur: None, then=lambda _: store.mark_unsettled())
    first = threading.Thread(target=store.settle_sync)
    first.start()
    assert started.wait(5)
    seen = store.read_sync(lambda cur: cur.execute("SELECT count(*) FROM merged").fetchall())
    first.join()
    assert seen == [(1,)]


def test_rows_merge_by_themselves_when_nothing_reads(store: Store, monkeypatch: Any) -> None:
    monkeypatch.setattr("seenby_server.store.SETTLE_AFTER_S", 0.05)
    merger = RowMerger(store)
    store.write_sync(lambda cur: None, then=lambda _: merger.add(post_rows("c1", "1", 5)))
    deadline = time.monotonic() + 5
    while merger.pending_rows and time.monotonic() < deadline:
        time.sleep(0.01)
    assert merger.pending_rows == 0


def test_captures_are_flagged_until_their_rows_are_merged(store: Store) -> None:
    merger = RowMerger(store)
    plugins = load_plugins([example_plugin], entry_points=False)
    for n in range(3):
        item = validate(msgspec.Raw(msgspec.json.encode(capture(capture_id=f"c{n}"))), plugins)
        assert not isinstance(item, str)
        outcome = ParseOutcome(capture_id=f"c{n}", status="parsed")

        def write(
            cur: duckdb.DuckDBPyConnection,
            item: StoredCapture = item,
            outcome: ParseOutcome = outcome,
        ) -> set[str]:
            return store_raw(cur, capture_rows([item], T0, [outcome], {item.capture.id}))

        def then(_: set[str], n: int = n) -> None:
            merger.add(post_rows(f"c{n}", str(n), n))

        store.write_sync(write, then=then)
    unmerged = "SELECT count(*) FILTER (NOT rows_merged) FROM captures"
    # A write job runs before any merge: it sees the flags the merge will clear.
    assert store.write_sync(lambda cur: cur.execute(unmerged).fetchall()) == [(3,)]
    assert merger.pending_rows == 6
    assert store.read_sync(lambda cur: cur.execute(unmerged).fetchall()) == [(0,)]
    assert merger.pending_rows == 0
    assert store.read_sync(lambda cur: cur.execute("SELECT count(*) FROM posts").fetchall()) == [
        (3,)
    ]


def test_rows_a_dead_server_never_merged_are_recovered_at_start(tmp_path: Path) -> None:
    """Raw captures committed with rows_merged = false, then the process died."""
    plugins = load_plugins([example_plugin], entry_points=False)
    body = {"posts": [{"id": "p1", "author": "ana", "likes": 7}]}
    items = []
    # c2's rows do not fit the tables: it alone ends as an error, and start-up goes on.
    for capture_id, sent in (("c1", body), ("c2", {"mistyped": True})):
        item = validate(
            msgspec.Raw(msgspec.json.encode(capture(body=sent, capture_id=capture_id))), plugins
        )
        assert not isinstance(item, str)
        items.append(item)
    store = Store(tmp_path / "t.duckdb")
    outcomes = [ParseOutcome(capture_id=c, status="parsed") for c in ("c1", "c2")]
    store.write_sync(lambda cur: store_raw(cur, capture_rows(items, T0, outcomes, {"c1", "c2"})))
    store.close()  # no merger held the rows: as after kill -9

    store = Store(tmp_path / "t.duckdb")
    try:
        assert store.read_sync(
            lambda cur: cur.execute("SELECT count(*) FROM posts").fetchall()
        ) == [(0,)]
        assert RowMerger(store).recover(partial(parse_batch, plugins)) == 2
        assert store.read_sync(
            lambda cur: cur.execute("SELECT post_id, likes FROM posts_latest").fetchall()
        ) == [("p1", 7)]
        assert store.read_sync(
            lambda cur: cur.execute(
                "SELECT id, parse_status, rows_merged FROM captures ORDER BY id"
            ).fetchall()
        ) == [("c1", "parsed", True), ("c2", "error", True)]
        assert RowMerger(store).recover(partial(parse_batch, plugins)) == 0
    finally:
        store.close()


def test_row_times_are_exact_to_the_microsecond() -> None:
    naive = datetime(1999, 12, 31, 23, 59, 59, 999999)  # naive: taken as UTC
    values = [
        datetime(2026, 11, 25, 12, 0, 0, 123456, tzinfo=UTC),
        None,
        datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=2))),
        naive,
        datetime(2300, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    ]
    batch = ParsedBatch()
    posts = [
        seenby.Post(platform="x", post_id=str(n), created_at=value)
        for n, value in enumerate(values)
    ]
    batch.add("c1", naive, seenby.ParseResult(posts=posts))
    frame = RowTables.of_batch(batch).frames().posts
    assert frame["created_at"].to_list() == [
        values[0],
        None,
        datetime(2025, 12, 31, 22, 0, tzinfo=UTC),
        naive.replace(tzinfo=UTC),
        values[4],
    ]
    assert frame["seen_at"].to_list() == [naive.replace(tzinfo=UTC)] * 5


def test_a_read_inside_a_write_job_does_not_nest_a_merge(store: Store) -> None:
    """A merge runs its own transaction: inside a write job it must wait, not nest."""
    merger = RowMerger(store)
    store.write_sync(lambda cur: None, then=lambda _: merger.add(post_rows("c1", "1", 5)))
    inside = store.write_sync(lambda cur: store.read_sync(lambda _: merger.pending_rows))
    assert inside == 2
    assert store.read_sync(lambda cur: cur.execute("SELECT count(*) FROM posts").fetchall()) == [
        (1,)
    ]


def test_the_posts_lookup_sees_aliases_and_viewers_merged_after_it_kept_them(
    store: Store,
) -> None:
    """The lookup keeps "no aliases on this platform" and the viewer's accounts between
    requests; a merge that writes either makes it read them again."""
    merger = RowMerger(store)
    lookup = PostsLookup(store)

    def merge(capture_id: str, result: seenby.ParseResult) -> None:
        batch = ParsedBatch()
        batch.add(capture_id, T0, result)
        store.write_sync(lambda cur: None, then=lambda _: merger.add(RowTables.of_batch(batch)))
        store.settle_sync()

    post = seenby.Post(platform="x", post_id="1", author_id="a")
    merge("c1", seenby.ParseResult(posts=[post]))
    resolved, posts = lookup.resolve_and_read("x", ["al", "1"])
    assert resolved == {"al": "al", "1": "1"}
    assert posts["is_own"].to_list() == [False]
    merge(
        "c2",
        seenby.ParseResult(
            posts=[seenby.Post(platform="x", post_id="1", author_id="a", aliases=["al"])],
            viewers=[seenby.Viewer(platform="x", account_id="a")],
        ),
    )
    resolved, posts = lookup.resolve_and_read("x", ["al"])
    assert resolved == {"al": "1"}
    assert posts["post_id"].to_list() == ["1"]
    assert posts["is_own"].to_list() == [True]
    lookup.close()


def test_the_posts_lookup_sees_a_viewer_found_from_a_handle_the_page_showed(
    store: Store,
) -> None:
    """An account merged after the page showed its handle is the user's: the merge that
    finds it adds no viewer row of its own, yet the lookup must read viewers again."""
    merger = RowMerger(store)
    lookup = PostsLookup(store)

    def merge(batch: ParsedBatch) -> None:
        store.write_sync(lambda cur: None, then=lambda _: merger.add(RowTables.of_batch(batch)))
        store.settle_sync()

    hint = ParsedBatch()
    hint.add_viewer_handle("c1", "x", "Ana", T0)
    merge(hint)
    first = ParsedBatch()
    first.add(
        "c2", T0, seenby.ParseResult(posts=[seenby.Post(platform="x", post_id="1", author_id="b")])
    )
    merge(first)
    assert lookup.resolve_and_read("x", ["1"])[1]["is_own"].to_list() == [False]
    ana = seenby.Account(platform="x", account_id="a", handle="ana")
    second = ParsedBatch()
    second.add(
        "c3",
        T0,
        seenby.ParseResult(
            accounts=[ana], posts=[seenby.Post(platform="x", post_id="2", author_id="a")]
        ),
    )
    merge(second)
    posts = lookup.resolve_and_read("x", ["1", "2"])[1].sort("post_id")
    assert posts["is_own"].to_list() == [False, True]
    lookup.close()


def test_an_account_found_in_a_write_that_failed_is_found_again(store: Store) -> None:
    """The handles no account matched yet are kept in memory: a write rolled back after
    matching one must not leave it forgotten."""
    handles = ViewerHandles()
    hint = ParsedBatch()
    hint.add_viewer_handle("c1", "x", "Ana", T0)
    store.write_sync(lambda cur: handles.write(cur, RowTables.of_batch(hint).frames()))
    ana = ParsedBatch()
    ana.add(
        "c2",
        T0,
        seenby.ParseResult(accounts=[seenby.Account(platform="x", account_id="a", handle="ana")]),
    )
    frames = RowTables.of_batch(ana).frames()

    def write_then_fail(cur: duckdb.DuckDBPyConnection) -> None:
        write_frames(cur, frames)
        assert handles.write(cur, frames)
        raise RuntimeError("a later table refused its rows")

    with pytest.raises(RuntimeError):
        store.write_sync(write_then_fail)
    handles.forget()  # as the merger does when a write fails
    viewers = "SELECT account_id FROM viewers"
    assert store.read_sync(lambda cur: cur.execute(viewers).fetchall()) == []

    def write(cur: duckdb.DuckDBPyConnection) -> bool:
        write_frames(cur, frames)
        return handles.write(cur, frames)

    assert store.write_sync(write)
    assert store.read_sync(lambda cur: cur.execute(viewers).fetchall()) == [("a",)]
