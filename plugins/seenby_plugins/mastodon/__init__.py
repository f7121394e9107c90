"""Seenby's built-in Mastodon plugin: any instance's REST API, ids qualified by instance host.

See ``docs/platforms/mastodon.md`` for what is captured and how it is mapped.
"""

from __future__ import annotations

import seenby
from seenby_plugins.mastodon import parser
from seenby_plugins.mastodon.declaration import PLATFORM


@seenby.hookimpl
def seenby_platforms() -> list[seenby.Platform]:
    return [PLATFORM]


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    return parser.parse(capture)
