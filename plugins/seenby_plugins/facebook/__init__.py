"""Facebook: Story nodes from GraphQL answers and from the Relay data pages embed, and the
viewer's reactions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import seenby
from seenby.parsing import json_values
from seenby.rows import RowCollector

from .actions import form_fields, parse_action, viewer_id
from .declaration import PLATFORM
from .stories import read_nodes

_PAGE_USER_ID = re.compile(r'"USER_ID"\s*:\s*"([0-9]+)"')


@seenby.hookimpl
def seenby_platforms() -> list[seenby.Platform]:
    return [PLATFORM]


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    if capture.platform != PLATFORM.name or capture.kind == "impression":
        return None
    rows = RowCollector(PLATFORM.name)
    if capture.kind == "api":
        fields = form_fields(capture.request_body)
        operation = fields.get("fb_api_req_friendly_name") or capture.operation or "GraphQL"
        answers = [v for v in json_values(capture.text()) if isinstance(v, dict)]
        if not any("data" in answer or "errors" in answer for answer in answers):
            raise seenby.UnrecognizedPayload("GraphQL body holds no object with data or errors")
        read_nodes(answers, rows)
        viewer = viewer_id(fields)
    elif capture.kind == "document":
        operation = capture.operation or "Page"
        page = capture.text()
        values = list(_page_json(page))
        if not values:
            raise seenby.UnrecognizedPayload("page embeds no JSON")
        read_nodes(values, rows)
        user = _PAGE_USER_ID.search(page)
        viewer = user.group(1) if user and user.group(1) != "0" else None
    elif capture.kind == "action":
        operation = parse_action(capture, rows)
        viewer = None
    else:
        raise seenby.UnrecognizedPayload(f"Facebook declares no {capture.kind} captures")
    if viewer is not None:
        rows.add_viewer(seenby.Viewer(platform=PLATFORM.name, account_id=viewer))
    return rows.result(operation)


def _page_json(page: str) -> Iterator[Any]:
    """The JSON values in a page's scripts (``data-sjs`` blocks, ``requireLazy`` arguments);
    markup between them is skipped by the scanner."""
    for value in json_values(page):
        if isinstance(value, dict | list) and value:
            yield value
