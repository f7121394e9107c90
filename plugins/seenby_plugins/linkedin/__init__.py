"""LinkedIn: the Voyager API's normalized JSON, the same JSON embedded in pages, and the
member's reactions, comments and reposts."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import msgspec

import seenby
from seenby.parsing import capture_json
from seenby.rows import RowCollector

from .actions import parse_action
from .declaration import GRAPHQL_OPERATIONS, PLATFORM
from .voyager import element_urns, read_bodies

_GRAPHQL_QUERY_ID = re.compile(r"queryId=voyager([A-Za-z]+)\.")


@seenby.hookimpl
def seenby_platforms() -> list[seenby.Platform]:
    return [PLATFORM]


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    if capture.platform != PLATFORM.name or capture.kind == "impression":
        return None
    rows = RowCollector(PLATFORM.name)
    if capture.kind == "api":
        operation = capture.operation or _api_operation(capture.url)
        body = capture_json(capture, "Voyager body")
        if not isinstance(body, dict) or not ("data" in body or "included" in body):
            raise seenby.UnrecognizedPayload("not a Voyager response (no data or included)")
        _read_or_refuse([body], rows)
    elif capture.kind == "document":
        operation = capture.operation or "Page"
        bodies = _code_blocks(capture.text())
        if not bodies:
            raise seenby.UnrecognizedPayload("page holds no Voyager <code> data blocks")
        _read_or_refuse(bodies, rows)
    elif capture.kind == "action":
        operation = parse_action(capture, rows)
    else:
        raise seenby.UnrecognizedPayload(f"LinkedIn declares no {capture.kind} captures")
    return rows.result(operation)


def _api_operation(url: str) -> str:
    query = _GRAPHQL_QUERY_ID.search(url)
    if query and query.group(1) in GRAPHQL_OPERATIONS:
        return query.group(1)
    if "/feed/updatesV2" in url:
        return "FeedUpdatesV2"
    return "Me" if "/voyager/api/me" in url else "Voyager"


def _read_or_refuse(bodies: list[dict[str, Any]], rows: RowCollector) -> None:
    """Read the bodies; a list of elements with nothing readable behind it is a new shape."""
    found = read_bodies(bodies, rows)
    listed = sum(len(element_urns(body)) for body in bodies)
    if not found and listed and not rows.errors:
        raise seenby.UnrecognizedPayload(f"{listed} elements but no update or comment entity")


class _CodeBlocks(HTMLParser):
    """Collects the text of every ``<code>`` element (entities already decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code":
            self._current = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self._current is not None:
            self.blocks.append("".join(self._current))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)


def _code_blocks(page: str) -> list[dict[str, Any]]:
    """The normalized responses a page embeds; request descriptions and other blocks are skipped."""
    parser = _CodeBlocks()
    parser.feed(page)
    bodies = []
    for block in parser.blocks:
        try:
            value = msgspec.json.decode(block.strip())
        except msgspec.DecodeError:
            continue
        if isinstance(value, dict) and ("included" in value or "data" in value):
            bodies.append(value)
    return bodies
