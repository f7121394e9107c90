"""Rows read ahead by post id, for ``seenby_prefetch``.

A plugin whose overlay hooks read its own table by post id can start that read
while the server looks the posts up, and pick the rows up afterwards:

>>> import seenby
>>> SQL = "SELECT post_id, score FROM my_plugin_scores WHERE post_id IN $1 AND platform = $2"
>>> @seenby.hookimpl
... def seenby_prefetch(ctx, platform, post_ids):
...     return seenby.RowsById.read(ctx, SQL, platform, post_ids)
>>> @seenby.hookimpl
... def seenby_annotate(ctx, posts, prefetched):
...     rows = seenby.RowsById.of_posts(ctx, SQL, posts, prefetched)
...     return []

The query takes the ids as ``$1`` and the platform as ``$2``. The page may ask for a
post by an alias, so the ``posts`` frame can hold ids that were not read ahead:
:meth:`RowsById.of_posts` reads those too, and reads everything when nothing was
read ahead (no ``seenby_prefetch``, or it failed).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from seenby.context import Context


@dataclass(frozen=True)
class RowsById:
    """The rows a query returned for some post ids of one platform."""

    platform: str
    asked: frozenset[str]
    rows: pl.DataFrame

    @classmethod
    def read(cls, ctx: Context, sql: str, platform: str, post_ids: list[str]) -> RowsById:
        """Run ``sql`` (``$1``: the ids, ``$2``: the platform) for these posts."""
        return cls(platform, frozenset(post_ids), ctx.query(sql, [post_ids, platform]))

    @staticmethod
    def of_posts(ctx: Context, sql: str, posts: pl.DataFrame, prefetched: object) -> pl.DataFrame:
        """The rows of the posts in ``posts`` (a ``posts_latest`` frame of one platform):
        those in ``prefetched`` if it is a :class:`RowsById` of that platform, plus the
        ones it did not ask for, read now."""
        if posts.height == 0:
            return prefetched.rows.clear() if isinstance(prefetched, RowsById) else pl.DataFrame()
        platform: str = posts["platform"][0]
        ids: list[str] = posts["post_id"].to_list()
        if not isinstance(prefetched, RowsById) or prefetched.platform != platform:
            return ctx.query(sql, [ids, platform])
        rows = prefetched.rows.filter(pl.col("post_id").is_in(ids))
        rest = [post_id for post_id in ids if post_id not in prefetched.asked]
        if rest:
            rows = pl.concat([rows, ctx.query(sql, [rest, platform])], how="vertical_relaxed")
        return rows
