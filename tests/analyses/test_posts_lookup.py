"""The overlay request's indexed posts lookup returns exactly posts_latest's rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from feed import fixture_captures
from seenby_local import Local

from seenby_server.schema import POSTS_LATEST_BY_ID


def test_the_indexed_lookup_equals_the_view(tmp_path: Path) -> None:
    local = Local(tmp_path)
    try:
        local.ingest(*fixture_captures())
        every = local.store.frame("SELECT platform, post_id FROM posts")
        assert every["platform"].n_unique() == 7
        for (platform,), group in every.group_by("platform"):
            ids = [*group["post_id"].to_list(), "no-such-post"]
            view = local.store.frame(
                "SELECT * FROM posts_latest WHERE platform = ? AND post_id IN ?", [platform, ids]
            )
            found = local.store.frame(POSTS_LATEST_BY_ID, [ids, platform])
            assert found.schema == view.schema
            assert found.height == group.height
            assert found.sort("post_id").equals(view.sort("post_id"))
            assert found.filter(pl.col("is_own")).height == view.filter(pl.col("is_own")).height
    finally:
        local.close()
