"""Raw capture bodies at rest: large ones are stored zstd-compressed.

Storing bytes is DuckDB's largest cost on the capture path: inserting and logging a
2.6 MB request of X timelines takes about 7 ms of the writer's time, plus its share of
each checkpoint. zstd (level 1) shrinks such JSON about ninefold in ~1.5 ms, in the
parse worker (prepare.py), so the writer stores a ninth of the bytes.

Bodies under ``COMPRESS_FROM`` bytes (actions, impressions, small API answers) stay
plain text in ``captures.body``, where SQL can read them directly; larger ones go to
``captures.body_zstd``. ``zstd_decompress(body_zstd)`` reads them back in SQL on any
connection the server opens (``seenby sql``, plugins).
"""

from __future__ import annotations

import threading

import duckdb
import zstandard
from duckdb.func import FunctionNullHandling

COMPRESS_FROM = 4096
"""Bodies this long (in UTF-8 bytes) or longer are stored compressed."""
LEVEL = 1
"""zstd level: 1 compresses JSON almost as well as the default (3) in about half the time."""
MAX_DECOMPRESSED = 1 << 30
"""``zstd_decompress`` refuses frames that claim more than this (a hand-made blob in
user SQL could otherwise ask for any amount of memory)."""

_local = threading.local()


def compress(data: bytes) -> bytes:
    """``data`` as one zstd frame that records its own size."""
    compressor = getattr(_local, "compressor", None)
    if compressor is None:  # contexts are not thread-safe: one per thread
        compressor = _local.compressor = zstandard.ZstdCompressor(level=LEVEL)
    return compressor.compress(data)


def decompress(frame: bytes) -> bytes:
    """The bytes ``compress`` was given."""
    try:
        size = zstandard.frame_content_size(frame)
    except zstandard.ZstdError:
        size = -1
    if size < 0 or size > MAX_DECOMPRESSED:
        raise ValueError(f"not a zstd frame of a known size up to {MAX_DECOMPRESSED} bytes")
    decompressor = getattr(_local, "decompressor", None)
    if decompressor is None:
        decompressor = _local.decompressor = zstandard.ZstdDecompressor()
    return decompressor.decompress(frame)


def _decompress_text(frame: bytes | None) -> str | None:
    return None if frame is None else decompress(frame).decode("utf-8", errors="replace")


def register_sql_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``zstd_decompress(blob) -> VARCHAR`` callable on ``con`` and its cursors."""
    con.create_function(
        "zstd_decompress",
        _decompress_text,
        ["blob"],
        "varchar",
        null_handling=FunctionNullHandling.SPECIAL,  # NULL in, NULL out, no error
    )
