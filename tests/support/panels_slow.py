"""A dashboard plugin that overruns any sensible time budget."""

from __future__ import annotations

import time

import seenby


@seenby.hookimpl
def seenby_dashboard_panels(ctx: seenby.Context) -> list[seenby.Panel]:
    time.sleep(3)
    return [seenby.Panel(title="Too late", columns=["a"], rows=[[1]])]
