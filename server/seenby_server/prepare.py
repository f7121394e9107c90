"""What one capture request becomes before the writer sees it.

The request body is decoded and each capture validated, large bodies compressed,
every capture parsed, and the result laid out as Arrow tables: the ``captures``
rows to insert and the parsed rows for the merge. None of it touches the database,
so it runs in a parse worker process (parse_pool.py), or in a thread of the server
when no worker can take it; both run this same function.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec
import pyarrow as pa

from seenby_server.pipeline import (
    CaptureIn,
    ParseOutcome,
    Rejection,
    StoredCapture,
    compress_bodies,
    parse_batch,
    validate,
)
from seenby_server.plugins import PluginHost
from seenby_server.rowtables import RowTables

MAX_CAPTURES_PER_BATCH = 1_000


class BadBatch(Exception):
    """The request is not a capture batch at all."""


class CaptureBatch(msgspec.Struct):
    captures: list[msgspec.Raw]


class TypedCaptureBatch(msgspec.Struct):
    captures: list[CaptureIn]


_batch_decoder = msgspec.json.Decoder(CaptureBatch)
_typed_batch_decoder = msgspec.json.Decoder(TypedCaptureBatch)

_TIME = pa.timestamp("us", tz="UTC")
CAPTURE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("kind", pa.string()),
        ("platform", pa.string()),
        ("operation", pa.string()),
        ("url", pa.string()),
        ("page_url", pa.string()),
        ("method", pa.string()),
        ("status", pa.int32()),
        ("captured_at", _TIME),
        ("received_at", _TIME),
        ("request_body", pa.string()),
        ("body", pa.string()),
        ("body_zstd", pa.binary()),
        ("body_is_json", pa.bool_()),
        ("parse_status", pa.string()),
        ("parse_error", pa.string()),
        ("parsed_at", _TIME),
        ("rows_merged", pa.bool_()),
    ]
)
"""The ``captures`` rows of a request, built straight in Arrow: for a few dozen rows,
polars' per-column setup cost ten times more than the data."""


@dataclass
class PreparedRequest:
    """A request's captures, ready for the writer."""

    rejected: list[Rejection]
    """Captures refused, by their index in the request."""
    outcomes: list[ParseOutcome]
    """What parsing made of each accepted capture, in the request's order."""
    captures: pa.Table
    """Their ``captures`` rows (:data:`CAPTURE_SCHEMA`), in the same order."""
    rows: RowTables
    """Their parsed rows, for the merge."""


def decode_batch(body: bytes) -> list[msgspec.Raw | CaptureIn]:
    """The captures of a request body; raises :class:`BadBatch` if it is not a batch."""
    captures: list[msgspec.Raw | CaptureIn]
    try:
        # Usually every capture is well-formed: one typed pass over the body.
        captures = list(_typed_batch_decoder.decode(body).captures)
    except msgspec.DecodeError:
        try:  # then each capture on its own, so the good ones are kept
            captures = list(_batch_decoder.decode(body).captures)
        except msgspec.DecodeError as exc:
            raise BadBatch(f'expected {{"captures": [...]}}: {exc}') from exc
    if len(captures) > MAX_CAPTURES_PER_BATCH:
        raise BadBatch(
            f"{len(captures)} captures in one batch; the limit is {MAX_CAPTURES_PER_BATCH}"
        )
    return captures


def prepare_request(plugins: PluginHost, body: bytes, received_at: datetime) -> PreparedRequest:
    """Validate, compress and parse a request body (raises :class:`BadBatch`)."""
    rejected, valid = validated(plugins, body)
    parsed = parse_batch(plugins, valid)
    table = capture_rows(valid, received_at, parsed.outcomes, set(parsed.rows.captures))
    return PreparedRequest(rejected, parsed.outcomes, table, parsed.rows)


def prepare_unparsed(
    plugins: PluginHost, body: bytes, received_at: datetime, reason: str
) -> PreparedRequest:
    """A request whose parsing brought its worker down (a plugin crashed the process or
    hung): its captures are validated and kept as they came, with status ``error`` and
    ``reason``, for ``seenby reparse``. No plugin code runs here, so the server cannot
    go down with the worker."""
    rejected, valid = validated(plugins, body)
    outcomes = unparsed(valid, reason)
    return PreparedRequest(
        rejected, outcomes, capture_rows(valid, received_at, outcomes), RowTables.empty()
    )


def unparsed(items: Sequence[StoredCapture], reason: str) -> list[ParseOutcome]:
    return [ParseOutcome(capture_id=i.capture.id, status="error", error=reason) for i in items]


def validated(plugins: PluginHost, body: bytes) -> tuple[list[Rejection], list[StoredCapture]]:
    """The captures of a request body that pass validation, and those refused."""
    rejected: list[Rejection] = []
    valid: list[StoredCapture] = []
    for index, candidate in enumerate(decode_batch(body)):
        checked = validate(candidate, plugins)
        if isinstance(checked, str):
            rejected.append(Rejection(index, checked))
        else:
            valid.append(checked)
    return rejected, valid


def capture_rows(
    items: Sequence[StoredCapture],
    received_at: datetime,
    outcomes: Sequence[ParseOutcome],
    unmerged: Collection[str] = (),
) -> pa.Table:
    """The ``captures`` rows of ``items`` (with their parse ``outcomes``, in the same
    order), bodies compressed where they are large.

    ``unmerged``: the captures with parsed rows still to be merged (merge.py).
    """
    compress_bodies(items)
    times = [received_at] * len(items)
    return pa.Table.from_pydict(
        {
            "id": [i.capture.id for i in items],
            "kind": [i.capture.kind for i in items],
            "platform": [i.capture.platform for i in items],
            "operation": [
                o.operation or i.capture.operation for i, o in zip(items, outcomes, strict=True)
            ],
            "url": [i.capture.url for i in items],
            "page_url": [i.capture.page_url for i in items],
            "method": [i.capture.method for i in items],
            "status": [i.capture.status for i in items],
            "captured_at": [i.capture.captured_at for i in items],
            "received_at": times,
            "request_body": [i.request_body for i in items],
            "body": [i.body for i in items],
            "body_zstd": [i.body_zstd for i in items],
            "body_is_json": [i.body_is_json for i in items],
            "parse_status": [o.status for o in outcomes],
            "parse_error": [o.error for o in outcomes],
            "parsed_at": times,
            "rows_merged": [i.capture.id not in unmerged for i in items],
        },
        schema=CAPTURE_SCHEMA,
    )
