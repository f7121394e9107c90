"""Raw bodies at rest (bodies.py): compression, and reading them back in SQL."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import msgspec
import pytest
import zstandard

from conftest import capture
from seenby_server.bodies import compress, decompress
from seenby_server.pipeline import ParseOutcome, store_raw, stored_from_row, validate
from seenby_server.plugins import load_plugins
from seenby_server.prepare import capture_rows
from seenby_server.store import Store, open_database
from support import example_plugin

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_compress_round_trips_bytes_that_are_not_even_utf8() -> None:
    data = b'{"text": "caf\xc3\xa9"}' * 500 + b"\xff\xfe"
    packed = compress(data)
    assert len(packed) < len(data) / 10
    assert decompress(packed) == data


def test_decompress_refuses_frames_without_a_trusted_size() -> None:
    streamed = zstandard.ZstdCompressor(write_content_size=False).compress(b"x" * 100)
    with pytest.raises(ValueError, match="known size"):
        decompress(streamed)
    with pytest.raises(ValueError, match="not a zstd frame"):
        decompress(b"not zstd at all")


def test_sql_function_reads_bodies_and_passes_nulls(tmp_path) -> None:
    con = open_database(tmp_path / "bodies.duckdb")
    try:
        con.execute("CREATE TABLE t (b BLOB)")
        con.execute("INSERT INTO t VALUES (?), (NULL)", [compress("héllo".encode())])
        assert con.sql("SELECT zstd_decompress(b) FROM t ORDER BY 1 NULLS LAST").fetchall() == [
            ("héllo",),
            (None,),
        ]
        cursor = con.cursor()  # readers use cursors: the function is there too
        assert cursor.sql("SELECT count(zstd_decompress(b)) FROM t").fetchall() == [(1,)]
        with pytest.raises(duckdb.Error, match="known size"):
            con.sql("SELECT zstd_decompress('abc'::BLOB)").fetchall()
    finally:
        con.close()


def test_large_pages_and_json_come_back_for_reparse_as_they_were_received(tmp_path) -> None:
    """A big HTML document (text) and a big JSON answer are stored compressed; read back
    for reparse, the page is text again and the JSON is the bytes the parsers get."""
    plugins = load_plugins([example_plugin], entry_points=False)
    page = "<html><body>" + "<p>caf\u00e9 &amp; more</p>" * 400 + "</body></html>"
    answer = {"posts": [{"id": f"p{i}", "author": "u", "text": "x" * 50} for i in range(80)]}
    items = []
    for body, kind, capture_id in ((page, "document", "doc"), (answer, "api", "json")):
        raw = msgspec.json.encode(capture(body=body, kind=kind, capture_id=capture_id))
        item = validate(msgspec.Raw(raw), plugins)
        assert not isinstance(item, str)
        items.append(item)
    outcomes = [ParseOutcome(capture_id=i.capture.id, status="parsed") for i in items]
    store = Store(tmp_path / "t.duckdb")
    try:
        store.write_sync(lambda cur: store_raw(cur, capture_rows(items, T0, outcomes)))
        stored = store.frame("SELECT * FROM captures ORDER BY id").to_dicts()
        assert [(row["id"], row["body"]) for row in stored] == [("doc", None), ("json", None)]
        doc, json_item = (stored_from_row(row) for row in stored)
        assert doc.capture.body == page and doc.capture.body_json is None
        assert json_item.capture.body_json == msgspec.json.encode(answer)
        assert json_item.capture.json() == answer
    finally:
        store.close()
