"""Read-only SQL for users and the API.

Three layers, because each alone has gaps: only SELECT-type statements pass the
parser check; the database was opened with external access off (so a SELECT
cannot read files with ``read_csv`` and friends, nor ``ATTACH``/``INSTALL``);
and the query runs in a transaction that is always rolled back.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import duckdb
import msgspec

ALLOWED = {duckdb.StatementType.SELECT}
DEFAULT_MAX_ROWS = 10_000
DEFAULT_TIMEOUT_S = 30.0


class SqlError(Exception):
    """The query was refused or failed; the message says why (never a server fault)."""


class SqlResult(msgspec.Struct, kw_only=True):
    columns: list[str]
    types: list[str]
    rows: list[list[Any]]
    truncated: bool = False


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise :class:`SqlError` unless ``sql`` is exactly one read statement."""
    if not sql.strip():
        raise SqlError("empty query")
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise SqlError(f"cannot parse: {first_line(exc)}") from exc
    if len(statements) != 1:
        raise SqlError(f"send one statement at a time (got {len(statements)})")
    kind = statements[0].type
    if kind not in ALLOWED:
        name = str(kind).rsplit(".", 1)[-1]
        raise SqlError(f"only read queries are allowed; {name} statements are refused")


def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def run_read_only(
    cursor: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any] | None = None,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> SqlResult:
    """Run one read query on ``cursor`` (its own connection), at most ``timeout_s`` seconds."""
    check_read_only(cursor, sql)
    timer = threading.Timer(timeout_s, cursor.interrupt)
    cursor.execute("BEGIN TRANSACTION")
    timer.start()
    try:
        cursor.execute(sql, params or [])
        description = cursor.description or []
        rows = cursor.fetchmany(max_rows + 1)
    except duckdb.InterruptException as exc:
        raise SqlError(f"query stopped after {timeout_s:g} s") from exc
    except duckdb.PermissionException as exc:
        raise SqlError(f"file and network access is disabled: {first_line(exc)}") from exc
    except duckdb.Error as exc:
        raise SqlError(first_line(exc)) from exc
    finally:
        timer.cancel()
        cursor.execute("ROLLBACK")
    return SqlResult(
        columns=[d[0] for d in description],
        types=[str(d[1]) for d in description],
        rows=[[_jsonable(v) for v in row] for row in rows[:max_rows]],
        truncated=len(rows) > max_rows,
    )
