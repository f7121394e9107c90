"""The viewer's own votes, favorites and replies on Hacker News.

HN sends votes as image requests (``new Image().src = "vote?id=…&how=up&auth=…"``) and
replies as a plain form post, so the page's fetch never shows them. They arrive as
``dom`` captures of the click (operation = the :class:`seenby.DomActionRule` action,
the item id in the body's ``post_id``), or as ``action`` captures of the request URL
should the extension see it.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import msgspec

import seenby
from seenby.types import InteractionKind

from .pages import PLATFORM

_ACTS: dict[str, list[tuple[InteractionKind, bool]]] = {
    "upvote": [("upvote", False)],
    "downvote": [("downvote", False)],
    # One "unvote" link clears whichever vote was cast; after it neither stands.
    "unvote": [("upvote", True), ("downvote", True)],
    "favorite": [("bookmark", False)],
    "unfavorite": [("bookmark", True)],
    "reply": [("reply", False)],
}
_VOTE_HOW = {"up": "upvote", "down": "downvote", "un": "unvote"}


def parse_action(capture: seenby.Capture) -> seenby.ParseResult:
    """One action capture → the interactions it stands for."""
    url = urlsplit(capture.url)
    query = parse_qs(url.query)
    action = _action_from_url(url.path, query, capture.method) or capture.operation or ""
    acts = _ACTS.get(action)
    if acts is None:
        raise seenby.UnrecognizedPayload(f"unknown Hacker News action {action!r}")
    post_id = _target_id(capture, url.path, query)
    if post_id is None:
        raise seenby.UnrecognizedPayload(f"Hacker News {action} without an item id")
    source: Literal["dom", "action"] = "dom" if capture.kind == "dom" else "action"
    return seenby.ParseResult(
        interactions=[
            seenby.Interaction(
                platform=PLATFORM,
                kind=kind,
                post_id=post_id,
                occurred_at=capture.captured_at,
                undone=undone,
                source=source,
            )
            for kind, undone in acts
        ],
        operation=action,
    )


def _action_from_url(path: str, query: dict[str, list[str]], method: str) -> str | None:
    if path == "/vote":
        return _VOTE_HOW.get(_first(query, "how") or "")
    if path == "/fave":
        return "unfavorite" if _first(query, "un") == "t" else "favorite"
    if path == "/comment" and method.upper() == "POST":
        return "reply"
    return None


def _target_id(capture: seenby.Capture, path: str, query: dict[str, list[str]]) -> str | None:
    """The item acted on: the click's ``post_id``, the request's ``id`` or form ``parent``,
    or, for a reply typed on ``item?id=…`` / ``reply?id=…``, the page's item."""
    candidates: list[str | None] = [_body_post_id(capture)]
    if path in ("/vote", "/fave"):
        candidates.append(_first(query, "id"))
    candidates.append(_form_field(capture.request_body, "parent"))
    if capture.page_url:
        candidates.append(_first(parse_qs(urlsplit(capture.page_url).query), "id"))
    return next((value for value in candidates if value and value.isdigit()), None)


def _body_post_id(capture: seenby.Capture) -> str | None:
    if capture.kind != "dom":
        return None
    try:
        body = capture.json()
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    value = body.get("post_id") if isinstance(body, dict) else None
    return str(value) if value is not None else None


def _form_field(body: Any, name: str) -> str | None:
    if isinstance(body, dict):
        value = body.get(name)
        return str(value) if value is not None else None
    if isinstance(body, str):
        return _first(parse_qs(body), name)
    return None


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None
