"""Analysis plugin for the isolation tests: always raises."""

from __future__ import annotations

import polars as pl

import seenby


@seenby.hookimpl
def seenby_annotate(posts: pl.DataFrame) -> list[seenby.Annotation]:
    raise ValueError("analysis bug")
