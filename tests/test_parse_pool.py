"""Parse worker processes: same result as parsing in the server, and nothing lost or
left behind when a worker or the server dies."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import msgspec
import pyarrow as pa
import pytest

from conftest import FIXTURES, Server, capture, run_cli
from seenby_server.parse_pool import ParsePool
from seenby_server.plugins import PluginHost, load_plugins
from seenby_server.prepare import BadBatch, PreparedRequest, prepare_request
from seenby_server.rowtables import RowTables
from test_capture_api import POST_A, POST_B, feed
from test_platform_ingest import CASES

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def wait_for(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def worker_pids(pid: int) -> list[int]:
    children: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        children += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return children


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def workers_report(server: Server) -> dict[str, int]:
    report: dict[str, int] = server.request("GET", "/api/v1/status").json()["parse_workers"]
    return report


@pytest.fixture
def plugins() -> PluginHost:
    """The real platform plugins and the tests' example plugin, loaded by name so a
    worker can load them too."""
    host = load_plugins(modules=["support.example_plugin"])
    assert not host.failures
    return host


@pytest.fixture
def pool(plugins: PluginHost) -> Iterator[ParsePool]:
    pool = ParsePool(plugins, 1)
    assert pool.wait_ready(60), "the worker did not start"
    yield pool
    pool.close()


def fixture_batch() -> bytes:
    """A recorded payload of every platform, and a capture no plugin handles."""
    items = []
    for platform, (fixture, url, kind, _, _) in CASES.items():
        text = (FIXTURES / fixture).read_text(encoding="utf-8")
        body: Any = text if kind == "document" else msgspec.json.decode(text)
        items.append(capture(url, body, kind=kind, page_url=url, capture_id=platform))
    items.append(
        capture("https://elsewhere.test/feed", {"a": 1}, page_url=None, capture_id="unknown")
    )
    items.append({"id": "broken"})
    return msgspec.json.encode({"captures": items})


def same(one: PreparedRequest, other: PreparedRequest) -> None:
    assert one.rejected == other.rejected
    assert one.outcomes == other.outcomes
    assert one.captures.equals(other.captures)
    for name, table in one.rows.tables.items():
        assert table.equals(other.rows.tables[name]), name


def test_a_worker_prepares_every_platform_exactly_as_the_server_would(
    pool: ParsePool, plugins: PluginHost
) -> None:
    body = fixture_batch()
    there = pool.prepare(body, T0)
    here = prepare_request(plugins, body, T0)
    same(there, here)
    # A merge or a group commit may hold requests prepared both ways.
    both = RowTables.concat([there.rows, here.rows])
    assert len(both) == 2 * len(here.rows) and both.frames().posts.height > 0
    assert pa.concat_tables([there.captures, here.captures]).num_rows == 2 * here.captures.num_rows
    statuses = {o.capture_id: o.status for o in there.outcomes}
    assert statuses == {**dict.fromkeys(CASES, "parsed"), "unknown": "unhandled"}
    assert [r.index for r in there.rejected] == [len(CASES) + 1]
    posts = there.rows.tables["posts"]
    assert set(posts["platform"].to_pylist()) == set(CASES)
    assert pool.prepared_here == 0


def test_plugin_failures_in_a_worker_are_recorded_by_the_server(
    pool: ParsePool, plugins: PluginHost
) -> None:
    body = msgspec.json.encode({"captures": [capture(body={"explode": True})]})
    prepared = pool.prepare(body, T0)
    assert [o.status for o in prepared.outcomes] == ["error"]
    assert [(f.plugin, f.hook) for f in plugins.failures] == [
        ("support.example_plugin", "seenby_parse")
    ]
    assert pool.prepared_here == 0


def test_a_body_that_is_not_a_batch_is_refused_by_the_worker(
    pool: ParsePool, plugins: PluginHost
) -> None:
    with pytest.raises(BadBatch, match="captures"):
        pool.prepare(b'{"items": []}', T0)
    assert pool.ready == 1


def test_plugins_handed_over_as_objects_are_parsed_in_the_server() -> None:
    from support import example_plugin

    with pytest.raises(ValueError, match="objects"):
        ParsePool(load_plugins([example_plugin], entry_points=False), 1)


def test_the_server_parses_in_its_worker(server: Server) -> None:
    wait_for(lambda: workers_report(server)["running"] == 1)
    result = server.post_captures(capture(body=feed(POST_A, POST_B))).json()
    assert list(result["statuses"].values()) == ["parsed"]
    assert server.sql("SELECT post_id, likes FROM posts_latest ORDER BY post_id") == [
        ["a1", 5],
        ["b2", 1],
    ]
    assert workers_report(server) == {
        "running": 1,
        "restarts": 0,
        "idle_stops": 0,
        "parsed_in_server": 0,
    }


def test_a_killed_worker_loses_nothing_and_is_replaced(server: Server) -> None:
    assert server.process is not None
    wait_for(lambda: workers_report(server)["running"] == 1)
    (worker,) = worker_pids(server.process.pid)
    os.kill(worker, signal.SIGKILL)
    wait_for(lambda: not alive(worker))
    result = server.post_captures(capture(body=feed(POST_A))).json()
    assert list(result["statuses"].values()) == ["parsed"]
    assert server.sql("SELECT post_id FROM posts") == [["a1"]]
    wait_for(lambda: workers_report(server)["running"] == 1)
    report = workers_report(server)
    assert report["restarts"] == 1 and report["parsed_in_server"] == 0  # waited for the new one
    (replacement,) = worker_pids(server.process.pid)
    assert replacement != worker


def test_workers_exit_with_a_killed_server(server: Server) -> None:
    assert server.process is not None
    wait_for(lambda: workers_report(server)["running"] == 1)
    workers = worker_pids(server.process.pid)
    assert workers
    server.process.kill()
    server.process.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=10)


def test_a_worker_that_never_gets_ready_is_killed_and_the_server_parses(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("seenby_server.parse_pool.START_TIMEOUT_S", 1.0)
    host = load_plugins(modules=["support.example_plugin", "support.hangs_in_workers"])
    started = time.monotonic()
    pool = ParsePool(host, 1)
    try:
        assert not pool.wait_ready(30)
        assert 1.0 <= time.monotonic() - started < 20
        assert "exited with status -9 while starting" in caplog.text  # killed, as it hung
        body = msgspec.json.encode({"captures": [capture(body=feed(POST_A))]})
        prepared = pool.prepare(body, T0)
        assert [o.status for o in prepared.outcomes] == ["parsed"]
        assert pool.report() == {
            "running": 0,
            "restarts": 1,  # the request had a worker started again (it hangs too)
            "idle_stops": 0,
            "parsed_in_server": 1,
        }
    finally:
        pool.close()


def test_a_request_waits_for_a_starting_worker_only_so_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("seenby_server.parse_pool.START_WAIT_S", 0.5)
    monkeypatch.setattr("seenby_server.parse_pool.START_TIMEOUT_S", 3.0)
    host = load_plugins(modules=["support.example_plugin", "support.hangs_in_workers"])
    pool = ParsePool(host, 1)  # its worker hangs while starting (killed after 3 s)
    try:
        body = msgspec.json.encode({"captures": [capture(body=feed(POST_A))]})
        started = time.monotonic()
        assert [o.status for o in pool.prepare(body, T0).outcomes] == ["parsed"]
        assert 0.5 <= time.monotonic() - started < 2.5
        assert pool.report()["parsed_in_server"] == 1
        assert not pool.wait_ready(30)  # the hung worker was killed: none left behind
    finally:
        pool.close()


@pytest.fixture
def poisoned() -> Iterator[ParsePool]:
    """A pool whose plugins include one that crashes or hangs on some captures."""
    pool = ParsePool(load_plugins(modules=["support.example_plugin", "support.poison_plugin"]), 1)
    try:
        assert pool.wait_ready(60)
        yield pool
    finally:
        pool.close()


def test_a_capture_that_crashes_its_worker_is_kept_unparsed_and_the_rest_parsed(
    poisoned: ParsePool,
) -> None:
    crash = capture(body={"crash": True})
    body = msgspec.json.encode({"captures": [capture(body=feed(POST_A)), crash]})
    prepared = poisoned.prepare(body, T0)
    # Both kept as they came, with what happened; nothing parsed in the server.
    assert [o.status for o in prepared.outcomes] == ["error", "error"]
    assert "crashed while parsing them (exit signal 11" in (prepared.outcomes[1].error or "")
    assert "`seenby reparse` parses them again" in (prepared.outcomes[1].error or "")
    assert prepared.captures.column("id").to_pylist()[1] == crash["id"]
    assert prepared.captures.column("body").to_pylist()[1] == '{"crash":true}'
    assert len(prepared.rows) == 0
    assert poisoned.report()["parsed_in_server"] == 0
    # The worker is replaced; the next request is parsed as usual.
    assert poisoned.wait_ready(60)
    again = poisoned.prepare(msgspec.json.encode({"captures": [capture(body=feed(POST_A))]}), T0)
    assert [o.status for o in again.outcomes] == ["parsed"]
    assert poisoned.report()["restarts"] == 1


def test_a_capture_its_parser_hangs_on_is_given_up_at_the_deadline() -> None:
    host = load_plugins(modules=["support.example_plugin", "support.poison_plugin"])
    pool = ParsePool(host, 1, deadline_s=1.0)
    try:
        assert pool.wait_ready(60)
        body = msgspec.json.encode({"captures": [capture(body={"hang": True})]})
        started = time.monotonic()
        (outcome,) = pool.prepare(body, T0).outcomes
        assert time.monotonic() - started < 10
        assert outcome.status == "error"
        assert "took longer than 1 s to parse (a plugin hangs on them)" in (outcome.error or "")
        assert pool.wait_ready(60)
    finally:
        pool.close()


def test_a_worker_dead_before_the_request_came_is_not_blamed_for_it(
    poisoned: ParsePool,
) -> None:
    (worker,) = [w.process for w in poisoned._workers]
    worker.kill()
    worker.wait()
    body = msgspec.json.encode({"captures": [capture(body=feed(POST_A))]})
    assert [o.status for o in poisoned.prepare(body, T0).outcomes] == ["parsed"]
    assert poisoned.report() | {"restarts": 1, "parsed_in_server": 0} == poisoned.report()


def test_reparse_parses_in_the_workers_too(make_server: Any) -> None:
    """A capture kept unparsed because it crashed its worker crashes only a worker
    again when reparsed; once the plugin is fixed, reparse parses it."""
    server: Server = make_server(plugins="example_plugin,poison_plugin")
    wait_for(lambda: workers_report(server)["running"] == 1)
    crash = capture(body={"crash": True})
    result = server.post_captures(capture(body=feed(POST_A)), crash).json()
    assert set(result["statuses"].values()) == {"error"}
    run_cli(server.data_dir, "reparse", "--platform", "example")
    assert server.process is not None and server.process.poll() is None  # still serving
    rows = server.sql("SELECT id, parse_status, parse_error FROM captures ORDER BY id")
    assert {row[1] for row in rows} == {"error"}
    assert all("crashed while parsing them" in row[2] for row in rows)
    assert server.request("GET", "/api/v1/status").status_code == 200


def test_a_capture_that_crashes_its_parser_cannot_stop_the_server_from_starting(
    make_server: Any,
) -> None:
    """Captures committed but never merged (the process was killed in between) are
    parsed again at start: in a worker, so a plugin that now crashes on one of them
    marks it as an error instead of taking the starting server down."""
    poisoned = "example_plugin,poison_plugin"
    server: Server = make_server(plugins="example_plugin")
    server.post_captures(capture(body={"crash": True}, capture_id="poison"))
    server.stop()
    # As after kill -9 between the commit and the merge.
    with duckdb.connect(str(server.data_dir / "seenby.duckdb")) as db:
        db.execute(
            "UPDATE captures SET rows_merged = false, parse_status = 'parsed', parse_error = NULL"
        )
    again: Server = make_server(plugins=poisoned)
    assert again.process is not None and again.process.poll() is None
    (status, error) = again.sql("SELECT parse_status, parse_error FROM captures")[0]
    assert status == "error" and "crashed while parsing them" in error, error
    assert workers_report(again)["parsed_in_server"] == 0
    # Kept as it came: parsed again once the plugin is fixed.
    assert again.sql("SELECT body IS NOT NULL OR body_zstd IS NOT NULL FROM captures") == [[True]]


def test_workers_stop_when_idle_and_start_again_on_the_next_request(
    monkeypatch: pytest.MonkeyPatch, plugins: PluginHost
) -> None:
    monkeypatch.setattr("seenby_server.parse_pool.IDLE_STOP_S", 2.0)
    pool = ParsePool(plugins, 1)
    try:
        assert pool.wait_ready(60)
        (first,) = [w.process for w in pool._workers]
        wait_for(lambda: pool.report()["idle_stops"] == 1)
        assert pool.report()["running"] == 0
        assert first.wait(10) == 0  # stopped by closing its input, not killed
        # The next worker must not stop as idle before the test sees it run.
        monkeypatch.setattr("seenby_server.parse_pool.IDLE_STOP_S", 60.0)
        body = msgspec.json.encode({"captures": [capture(body=feed(POST_A))]})
        # The request waits for the worker it wakes: plugins never run in the server.
        assert [o.status for o in pool.prepare(body, T0).outcomes] == ["parsed"]
        assert pool.report()["parsed_in_server"] == 0
        assert pool.report()["running"] == 1
    finally:
        pool.close()


def test_the_server_can_parse_without_workers(make_server: Any) -> None:
    """``SEENBY_PARSE_WORKERS=0``: no worker process, the server parses by itself."""
    server: Server = make_server(SEENBY_PARSE_WORKERS="0")
    assert server.process is not None
    result = server.post_captures(capture(body=feed(POST_A))).json()
    assert list(result["statuses"].values()) == ["parsed"]
    assert server.request("GET", "/api/v1/status").json()["parse_workers"] is None
    assert worker_pids(server.process.pid) == []


def test_seenby_status_shows_the_parse_workers(server: Server) -> None:
    wait_for(lambda: workers_report(server)["running"] == 1)
    shown = run_cli(server.data_dir, "status").stdout
    assert "parse workers: 1 running, 0 restarted, 0 stopped while idle" in shown


def test_reparse_without_a_server_parses_in_a_worker_too(make_server: Any) -> None:
    server: Server = make_server(
        plugins="example_plugin,poison_plugin", SEENBY_PARSE_DEADLINE_S="2"
    )
    wait_for(lambda: workers_report(server)["running"] == 1)
    server.post_captures(capture(body={"crash": True}), capture(body={"hang": True}))
    server.stop()
    done = run_cli(
        server.data_dir,
        "reparse",
        "--platform",
        "example",
        "--batch",
        "1",
        SEENBY_PLUGINS="example_plugin,poison_plugin",
        SEENBY_PARSE_DEADLINE_S="2",
    )
    assert done.returncode == 0, done.stderr
    rows = run_cli(
        server.data_dir, "sql", "SELECT parse_error FROM captures", "--format", "json"
    ).stdout
    assert rows.count("crashed while parsing them") == 1
    assert rows.count("took longer than 2 s") == 1


def test_workers_that_keep_dying_are_restarted_only_so_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("seenby_server.parse_pool.MAX_RESTARTS", 1)
    pool = ParsePool(load_plugins(modules=["support.example_plugin", "support.poison_plugin"]), 1)
    crash = msgspec.json.encode({"captures": [capture(body={"crash": True})]})
    plain = msgspec.json.encode({"captures": [capture(body=feed(POST_A))]})
    try:
        assert pool.wait_ready(60)
        assert [o.status for o in pool.prepare(crash, T0).outcomes] == ["error"]
        assert pool.wait_ready(60)  # the one restart the window allows
        assert [o.status for o in pool.prepare(crash, T0).outcomes] == ["error"]
        assert pool.report()["restarts"] == 1 and pool.report()["running"] == 0
        # No room left, and the workers died on requests: the plugins crash, and would
        # take the server down too. Kept unparsed meanwhile, not parsed here.
        held = pool.prepare(plain, T0).outcomes
        assert [o.status for o in held] == ["error"]
        assert "crashed or hung on 2 requests in the last 10 minutes" in (held[0].error or "")
        assert pool.report()["parsed_in_server"] == 0
        # Once the window has room again, the next request starts a worker and uses it.
        monkeypatch.setattr("seenby_server.parse_pool.RESTART_WINDOW_S", 0.0)
        assert [o.status for o in pool.prepare(plain, T0).outcomes] == ["parsed"]
        assert pool.report() | {"restarts": 2, "running": 1, "parsed_in_server": 0} == (
            pool.report()
        )
    finally:
        pool.close()


def test_workers_killed_from_outside_too_often_leave_parsing_to_the_server(
    monkeypatch: pytest.MonkeyPatch, plugins: PluginHost
) -> None:
    """Something kills idle workers (the OOM killer, a user): no plugin is to blame, so
    once no restart is left requests are parsed in the server."""
    monkeypatch.setattr("seenby_server.parse_pool.MAX_RESTARTS", 1)
    pool = ParsePool(plugins, 1)
    plain = msgspec.json.encode({"captures": [capture(body=feed(POST_A))]})
    try:
        for _ in range(2):
            assert pool.wait_ready(60)
            for worker in list(pool._workers):
                worker.process.kill()
                worker.process.wait()
            assert [o.status for o in pool.prepare(plain, T0).outcomes] == ["parsed"]
        assert pool.report() | {"restarts": 1, "parsed_in_server": 1} == pool.report()
    finally:
        pool.close()
