"""Raw bodies at rest (bodies.py): compression, and reading them back in SQL."""

from __future__ import annotations

import duckdb
import pytest
import zstandard

from seenby_server.bodies import compress, decompress
from seenby_server.store import open_database


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
