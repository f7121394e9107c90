"""What the server and its parse workers say to each other (parse_pool.py,
parse_worker.py): framed messages on the worker's stdin and stdout, each a msgpack
header and a payload; answers carry their tables as Arrow IPC streams."""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from datetime import datetime
from typing import IO

import msgspec
import pyarrow as pa
import pyarrow.ipc as ipc

from seenby_server.pipeline import ParseOutcome, Rejection
from seenby_server.plugins import PluginRecipe
from seenby_server.prepare import PreparedRequest
from seenby_server.rowtables import RowTables
from seenby_server.writes import RowFrames

_SIZES = struct.Struct("<II")
"""Every message: the header's length and the payload's, then both."""


class WorkerSetup(msgspec.Struct, frozen=True):
    """What a worker needs to load the server's plugins (its one argument, as JSON)."""

    recipe: PluginRecipe
    sys_path: list[str]


class Ready(msgspec.Struct):
    """A worker's first message: the plugins it loaded."""

    plugins: list[str]


class Job(msgspec.Struct):
    """One request to prepare; the payload is its body. ``stored``: stored captures to
    parse again instead (``seenby reparse``); the payload is a msgpack list of
    :class:`StoredCapture`."""

    received_at: datetime
    stored: bool = False


class Answer(msgspec.Struct, kw_only=True):
    """A prepared request; the payload is its Arrow tables, one IPC stream each."""

    bad_batch: str | None = None
    """The body is not a capture batch (the server answers 400)."""
    crashed: str | None = None
    """Preparing it raised; the server prepares it itself."""
    rejected: list[Rejection] = []
    outcomes: list[ParseOutcome] = []
    failures: list[tuple[str, str, str]] = []
    """Plugin failures recorded while preparing it: (plugin, hook, error)."""
    sizes: list[int] = []
    """Byte length of each stream: the captures rows, then the row tables."""


def send(stream: IO[bytes], header: bytes, payload: bytes | list[pa.Buffer] = b"") -> None:
    parts = [payload] if isinstance(payload, bytes) else payload
    stream.write(_SIZES.pack(len(header), sum(len(part) for part in parts)))
    stream.write(header)
    for part in parts:
        stream.write(part)
    stream.flush()


def receive(stream: IO[bytes]) -> tuple[bytes, bytes] | None:
    """The next message's header and payload; None at the end of the stream."""
    sizes = stream.read(_SIZES.size)
    if not sizes:
        return None
    if len(sizes) < _SIZES.size:
        raise EOFError("the stream ended inside a message")
    header_size, payload_size = _SIZES.unpack(sizes)
    header = stream.read(header_size)
    payload = stream.read(payload_size)
    if len(header) < header_size or len(payload) < payload_size:
        raise EOFError("the stream ended inside a message")
    return header, payload


def receive_within(
    stream: IO[bytes], seconds: float, give_up: Callable[[], None]
) -> tuple[bytes, bytes] | None:
    """:func:`receive`, calling ``give_up`` (which kills the writer, so the stream ends)
    if nothing came after ``seconds``."""
    watchdog = threading.Timer(seconds, give_up)
    watchdog.start()
    try:
        return receive(stream)
    finally:
        watchdog.cancel()


def arrow_streams(prepared: PreparedRequest) -> list[pa.Buffer]:
    tables = [prepared.captures, *(prepared.rows.tables[t] for t in RowFrames.TABLES)]
    streams = []
    for table in tables:
        sink = pa.BufferOutputStream()
        with ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        streams.append(sink.getvalue())
    return streams


def read_answer(answer: Answer, payload: bytes) -> PreparedRequest:
    tables = []
    start = 0
    view = pa.py_buffer(payload)
    for size in answer.sizes:
        tables.append(ipc.open_stream(view.slice(start, size)).read_all())
        start += size
    captures, *rows = tables
    return PreparedRequest(
        answer.rejected,
        answer.outcomes,
        captures,
        RowTables(dict(zip(RowFrames.TABLES, rows, strict=True))),
    )
