"""Seenby's built-in Bluesky plugin: app.bsky XRPC reads and the user's record writes.

See ``docs/platforms/bluesky.md`` for what is captured and how it is mapped.
"""

from __future__ import annotations

import seenby
from seenby_plugins.bluesky import parser
from seenby_plugins.bluesky.declaration import PLATFORM


@seenby.hookimpl
def seenby_platforms() -> list[seenby.Platform]:
    return [PLATFORM]


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    return parser.parse(capture)
