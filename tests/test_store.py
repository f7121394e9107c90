"""The store's write semantics: idempotent, order-independent upserts through Arrow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import seenby
from seenby_server.rowtables import RowTables
from seenby_server.schema import CORE_OWNER, MIGRATIONS
from seenby_server.store import Store, StoreError, migrate, open_database
from seenby_server.writes import ParsedBatch, write_frames

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def result(followers: int | None, likes: int, text: str | None = "hello") -> seenby.ParseResult:
    return seenby.ParseResult(
        accounts=[seenby.Account(platform="x", account_id="1", handle="ana", followers=followers)],
        posts=[seenby.Post(platform="x", post_id="10", author_id="1", text=text)],
        metrics=[seenby.PostMetrics(platform="x", post_id="10", likes=likes)],
        interactions=[seenby.Interaction(platform="x", kind="like", post_id="10")],
    )


def write(store: Store, capture_id: str, at: datetime, parsed: seenby.ParseResult) -> None:
    batch = ParsedBatch()
    batch.add(capture_id, at, parsed)
    store.write_sync(lambda cur: write_frames(cur, RowTables.of_batch(batch).frames()))


def rows(store: Store, sql: str) -> list[tuple]:
    return store.read_sync(lambda cur: cur.execute(sql).fetchall())


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "t.duckdb")
    yield s
    s.close()


def test_writing_the_same_capture_twice_changes_nothing(store: Store) -> None:
    write(store, "c1", T0, result(100, 5))
    before = [
        rows(store, f"SELECT * FROM {t} ORDER BY ALL")
        for t in ("accounts", "posts", "post_metrics", "account_metrics", "interactions")
    ]
    write(store, "c1", T0, result(100, 5))
    after = [
        rows(store, f"SELECT * FROM {t} ORDER BY ALL")
        for t in ("accounts", "posts", "post_metrics", "account_metrics", "interactions")
    ]
    assert before == after


def test_newest_non_null_value_wins_whatever_the_order(store: Store) -> None:
    write(store, "new", T0 + timedelta(hours=1), result(200, 9, text=None))
    write(store, "old", T0, result(100, 5))  # e.g. reparse of an older capture
    assert rows(store, "SELECT followers, first_seen_at, last_seen_at FROM accounts") == [
        (200, T0, T0 + timedelta(hours=1))
    ]
    assert rows(store, "SELECT text FROM posts") == [("hello",)]
    assert rows(store, "SELECT likes FROM posts_latest") == [(9,)]
    assert rows(store, "SELECT count(*) FROM post_metrics") == [(2,)]
    assert rows(store, "SELECT followers FROM account_metrics ORDER BY observed_at") == [
        (100,),
        (200,),
    ]


def test_duplicates_within_one_batch_are_merged(store: Store) -> None:
    batch = ParsedBatch()
    batch.add("c1", T0, result(100, 5))
    batch.add("c2", T0 + timedelta(minutes=1), result(None, 6, text=None))
    store.write_sync(lambda cur: write_frames(cur, RowTables.of_batch(batch).frames()))
    assert rows(store, "SELECT followers FROM accounts") == [(100,)]
    assert rows(store, "SELECT likes FROM posts_latest") == [(6,)]


def test_undo_after_do_and_flag_dedupe(store: Store) -> None:
    like = seenby.Interaction(platform="x", kind="like", post_id="10", source="action")
    flag = seenby.Interaction(
        platform="x", kind="like", post_id="10", account_id="1", source="flag"
    )
    unlike = seenby.Interaction(platform="x", kind="like", post_id="10", undone=True)
    write(store, "a", T0, seenby.ParseResult(interactions=[like]))
    write(store, "b", T0 + timedelta(minutes=1), seenby.ParseResult(interactions=[flag]))
    assert rows(
        store, "SELECT count(*), any_value(account_id), bool_or(undone) FROM interactions"
    ) == [(1, "1", False)]
    write(store, "c", T0 + timedelta(minutes=2), seenby.ParseResult(interactions=[unlike]))
    write(store, "b", T0 + timedelta(minutes=1), seenby.ParseResult(interactions=[flag]))
    assert rows(store, "SELECT undone, occurred_at FROM interactions") == [(True, T0)]


def test_second_process_gets_a_clear_error_while_the_server_holds_the_file(
    store: Store, tmp_path: Path
) -> None:
    import subprocess
    import sys

    code = (
        "from pathlib import Path; from seenby_server.store import open_database; "
        f"open_database(Path({str(tmp_path / 't.duckdb')!r}), read_only=True)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "is in use by another process" in result.stderr
    assert StoreError.__name__ in result.stderr


def test_snapshots_of_a_version_4_database_survive_the_move_to_keyless_tables(
    tmp_path: Path,
) -> None:
    """Migration v5 rebuilds post_metrics and account_metrics without primary keys."""
    path = tmp_path / "old.duckdb"
    con = open_database(path)
    migrate(con, CORE_OWNER, MIGRATIONS[:4])
    con.execute(
        "INSERT INTO post_metrics (capture_id, platform, post_id, observed_at, likes) "
        "VALUES ('c1', 'x', '10', ?, 7)",
        [T0],
    )
    con.execute(
        "INSERT INTO account_metrics (capture_id, platform, account_id, observed_at, followers) "
        "VALUES ('c1', 'x', '1', ?, 300)",
        [T0],
    )
    con.close()
    store = Store(path)
    try:
        assert rows(store, "SELECT capture_id, likes FROM post_metrics") == [("c1", 7)]
        assert rows(store, "SELECT followers FROM account_metrics") == [(300,)]
        write(store, "c1", T0, result(300, 7))  # c1 parsed again: no second snapshot
        write(store, "c2", T0 + timedelta(hours=1), result(310, 9))
        assert rows(store, "SELECT capture_id, likes FROM post_metrics ORDER BY 1") == [
            ("c1", 7),
            ("c2", 9),
        ]
        assert rows(store, "SELECT count(*) FROM account_metrics") == [(2,)]
    finally:
        store.close()
