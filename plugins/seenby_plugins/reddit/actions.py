"""The viewer's own votes, comments and saves on Reddit.

Two request families (``research/platforms.md`` §4):

- shreddit: ``POST /svc/shreddit/graphql`` with JSON
  ``{"operation": "UpdatePostVoteState", "variables": {"input": {"postId", "voteState"}}}``;
- the classic/OAuth API: form posts to ``/api/vote`` (``id``, ``dir`` = 1, -1 or 0),
  ``/api/comment`` (``thing_id``, ``text``) and ``/api/save`` / ``/api/unsave`` (``id``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec

import seenby
from seenby.parsing import dig
from seenby.types import InteractionKind

from .things import PLATFORM, Rows, read_thing

_Acts = list[tuple[InteractionKind, bool]]
# Clearing a vote leaves neither an upvote nor a downvote standing.
_CLEARED: _Acts = [("upvote", True), ("downvote", True)]
_VOTE_DIR: dict[str, _Acts] = {"1": [("upvote", False)], "-1": [("downvote", False)], "0": _CLEARED}
_VOTE_STATE: dict[str, _Acts] = {
    "UP": [("upvote", False)],
    "DOWN": [("downvote", False)],
    "NONE": _CLEARED,
}


def parse_action(capture: seenby.Capture) -> seenby.ParseResult:
    path = urlsplit(capture.url).path.rstrip("/")
    fields = _request_fields(capture.request_body)
    rows = Rows()
    if path == "/svc/shreddit/graphql":
        operation = fields.get("operation")
        if operation != "UpdatePostVoteState":
            raise seenby.UnrecognizedPayload(f"shreddit GraphQL operation {operation!r}")
        target = dig(fields, "variables", "input", "postId")
        acts = _VOTE_STATE.get(str(dig(fields, "variables", "input", "voteState")))
    elif path == "/api/vote":
        operation = "vote"
        target, acts = fields.get("id"), _VOTE_DIR.get(str(fields.get("dir")))
    elif path == "/api/comment":
        operation = "comment"
        target, acts = fields.get("thing_id") or fields.get("parent"), [("reply", False)]
        _read_new_comment(capture, rows)
    elif path in ("/api/save", "/api/unsave"):
        operation = path.rsplit("/", 1)[1]
        target, acts = fields.get("id"), [("bookmark", operation == "unsave")]
    else:
        raise seenby.UnrecognizedPayload(f"unknown Reddit action {path}")
    if not isinstance(target, str) or not target or acts is None:
        raise seenby.UnrecognizedPayload(f"Reddit {operation} without a target or direction")
    rows.result.interactions.extend(
        seenby.Interaction(
            platform=PLATFORM,
            kind=kind,
            post_id=target,
            occurred_at=capture.captured_at,
            undone=undone,
            source="action",
        )
        for kind, undone in acts
    )
    return rows.finish(operation)


def _read_new_comment(capture: seenby.Capture, rows: Rows) -> None:
    """The comment response echoes the new comment: a post row, and its author is the viewer."""
    try:
        body = capture.json()
    except (msgspec.DecodeError, msgspec.ValidationError):
        return
    things = dig(body, "json", "data", "things")
    for thing in things if isinstance(things, list) else []:
        try:
            read_thing(thing, rows)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            rows.result.errors.append(f"comment response: {error}")
            continue
        author = dig(thing, "data", "author")
        if isinstance(author, str) and author:
            rows.result.viewers.append(
                seenby.Viewer(platform=PLATFORM, account_id=author, handle=author)
            )


def _request_fields(body: Any) -> dict[str, Any]:
    """The request body as a dict, whether it came as JSON, a form string or already decoded."""
    if isinstance(body, dict):
        return body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not isinstance(body, str):
        return {}
    if body.lstrip().startswith("{"):
        try:
            decoded = json.loads(body)
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}
    return {name: values[0] for name, values in parse_qs(body).items()}
