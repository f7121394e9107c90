"""Acknowledged captures survive kill -9; SIGTERM exits cleanly."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import httpx

from conftest import Server, capture


def test_acknowledged_captures_survive_kill_9(make_server) -> None:
    server: Server = make_server()
    acknowledged: list[str] = []
    stop = threading.Event()
    errors: list[str] = []

    def send() -> None:
        n = 0
        while not stop.is_set():
            batch = [
                capture(body={"posts": [{"id": f"p{n}-{i}", "author": "u", "likes": i}]})
                for i in range(20)
            ]
            n += 1
            try:
                response = server.post_captures(*batch)
            except httpx.TransportError:
                return  # the server died mid-request: that batch was never acknowledged
            if response.status_code == 200:
                acknowledged.extend(c["id"] for c in batch)
            else:
                errors.append(response.text)

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(2.0)
    server.stop(signal.SIGKILL)
    stop.set()
    sender.join(timeout=30)
    assert not errors
    assert len(acknowledged) >= 100, "the test did not get enough captures acknowledged"

    restarted = make_server(port=server.port)
    stored = {row[0] for row in restarted.sql("SELECT id FROM captures")}
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged captures lost"
    parsed = restarted.sql("SELECT count(*) FROM captures WHERE parse_status = 'parsed'")[0][0]
    assert parsed >= len(acknowledged)


def test_rows_not_merged_when_killed_are_merged_at_the_next_start(make_server) -> None:
    """A bulk request is answered once its captures commit; their rows merge a moment
    later. A kill in between loses nothing: the next start re-parses them."""
    server: Server = make_server()
    batch = [  # every third body is large enough to be stored compressed
        capture(
            body={
                "posts": [{"id": f"k{i}", "author": "u", "likes": i, "text": "x" * (i % 3) * 3000}]
            }
        )
        for i in range(30)
    ]
    response = server.request("POST", "/api/v1/captures?overlays=false", json={"captures": batch})
    assert response.status_code == 200
    server.stop(signal.SIGKILL)  # well within the second rows may wait for a merge
    restarted = make_server(port=server.port)
    assert restarted.sql("SELECT count(*), sum(likes) FROM posts_latest") == [[30, 435]]
    assert restarted.sql("SELECT count(*) FROM captures WHERE NOT rows_merged") == [[0]]
    assert restarted.sql("SELECT count(*) FROM captures WHERE body_zstd IS NOT NULL") == [[10]]


def test_sigterm_finishes_and_exits_cleanly(make_server) -> None:
    server: Server = make_server()
    assert server.post_captures(capture()).status_code == 200
    code = server.stop(signal.SIGTERM)
    assert code in (0, -signal.SIGTERM)
    assert not (server.data_dir / "server.json").exists()
    assert not (server.data_dir / "seenby.duckdb.wal").exists(), "store was not checkpointed"
    restarted = make_server(port=server.port)
    assert restarted.sql("SELECT count(*) FROM captures") == [[1]]


def test_sigterm_during_a_request_finishes_it_first(make_server) -> None:
    """A batch in flight when SIGTERM arrives is still answered, and its captures kept."""
    server: Server = make_server()
    posts = [
        {"id": f"p{i}", "author": f"u{i % 50}", "text": "x" * 2000, "likes": i} for i in range(3000)
    ]
    batch = [capture(body={"posts": posts[i : i + 10]}) for i in range(0, 3000, 10)]
    result: dict[str, Any] = {}

    def send() -> None:
        result["response"] = server.post_captures(*batch)
        result["answered_at"] = time.monotonic()

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.2)
    assert server.process is not None
    signalled_at = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    sender.join(timeout=30)
    assert result["answered_at"] > signalled_at, "the request was not in flight at SIGTERM"
    code = server.process.wait(timeout=30)
    assert code in (0, -signal.SIGTERM)
    response = result["response"]
    assert response.status_code == 200
    assert response.json()["accepted"] == len(batch)
    restarted = make_server(port=server.port)
    assert restarted.sql("SELECT count(*) FROM captures") == [[len(batch)]]
    assert restarted.sql("SELECT count(*) FROM posts") == [[3000]]
