"""The capture pipeline: validate → parse → store raw captures → hand the rows to the merger.

Validating and parsing happen outside the writer (prepare.py runs them in a parse
worker process or a thread). The raw captures are committed before the answer is
sent; their rows are merged in bulk (merge.py). Parser exceptions are caught per
capture and recorded on the capture row, and what the extension sent is always kept
for ``seenby reparse``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import duckdb
import msgspec
import polars as pl
import pyarrow as pa

from seenby import Capture, ParseResult, UnrecognizedPayload
from seenby_server.bodies import COMPRESS_FROM, compress, decompress
from seenby_server.plugins import PluginHost, describe
from seenby_server.rowtables import RowTables
from seenby_server.writes import ParsedBatch, run_with

ParseStatus = Literal["parsed", "partial", "unrecognized", "error", "unhandled"]

CaptureId = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Url = Annotated[str, msgspec.Meta(min_length=1, max_length=16_384, pattern=r"^https?://")]
AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]
_NULL = msgspec.Raw(b"null")


class CaptureIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """One capture as the extension posts it (see docs/api.md)."""

    id: CaptureId
    kind: Literal["api", "document", "action", "impression", "dom", "viewer"]
    url: Url
    captured_at: AwareTime
    method: Annotated[str, msgspec.Meta(min_length=1, max_length=16)] = "GET"
    status: Annotated[int, msgspec.Meta(ge=0, le=999)] = 200
    page_url: Url | None = None
    request_body: msgspec.Raw = _NULL
    body: msgspec.Raw = _NULL
    platform: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    operation: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class ImpressionBody(msgspec.Struct, kw_only=True):
    """The body of an ``impression`` capture: a post that was on screen."""

    post_id: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    dwell_ms: Annotated[int, msgspec.Meta(ge=0, le=86_400_000)]
    seen_at: AwareTime | None = None


class ViewerBody(msgspec.Struct, kw_only=True):
    """The body of a ``viewer`` capture: the user's own handle, as the page shows it
    (read by the extension with the platform's ``ViewerHint``)."""

    handle: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Rejection(msgspec.Struct):
    index: int
    error: str


class StoredCapture(msgspec.Struct, kw_only=True):
    """A validated capture, ready to store and to hand to parsers.

    ``body`` is the text for ``captures.body`` when the body is small; a larger one is
    stored compressed in ``body_zstd`` (see bodies.py), filled in by ``compress_bodies``.
    """

    capture: Capture
    request_body: str | None
    body: str | None
    body_is_json: bool
    impression: ImpressionBody | None = None
    viewer: ViewerBody | None = None
    body_zstd: bytes | None = None


_capture_decoder = msgspec.json.Decoder(CaptureIn)


def _raw_body(raw: msgspec.Raw) -> tuple[str | None, bytes | None, str | None]:
    """(text for the body column unless the body is to be compressed, JSON bytes for
    parsers, decoded text for text bodies)."""
    data = bytes(raw)
    if data == b"null":
        return None, None, None
    small = len(data) < COMPRESS_FROM
    if data[:1] == b'"':
        text = msgspec.json.decode(data, type=str)
        return text if small else None, None, text
    # Parsers get the bytes as sent; the column gets text (a page could send invalid
    # UTF-8: replaced in the column, never a failed request).
    return data.decode("utf-8", errors="replace") if small else None, data, None


def validate(raw: msgspec.Raw | CaptureIn, plugins: PluginHost) -> StoredCapture | str:
    """A stored capture, or the reason it is rejected (``raw`` may be decoded already)."""
    if isinstance(raw, CaptureIn):
        item = raw
    else:
        try:
            item = _capture_decoder.decode(raw)
        except msgspec.DecodeError as exc:
            return str(exc)
    platform = item.platform or plugins.infer_platform(item.url, item.page_url)
    body_text, body_json, text_body = _raw_body(item.body)
    request_text = None if item.request_body == _NULL else bytes(item.request_body).decode()
    impression = None
    if item.kind == "impression":
        if body_json is None:
            return "an impression's body must be an object with post_id and dwell_ms"
        try:
            impression = msgspec.json.decode(body_json, type=ImpressionBody)
        except msgspec.DecodeError as exc:
            return f"impression body: {exc}"
    viewer = None
    if item.kind == "viewer":
        if body_json is None or platform is None:
            return 'a viewer capture\'s body must be {"handle": …} and its platform known'
        try:
            viewer = msgspec.json.decode(body_json, type=ViewerBody)
        except msgspec.DecodeError as exc:
            return f"viewer body: {exc}"
    capture = Capture(
        id=item.id,
        kind=item.kind,
        url=item.url,
        method=item.method.upper(),
        status=item.status,
        page_url=item.page_url,
        captured_at=item.captured_at.astimezone(UTC),
        request_body=msgspec.json.decode(request_text) if request_text is not None else None,
        body=text_body,
        body_json=body_json,
        platform=platform,
        operation=item.operation,
    )
    return StoredCapture(
        capture=capture,
        request_body=request_text,
        body=body_text,
        body_is_json=body_json is not None,
        impression=impression,
        viewer=viewer,
    )


def compress_bodies(items: Iterable[StoredCapture]) -> None:
    """Compress the bodies too large to store as text (idempotent), before the writer
    sees them: it then only stores the result (prepare.py)."""
    for item in items:
        if item.body is not None or item.body_zstd is not None:
            continue
        capture = item.capture
        if capture.body_json is not None:
            item.body_zstd = compress(capture.body_json)
        elif isinstance(capture.body, str):
            item.body_zstd = compress(capture.body.encode())  # valid text: msgspec checked it


def store_raw(cur: duckdb.DuckDBPyConnection, captures: pa.Table) -> set[str]:
    """Insert the captures not stored yet (``captures`` rows as prepare.py builds them);
    returns the ids inserted. A resent id is not: the first copy stays."""
    ids: list[str] = captures["id"].to_pylist()
    if not ids:
        return set()
    # A lookup and a plain INSERT cost half of one INSERT ... ON CONFLICT DO NOTHING.
    found = cur.execute("SELECT id FROM captures WHERE id IN ?", [list(set(ids))]).fetchall()
    stored = {row[0] for row in found}
    keep: list[bool] = []
    for capture_id in ids:
        keep.append(capture_id not in stored)
        stored.add(capture_id)
    new = captures if all(keep) else captures.filter(pa.array(keep))
    if new.num_rows:
        run_with(cur, new, "INSERT INTO captures BY NAME SELECT * FROM incoming")
    return set(new["id"].to_pylist())


class ParseOutcome(msgspec.Struct, kw_only=True):
    capture_id: str
    status: ParseStatus
    error: str | None = None
    operation: str | None = None
    platform: str | None = None


def parse_capture(plugins: PluginHost, capture: Capture) -> tuple[ParseResult, ParseOutcome]:
    """Run every plugin's parser on one capture; never raises."""
    merged = ParseResult()
    errors: list[str] = []
    unrecognized: list[str] = []
    handled = False
    for impl in plugins.manager.hook.seenby_parse.get_hookimpls():
        try:
            result = impl.function(capture)
        except UnrecognizedPayload as exc:
            unrecognized.append(f"{impl.plugin_name}: {exc}")
            continue
        except Exception as exc:
            errors.append(f"{impl.plugin_name}: {describe(exc)}")
            plugins.record_failure(impl.plugin_name, "seenby_parse", describe(exc))
            continue
        if result is None:
            continue
        if not isinstance(result, ParseResult):
            errors.append(f"{impl.plugin_name}: returned {type(result).__name__}, not ParseResult")
            continue
        handled = True
        merged.extend(result)
    operation = merged.operation or capture.operation
    messages = errors + merged.errors + unrecognized
    error = "; ".join(messages)[:4000] or None
    status: ParseStatus
    if handled:
        status = "partial" if errors or merged.errors else "parsed"
    elif errors:
        status = "error"
    elif unrecognized:
        status = "unrecognized"
    else:
        status = "unhandled"
    outcome = ParseOutcome(
        capture_id=capture.id,
        status=status,
        error=error,
        operation=operation,
        platform=capture.platform,
    )
    return merged, outcome


@dataclass
class ParsedCapture:
    """One capture with what the parsers made of it."""

    item: StoredCapture
    result: ParseResult | None
    outcome: ParseOutcome


def parse_each(plugins: PluginHost, items: Iterable[StoredCapture]) -> list[ParsedCapture]:
    """Parse every capture (never raises: failures become outcomes). Reads no database,
    so it runs outside the writer thread, overlapping other requests' writes."""
    parsed = []
    for item in items:
        capture = item.capture
        if item.impression is not None or item.viewer is not None:
            outcome = ParseOutcome(
                capture_id=capture.id, status="parsed", platform=capture.platform
            )
            parsed.append(ParsedCapture(item, None, outcome))
        else:
            result, outcome = parse_capture(plugins, capture)
            parsed.append(ParsedCapture(item, result, outcome))
    return parsed


@dataclass
class ParsedCaptures:
    """The rows of a batch of parsed captures, as Arrow tables, and their outcomes."""

    rows: RowTables
    outcomes: list[ParseOutcome]

    @classmethod
    def collect(cls, parsed: Iterable[ParsedCapture]) -> ParsedCaptures:
        batch = ParsedBatch()
        outcomes: list[ParseOutcome] = []
        for entry in parsed:
            capture = entry.item.capture
            if (seen := entry.item.impression) is not None:
                batch.add_impression(
                    capture.id,
                    capture.platform,
                    seen.post_id,
                    seen.seen_at or capture.captured_at,
                    seen.dwell_ms,
                    capture.page_url,
                )
            if (viewer := entry.item.viewer) is not None and capture.platform is not None:
                batch.add_viewer_handle(
                    capture.id, capture.platform, viewer.handle, capture.captured_at
                )
            if entry.result is not None:
                batch.add(capture.id, capture.captured_at, entry.result)
            outcomes.append(entry.outcome)
        return cls(rows=_tables(batch, outcomes), outcomes=outcomes)


def _tables(batch: ParsedBatch, outcomes: list[ParseOutcome]) -> RowTables:
    """The rows as tables. A capture whose rows do not fit their columns (a plugin put a
    number where text goes) is marked ``error`` and keeps only its raw body for
    ``seenby reparse``; the other captures' rows are kept."""
    try:
        return RowTables.of_batch(batch)
    except Exception:  # pyarrow's conversion errors have no common base
        return _tables_of_each(batch, outcomes)


def _tables_of_each(batch: ParsedBatch, outcomes: list[ParseOutcome]) -> RowTables:
    kept: list[RowTables] = []
    by_id = {outcome.capture_id: outcome for outcome in outcomes}
    for capture_id in batch.captures:
        try:
            kept.append(RowTables.of_batch(batch.of_captures({capture_id})))
        except Exception as exc:
            outcome = by_id[capture_id]
            outcome.status = "error"
            outcome.error = f"its rows do not fit the tables: {describe(exc)}"[:4000]
    return RowTables.concat(kept)


def parse_batch(plugins: PluginHost, items: Iterable[StoredCapture]) -> ParsedCaptures:
    """Parse captures and gather their rows for one write (on arrival, reparse and
    recovery alike)."""
    return ParsedCaptures.collect(parse_each(plugins, items))


def write_statuses(cur: duckdb.DuckDBPyConnection, outcomes: Sequence[ParseOutcome]) -> None:
    if not outcomes:
        return
    frame = pl.DataFrame(
        {
            "id": [o.capture_id for o in outcomes],
            "parse_status": [o.status for o in outcomes],
            "parse_error": [o.error for o in outcomes],
            "operation": [o.operation for o in outcomes],
            "platform": [o.platform for o in outcomes],
        },
        schema={
            "id": pl.String(),
            "parse_status": pl.String(),
            "parse_error": pl.String(),
            "operation": pl.String(),
            "platform": pl.String(),
        },
    )
    run_with(
        cur,
        frame,
        "UPDATE captures SET parse_status = o.parse_status, parse_error = o.parse_error, "
        "operation = coalesce(o.operation, captures.operation), "
        "platform = coalesce(captures.platform, o.platform), parsed_at = now() "
        "FROM incoming o WHERE captures.id = o.id",
    )


def failed(items: Sequence[StoredCapture], error: str) -> list[ParseOutcome]:
    """Outcomes for captures whose parsed rows could not be written."""
    return [
        ParseOutcome(
            capture_id=i.capture.id, status="error", error=error[:4000], platform=i.capture.platform
        )
        for i in items
    ]


def stored_from_row(row: dict[str, Any]) -> StoredCapture:
    """Rebuild a capture from its ``captures`` row, for reparse."""
    column: str | None = row["body"]
    packed: bytes | None = row["body_zstd"]
    stored: str | bytes | None = decompress(packed) if packed is not None else column
    body_json: bytes | None = None
    text: str | None = None
    if isinstance(stored, bytes):
        body_json, text = (stored, None) if row["body_is_json"] else (None, stored.decode())
    elif stored is not None:
        body_json, text = (stored.encode(), None) if row["body_is_json"] else (None, stored)
    request_body = row["request_body"]
    capture = Capture(
        id=row["id"],
        kind=row["kind"],
        url=row["url"],
        method=row["method"],
        status=row["status"],
        page_url=row["page_url"],
        captured_at=row["captured_at"],
        request_body=msgspec.json.decode(request_body) if request_body is not None else None,
        body=text,
        body_json=body_json,
        platform=row["platform"],
        operation=row["operation"],
    )
    impression = viewer = None
    if capture.kind == "impression" and body_json is not None:
        impression = msgspec.json.decode(body_json, type=ImpressionBody)
    if capture.kind == "viewer" and body_json is not None:
        viewer = msgspec.json.decode(body_json, type=ViewerBody)
    return StoredCapture(
        capture=capture,
        request_body=request_body,
        body=column,
        body_is_json=body_json is not None,
        impression=impression,
        viewer=viewer,
        body_zstd=packed,
    )
