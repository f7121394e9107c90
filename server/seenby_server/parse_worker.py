"""A parse worker process (see parse_pool.py): prepares the requests the server sends,
with the messages of parse_protocol.py.

    python -m seenby_server.parse_worker '<WorkerSetup as JSON>'

Reads jobs on stdin until it closes, answers each on stdout. A plugin that prints
writes to stderr: stdout carries nothing but answers.
"""

from __future__ import annotations

import os
import signal
import sys

import msgspec
import pyarrow as pa

from seenby_server.parse_protocol import (
    Answer,
    Job,
    Ready,
    WorkerSetup,
    arrow_streams,
    receive,
    send,
)
from seenby_server.pipeline import StoredCapture, parse_batch
from seenby_server.plugins import PluginHost, describe, load_plugins
from seenby_server.prepare import CAPTURE_SCHEMA, BadBatch, PreparedRequest, prepare_request

_stored_decoder = msgspec.msgpack.Decoder(list[StoredCapture])


def parse_stored(plugins: PluginHost, body: bytes) -> PreparedRequest:
    """Stored captures parsed again (``seenby reparse``): their rows, no ``captures`` rows."""
    parsed = parse_batch(plugins, _stored_decoder.decode(body))
    return PreparedRequest([], parsed.outcomes, CAPTURE_SCHEMA.empty_table(), parsed.rows)


def answer(plugins: PluginHost, job: Job, body: bytes) -> tuple[Answer, list[pa.Buffer]]:
    try:
        if job.stored:
            prepared = parse_stored(plugins, body)
        else:
            prepared = prepare_request(plugins, body, job.received_at)
    except BadBatch as exc:
        return Answer(bad_batch=str(exc), failures=plugins.take_failure_log()), []
    except Exception as exc:
        return Answer(crashed=describe(exc), failures=plugins.take_failure_log()), []
    streams = arrow_streams(prepared)
    return Answer(
        rejected=prepared.rejected,
        outcomes=prepared.outcomes,
        failures=plugins.take_failure_log(),
        sizes=[len(stream) for stream in streams],
    ), streams


def main() -> None:
    # Ctrl-C in the server's terminal reaches the whole process group: the server
    # stops its workers itself, by closing their stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    setup = msgspec.json.decode(sys.argv[1], type=WorkerSetup)
    sys.path[:] = setup.sys_path
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # print() in a plugin goes to stderr, never into an answer
    jobs = sys.stdin.buffer
    plugins = load_plugins(entry_points=setup.recipe.entry_points, modules=setup.recipe.modules)
    plugins.log_failures()
    send(answers, msgspec.msgpack.encode(Ready(plugins.names)))
    encoder = msgspec.msgpack.Encoder()
    while (message := receive(jobs)) is not None:
        header, body = message
        reply, streams = answer(plugins, msgspec.msgpack.decode(header, type=Job), body)
        send(answers, encoder.encode(reply), streams)


if __name__ == "__main__":
    main()
