"""A refresh plugin that tries to write a core table: it must be refused."""

from __future__ import annotations

import polars as pl

import seenby


@seenby.hookimpl
def seenby_refresh(ctx: seenby.RefreshContext) -> None:
    ctx.replace_table("posts", pl.DataFrame({"platform": ["x"]}))
