"""Group commit: queued requests share a transaction; each still gets its own answer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from conftest import capture, run_async
from seenby_server.commits import CaptureCommitter, Committed
from seenby_server.merge import RowMerger
from seenby_server.plugins import PluginHost, load_plugins
from seenby_server.prepare import PreparedRequest, prepare_request
from seenby_server.store import Store
from support import example_plugin

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def plugins() -> PluginHost:
    return load_plugins([example_plugin], entry_points=False)


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "t.duckdb")
    yield s
    s.close()


def request(plugins: PluginHost, *ids: str) -> PreparedRequest:
    captures = [
        capture(body={"posts": [{"id": f"post-{i}", "author": "ana", "likes": 1}]}, capture_id=i)
        for i in ids
    ]
    return prepare_request(plugins, msgspec.json.encode({"captures": captures}), T0)


def count_writes(store: Store, monkeypatch: Any) -> list[int]:
    calls: list[int] = []
    original = store.write

    async def counting(fn: Any, then: Any = None) -> Any:
        calls.append(1)
        return await original(fn, then)

    monkeypatch.setattr(store, "write", counting)
    return calls


def test_queued_requests_share_one_commit_and_keep_their_own_results(
    store: Store, plugins: PluginHost, monkeypatch: Any
) -> None:
    committer = CaptureCommitter(store, RowMerger(store))
    writes = count_writes(store, monkeypatch)
    requests = [request(plugins, "a1", "a2"), request(plugins, "b1", "a1"), request(plugins, "c1")]

    async def run() -> list[Committed]:
        return await asyncio.gather(*(committer.commit(r) for r in requests))

    first, second, third = run_async(run)
    assert len(writes) == 1  # all three were queued before the writer ran
    assert first.fresh == ["a1", "a2"]
    assert second.fresh == ["b1"]  # a1 is the first request's
    assert [o.capture_id for o in second.outcomes] == ["b1"]
    assert second.rows.post_keys() == [("example", "post-b1")]
    assert third.fresh == ["c1"]
    stored = store.read_sync(lambda cur: cur.execute("SELECT count(*) FROM captures").fetchall())
    assert stored == [(4,)]
    posts = store.read_sync(lambda cur: cur.execute("SELECT count(*) FROM posts").fetchall())
    assert posts == [(4,)]


def test_a_request_that_breaks_the_shared_commit_fails_alone(
    store: Store, plugins: PluginHost, monkeypatch: Any
) -> None:
    committer = CaptureCommitter(store, RowMerger(store))
    good, bad = request(plugins, "g1"), request(plugins, "x1")
    original = store.write

    async def refusing(fn: Any, then: Any = None) -> Any:
        def guarded(cur: Any) -> Any:
            result = fn(cur)
            if any(r.fresh == ["x1"] for r in result):
                raise RuntimeError("disk full")
            return result

        return await original(guarded, then)

    monkeypatch.setattr(store, "write", refusing)

    async def run() -> tuple[Committed | BaseException, Committed | BaseException]:
        return await asyncio.gather(
            committer.commit(good),
            committer.commit(bad),
            return_exceptions=True,
        )

    kept, refused = run_async(run)
    assert isinstance(kept, Committed)
    assert kept.fresh == ["g1"]
    assert isinstance(refused, RuntimeError)
    ids = store.read_sync(lambda cur: cur.execute("SELECT id FROM captures").fetchall())
    assert ids == [("g1",)]
