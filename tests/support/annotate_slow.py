"""Analysis plugin for the isolation tests: overruns any sensible time budget."""

from __future__ import annotations

import time

import polars as pl

import seenby


@seenby.hookimpl
def seenby_annotate(posts: pl.DataFrame) -> list[seenby.Annotation]:
    time.sleep(3)
    return [
        seenby.Annotation(post_id=p, badges=[seenby.Badge(text="late")]) for p in posts["post_id"]
    ]
