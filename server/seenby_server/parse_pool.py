"""Parse worker processes: a request's CPU work outside the server's GIL.

Decoding, validating, compressing and parsing a request (prepare.py) is Python work
that holds the GIL for about 10 ms per 350 posts; in the server process it stalls
the event loop and every DuckDB call of the writer. So the server hands each
request body, as it arrived, to a worker process (``python -m
seenby_server.parse_worker``) that loads the same plugins and answers with the
prepared request as Arrow tables, which cost microseconds to read back.

Workers read jobs on their stdin and answer on their stdout. When the server exits,
however it exits (even ``kill -9``), their stdin closes and they exit too.

A request waits for a worker that is starting (at the server's start, after idling,
after a worker died), for START_WAIT_S at most. It is prepared in the server process
instead, by the same function, only when no worker runs or starts in that time: the
plugins were handed over as objects (tests) so a worker cannot load them, workers fail
to start, or something killed them more often than MAX_RESTARTS allows. Nothing is
lost either way: the body is still in hand. If instead workers died *on* requests (a
plugin crashes or hangs) until no restart was left, plugins would likely bring the
server down too: requests are then kept unparsed, as below, until restarts are
allowed again.

A worker that dies while it parses a request (a plugin crashed the process) or takes
longer than its deadline (a plugin hangs; the worker is killed) is restarted, and
that request is not parsed in the server, where it would bring the server down too:
its captures are stored as they came, with status ``error`` and what happened, for
``seenby reparse`` (which parses in the workers as well). The request is answered, so
the extension does not send it again and again.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import IO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

import msgspec

from seenby_server.parse_protocol import (
    Answer,
    Job,
    Ready,
    WorkerSetup,
    read_answer,
    receive_within,
    send,
)
from seenby_server.pipeline import ParsedCaptures, StoredCapture, parse_batch
from seenby_server.plugins import PluginHost
from seenby_server.prepare import (
    BadBatch,
    PreparedRequest,
    prepare_request,
    prepare_unparsed,
    unparsed,
)
from seenby_server.rowtables import RowTables

log = logging.getLogger("seenby")

MAX_RESTARTS = 5
"""Workers started again after dying within RESTART_WINDOW_S; past that, until the
window has room again, requests are parsed in the server (something kills every
worker), or kept unparsed if workers died on requests in that window (plugins crash)."""
RESTART_WINDOW_S = 600.0
PARSE_DEADLINE_S = 60.0
"""A worker still parsing one job after this long is killed: a plugin hangs on it
(the default of ``ServerSettings.parse_deadline_s``)."""
START_TIMEOUT_S = 60.0
"""A worker that has not loaded its plugins by then is killed (and not used)."""
START_WAIT_S = 20.0
"""How long a request waits for a worker that is starting (when none runs) before it is
parsed in the server: within the extension's 30 s request timeout."""
IDLE_STOP_S = 600.0
"""Workers are stopped after this long without a request (a server left running while
the browser is closed holds no worker's memory); the next request starts them again."""
STOP_TIMEOUT_S = 5.0

PIPE_BYTES = 1 << 20
"""Pipe buffer asked for (Linux): a 2.6 MB body then crosses in three writes, not forty."""


def _widen(process: subprocess.Popen[bytes]) -> None:
    resize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if resize is None:
        return
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):  # above the system's limit: keep the default
                fcntl.fcntl(pipe.fileno(), resize, PIPE_BYTES)


def _within_window(times: deque[float]) -> int:
    """How many of ``times`` (monotonic, oldest first) fall in the last RESTART_WINDOW_S;
    the older ones are dropped."""
    now = time.monotonic()
    while times and now - times[0] > RESTART_WINDOW_S:
        times.popleft()
    return len(times)


class _Worker:
    def __init__(self, process: subprocess.Popen[bytes], deadline_s: float) -> None:
        self.process = process
        self.deadline_s = deadline_s
        assert process.stdin is not None and process.stdout is not None
        self.jobs: IO[bytes] = process.stdin
        self.answers: IO[bytes] = process.stdout
        self.overran = False

    def run(self, job: Job, body: bytes) -> tuple[Answer, bytes]:
        """Raises BrokenPipeError when the worker was gone before it got the job."""
        send(self.jobs, msgspec.msgpack.encode(job), body)
        message = receive_within(self.answers, self.deadline_s, self._overrun)
        if message is None:
            raise EOFError("the worker exited")
        header, payload = message
        return msgspec.msgpack.decode(header, type=Answer), payload

    def _overrun(self) -> None:
        self.overran = True
        self.process.kill()

    def died_on_job(self) -> str:
        """What became of the worker that took a job and gave no answer, for its captures."""
        if self.overran:
            what = f"took longer than {self.deadline_s:g} s to parse (a plugin hangs on them)"
        else:
            try:
                status = self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                status = None
            how = f"signal {-status}" if status is not None and status < 0 else f"status {status}"
            what = f"crashed while parsing them (exit {how}: a plugin brought its process down)"
        return f"the parse worker {what}; kept unparsed: `seenby reparse` parses them again"

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.jobs.close()
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):
            self.answers.close()


class ParsePool:
    """Parse worker processes, each preparing one request at a time."""

    def __init__(
        self, plugins: PluginHost, size: int, *, deadline_s: float = PARSE_DEADLINE_S
    ) -> None:
        if plugins.recipe is None:
            raise ValueError("plugins handed over as objects cannot be loaded in a worker")
        self._plugins = plugins
        self._deadline_s = deadline_s
        self._setup = WorkerSetup(plugins.recipe, list(sys.path))
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._starting = 0
        self._restarted_at: deque[float] = deque()
        self._died_on_jobs_at: deque[float] = deque()
        self._closed = False
        self._size = size
        self._asleep = False
        self._last_request = time.monotonic()
        self._closing = threading.Event()
        self.restarts = 0
        self.idle_stops = 0
        self.prepared_here = 0
        """Requests prepared in the server process because no worker could take them."""
        for _ in range(size):
            self._start()
        threading.Thread(target=self._stop_when_idle, name="parse-pool-idle", daemon=True).start()

    @property
    def ready(self) -> int:
        """Workers running (idle or busy)."""
        with self._lock:
            return len(self._workers)

    def report(self) -> dict[str, int]:
        """For ``seenby status``: workers running, restarted after dying, stopped while
        idle, and requests parsed in the server."""
        with self._lock:
            return {
                "running": len(self._workers),
                "restarts": self.restarts,
                "idle_stops": self.idle_stops,
                "parsed_in_server": self.prepared_here,
            }

    def _start(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._starting += 1
        threading.Thread(target=self._start_one, name="parse-worker-start", daemon=True).start()

    def _start_one(self) -> None:
        worker: _Worker | None = None
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "seenby_server.parse_worker",
                    msgspec.json.encode(self._setup).decode(),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            worker = _Worker(process, self._deadline_s)
            _widen(process)
            message = receive_within(worker.answers, START_TIMEOUT_S, process.kill)
            if message is None:
                raise EOFError(f"the worker exited with status {process.wait()} while starting")
            loaded = msgspec.msgpack.decode(message[0], type=Ready).plugins
            if loaded != self._plugins.names:
                raise RuntimeError(
                    f"the worker loaded plugins {loaded}, the server {self._plugins.names}"
                )
        except Exception as exc:
            log.warning("a parse worker did not start (%s); requests are parsed in the server", exc)
            if worker is not None:
                worker.stop()
            with self._lock:
                self._starting -= 1
            return
        with self._lock:
            self._starting -= 1
            if self._closed:
                worker.stop()
                return
            self._workers.add(worker)
            # Idle time counts from here: a worker that took long to start is not stopped
            # the moment it is ready.
            self._last_request = max(self._last_request, time.monotonic())
        self._idle.put(worker)

    def wait_ready(self, timeout: float) -> bool:
        """Wait until every worker started has started (or failed to); True if one runs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._starting == 0:
                    break
            time.sleep(0.05)
        return self.ready > 0

    def _take(self) -> _Worker | None:
        """An idle worker, waiting while the running ones are busy, or for up to
        START_WAIT_S while one is starting (about a second; parsing here instead would
        run plugins in the server); None if none runs or starts in time."""
        gave_up_at = time.monotonic() + START_WAIT_S
        while True:
            with self._lock:
                starting_only = not self._workers
                if self._closed or not (self._workers or self._starting):
                    return None
            if starting_only and time.monotonic() > gave_up_at:
                return None  # a start this slow is broken: better parse here than stall
            try:
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue

    def prepare(self, body: bytes, received_at: datetime) -> PreparedRequest:
        """Prepare a request in a worker, or here when none can (blocking; run it in a thread)."""
        plugins = self._plugins
        done = self._run(Job(received_at), body)
        if isinstance(done, str):
            return prepare_unparsed(plugins, body, received_at, done)
        if done is not None:
            answer, payload = done
            if answer.bad_batch is not None:
                raise BadBatch(answer.bad_batch)
            if answer.crashed is None:
                return read_answer(answer, payload)
            log.error("a parse worker failed on a request (%s); parsing it here", answer.crashed)
        with self._lock:
            self.prepared_here += 1
        return prepare_request(plugins, body, received_at)

    def parse_stored(self, items: Sequence[StoredCapture]) -> ParsedCaptures:
        """Parse stored captures again (``seenby reparse``) in a worker, or here when none can."""
        done = self._run(Job(datetime.now(UTC), stored=True), msgspec.msgpack.encode(items))
        if isinstance(done, str):
            return ParsedCaptures(RowTables.empty(), unparsed(items, done))
        if done is not None and done[0].crashed is None:
            prepared = read_answer(*done)
            return ParsedCaptures(prepared.rows, prepared.outcomes)
        return parse_batch(self._plugins, items)

    def _run(self, job: Job, body: bytes) -> tuple[Answer, bytes] | str | None:
        """A worker's answer to ``job``; a reason to keep its captures unparsed when the
        job brought its worker down, or no worker could take it after others died on
        jobs; None when no worker could take it and it may be parsed in the server."""
        self._wake()
        while (worker := self._take()) is not None:
            if worker.process.poll() is not None:  # died while idle: not this job's doing
                self._lost(worker, EOFError(f"exit status {worker.process.returncode}"))
                continue
            try:
                answer, payload = worker.run(job, body)
            except BrokenPipeError as exc:  # gone before it got the job
                self._lost(worker, exc)
                continue
            except (OSError, EOFError, ValueError, msgspec.DecodeError) as exc:
                reason = worker.died_on_job()
                self._lost(worker, exc, on_job=True)
                return reason
            self._idle.put(worker)
            for failure in answer.failures:
                self._plugins.record_failure(*failure)
            return answer, payload
        return self._held_back()

    def _held_back(self) -> str | None:
        """Why a job no worker took is not parsed in the server either (workers died on
        jobs lately: the plugins crash or hang); None when it may be."""
        with self._lock:
            died = _within_window(self._died_on_jobs_at)
        if died == 0:
            return None
        minutes = RESTART_WINDOW_S / 60
        return (
            f"parse workers crashed or hung on {died} requests in the last {minutes:g} minutes"
            " and are not started again for now, and plugins do not run in the server, which"
            " they could bring down; kept unparsed: `seenby reparse` parses them again"
        )

    def _lost(self, worker: _Worker, exc: BaseException, *, on_job: bool = False) -> None:
        worker.process.kill()
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
            if on_job:
                self._died_on_jobs_at.append(time.monotonic())
            restart = self._may_restart()
        log.error(
            "a parse worker died (%s: %s); %s",
            type(exc).__name__,
            exc,
            "starting another" if restart else "no more restarts for a while",
        )
        if restart:
            self._start()

    def _may_restart(self) -> bool:
        """Counts a restart if the window has room for it (call with the lock held)."""
        if _within_window(self._restarted_at) >= MAX_RESTARTS or self._closed:
            return False
        self._restarted_at.append(time.monotonic())
        self.restarts += 1
        return True

    def _wake(self) -> None:
        """A request came: workers stopped while idle are started again (this request is
        prepared here meanwhile)."""
        with self._lock:
            self._last_request = time.monotonic()
            waking, self._asleep = self._asleep, False
            # Every worker died or failed to start, and no more restarts were allowed
            # then: try again when the window has room.
            gone = not waking and not self._workers and not self._starting
            waking = waking or (gone and self._may_restart())
        if waking:
            for _ in range(self._size):
                self._start()

    def _stop_when_idle(self) -> None:
        while not self._closing.wait(min(30.0, IDLE_STOP_S / 4)):
            with self._lock:
                if time.monotonic() - self._last_request < IDLE_STOP_S or not self._workers:
                    continue
                if self._idle.qsize() < len(self._workers) or self._starting:
                    continue  # one is busy after all, or starting
                workers, self._workers = list(self._workers), set()
                self._asleep = True
                self.idle_stops += 1
            while not self._idle.empty():
                self._idle.get_nowait()
            for worker in workers:
                worker.stop()
            log.info("parse workers stopped after %.0f s without a request", IDLE_STOP_S)

    def close(self) -> None:
        self._closing.set()
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()
