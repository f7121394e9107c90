"""The overlay request's indexed posts lookup (lookup.py) returns exactly posts_latest's rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from feed import fixture_captures
from seenby_local import Local

from seenby_server.lookup import PostsLookup


def view_rows(local: Local, platform: str, ids: list[str]) -> pl.DataFrame:
    return local.store.frame(
        "SELECT * FROM posts_latest WHERE platform = ? AND post_id IN ?", [platform, ids]
    )


def test_the_indexed_lookup_equals_the_view(tmp_path: Path) -> None:
    local = Local(tmp_path)
    try:
        local.ingest(*fixture_captures())
        every = local.store.frame("SELECT platform, post_id FROM posts")
        assert every["platform"].n_unique() == 7
        lookup = PostsLookup(local.store)
        for (platform,), group in every.group_by("platform"):
            ids = [*group["post_id"].to_list(), "no-such-post"]
            view = view_rows(local, platform, ids)
            found = lookup.read(platform, ids)
            assert found.schema == view.schema
            assert found.height == group.height
            assert found.sort("post_id").equals(view.sort("post_id"))
            assert found.filter(pl.col("is_own")).height == view.filter(pl.col("is_own")).height
    finally:
        local.close()


def test_aliases_resolve_to_the_stored_posts_rows(tmp_path: Path) -> None:
    """Ids the page knows by an alias resolve to the stored post, whose row comes back
    (read again when it was asked for by the alias alone)."""
    local = Local(tmp_path)
    try:
        local.ingest(*fixture_captures())
        aliases = local.store.frame("SELECT platform, alias, post_id FROM post_aliases")
        assert aliases["platform"].n_unique() >= 2  # Bluesky and Facebook
        builder = local.service.overlays
        for (platform,), group in aliases.group_by("platform"):
            alias, target = group.row(0)[1:]
            posts = local.store.frame("SELECT post_id FROM posts WHERE platform = ?", [platform])
            direct = [p for p in posts["post_id"].to_list() if p != target][:3]
            for asked in (
                [alias],  # the post only by its alias: a second query
                [alias, target],  # both ways
                [*direct, alias, "no-such-post"],
                group["alias"].to_list(),
            ):
                resolved, found = builder.lookup(platform, asked)
                mapping = dict(zip(group["alias"], group["post_id"], strict=True))
                assert resolved == {pid: mapping.get(pid, pid) for pid in asked}
                expected = view_rows(local, platform, list(set(resolved.values())))
                assert found.schema == expected.schema
                assert found.sort("post_id").equals(expected.sort("post_id"))
                assert target in found["post_id"].to_list() or alias not in asked
    finally:
        local.close()
