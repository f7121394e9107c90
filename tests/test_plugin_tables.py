"""A plugin's writes through its refresh context: replace, upsert (small and large frames)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from seenby import TableSpec
from seenby_server import refresh
from seenby_server.refresh import PluginTables
from seenby_server.store import Store

TABLE = "demo_scores"


@pytest.fixture
def tables(tmp_path: Path) -> Iterator[PluginTables]:
    store = Store(tmp_path / "seenby.duckdb")
    store.apply_table_specs(
        [
            TableSpec(
                name=TABLE,
                migrations=[
                    f"CREATE TABLE {TABLE} (platform TEXT NOT NULL, post_id TEXT NOT NULL, "
                    "score BIGINT, note TEXT, PRIMARY KEY (platform, post_id))"
                ],
            )
        ]
    )
    yield PluginTables(store, "demo", {TABLE}, datetime.now(UTC), None)
    store.close()


def rows(ids: range, score: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "platform": ["x"] * len(ids),
            "post_id": [f"p{i}" for i in ids],
            "score": [score + i for i in ids],
            "note": [f"n{score}"] * len(ids),
        }
    )


def stored(tables: PluginTables) -> pl.DataFrame:
    return tables.query(f"SELECT * FROM {TABLE} ORDER BY post_id")


@pytest.mark.parametrize("split_at", [10_000, 1])
def test_upsert_inserts_new_keys_and_replaces_stored_ones(
    tables: PluginTables, monkeypatch: pytest.MonkeyPatch, split_at: int
) -> None:
    """Small frames go through ON CONFLICT, large ones insert new keys apart: same result."""
    monkeypatch.setattr(refresh, "SPLIT_UPSERT", split_at)
    tables.upsert(TABLE, rows(range(0, 50), 100), ["platform", "post_id"])  # into an empty table
    tables.upsert(TABLE, rows(range(30, 80), 1000), ["platform", "post_id"])  # 20 stored, 30 new
    tables.upsert(TABLE, rows(range(0, 0), 5), ["platform", "post_id"])  # nothing
    expected = pl.concat([rows(range(0, 30), 100), rows(range(30, 80), 1000)])
    assert stored(tables).equals(expected.sort("post_id"))


def test_replace_table_keeps_only_the_new_rows(tables: PluginTables) -> None:
    tables.replace_table(TABLE, rows(range(0, 10), 1))
    tables.replace_table(TABLE, rows(range(5, 8), 2))
    assert stored(tables).equals(rows(range(5, 8), 2))
    tables.replace_table(TABLE, rows(range(0, 0), 3))
    assert stored(tables).height == 0


def test_a_failed_write_reports_its_own_error_and_changes_the_version(
    tables: PluginTables,
) -> None:
    versions = tables._store.versions
    first = versions.get(TABLE)
    with pytest.raises(Exception, match=r"(?i)duplicate|constraint"):
        tables.replace_table(TABLE, pl.concat([rows(range(0, 2), 1), rows(range(0, 2), 1)]))
    assert versions.get(TABLE) != first
    tables.replace_table(TABLE, rows(range(0, 2), 1))  # the writer carries on
    assert stored(tables).equals(rows(range(0, 2), 1))
    with pytest.raises(PermissionError):
        tables.replace_table("posts", rows(range(0, 1), 1))
