"""A dashboard plugin that raises, with markup in its error message."""

from __future__ import annotations

import seenby


@seenby.hookimpl
def seenby_dashboard_panels(ctx: seenby.Context) -> list[seenby.Panel]:
    raise ValueError("panel bug <img src=x onerror=alert(3)>")
