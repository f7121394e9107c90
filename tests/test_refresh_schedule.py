"""The background refresh waits for a burst of captures to pause, but not forever."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import run_async
from seenby_server import refresh
from seenby_server.plugins import load_plugins
from seenby_server.refresh import Refresher
from seenby_server.store import Store


@pytest.fixture
def refresher(tmp_path: Path, monkeypatch: Any):
    store = Store(tmp_path / "t.duckdb")
    monkeypatch.setattr(refresh, "QUIET_S", 0.2)
    runs: list[float] = []
    r = Refresher(store, load_plugins(entry_points=False), {}, interval=0.3)
    monkeypatch.setattr(r, "run_once", lambda: runs.append(time.monotonic()))
    yield r, runs
    store.close()


async def burst(r: Refresher, seconds: float, every: float = 0.05) -> float:
    """Captures arriving every ``every`` s for ``seconds``; returns when the last came."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r.mark_dirty()
        await asyncio.sleep(every)
    return time.monotonic()


def test_a_burst_of_captures_is_refreshed_once_it_pauses(refresher: Any) -> None:
    r, runs = refresher

    async def scenario() -> float:
        task = asyncio.create_task(r.run_forever())
        await asyncio.sleep(0.1)  # the start-up refresh
        last = await burst(r, 1.0)
        await asyncio.sleep(0.5)
        task.cancel()
        return last

    last = run_async(scenario)
    assert len(runs) == 2, runs
    assert runs[1] >= last + 0.15  # not during the burst: after it paused


def test_continuous_captures_still_refresh_after_the_longest_wait(
    refresher: Any, monkeypatch: Any
) -> None:
    r, runs = refresher
    monkeypatch.setattr(refresh, "MAX_DEFER_S", 0.4)

    async def scenario() -> None:
        task = asyncio.create_task(r.run_forever())
        await asyncio.sleep(0.1)
        await burst(r, 2.0)
        task.cancel()

    run_async(scenario)
    assert len(runs) >= 3, runs  # start-up, then at least every 0.3 + 0.4 s meanwhile
