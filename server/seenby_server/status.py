"""What `seenby status` and `GET /api/v1/status` report about the stored data."""

from __future__ import annotations

from typing import Any

import duckdb

from seenby_server.schema import CORE_TABLES


def collect_status(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Row counts, the last capture, and parse outcomes per platform and operation."""
    counts = {}
    for table in CORE_TABLES:
        row = cur.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    last = cur.execute("SELECT max(captured_at), max(received_at) FROM captures").fetchone()
    parse_rows = cur.execute(
        """
        SELECT coalesce(platform, '?') AS platform, coalesce(operation, kind) AS operation,
               parse_status, count(*) AS n, any_value(parse_error) FILTER (parse_error IS NOT NULL)
        FROM captures
        GROUP BY ALL
        ORDER BY platform, operation, parse_status
        """
    ).fetchall()
    parsing = [
        {"platform": p, "operation": o, "status": s, "count": int(n), "example_error": e}
        for p, o, s, n, e in parse_rows
    ]
    return {
        "counts": counts,
        "last_capture_at": last[0].isoformat() if last and last[0] else None,
        "last_received_at": last[1].isoformat() if last and last[1] else None,
        "parsing": parsing,
        "failures": sum(
            r["count"] for r in parsing if r["status"] in ("error", "unrecognized", "partial")
        ),
    }
