"""The member's own actions, read from the requests the page sends to Voyager."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import msgspec

import seenby
from seenby.parsing import dig
from seenby.rows import RowCollector

from .voyager import PLATFORM, reaction_kind, read_bodies, thread_target

_THREAD = re.compile(
    r"urn:li:comment:\((?:urn:li:)?(?:activity|ugcPost|share):[0-9]+,[0-9]+\)"
    r"|urn:li:(?:activity|ugcPost|share):[0-9]+"
)


def _request_json(capture: seenby.Capture) -> dict[str, Any]:
    body = capture.request_body
    if isinstance(body, str | bytes) and body.strip():
        try:
            body = msgspec.json.decode(body)
        except msgspec.DecodeError:
            return {}
    return body if isinstance(body, dict) else {}


def _response_json(capture: seenby.Capture) -> Any:
    try:
        return capture.json()
    except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError):
        return None


def _thread(*texts: Any) -> tuple[str, str] | None:
    """The post or comment the first text that names one is about."""
    for text in texts:
        match = _THREAD.search(unquote(text)) if isinstance(text, str) else None
        if match:
            return thread_target(match.group(0))
    return None


def parse_action(capture: seenby.Capture, rows: RowCollector) -> str:
    """Add the interaction a captured request is; returns the operation name."""
    path = urlsplit(capture.url).path
    if "/voyagerSocialDashReactions" in path:
        _reaction(capture, rows)
        return "Reaction"
    if path.endswith("/voyagerSocialDashNormComments"):
        _comment(capture, rows)
        return "Comment"
    if "voyagerContentcreationDashShares" in capture.url:
        _share(capture, rows)
        return "Share"
    raise seenby.UnrecognizedPayload(f"not a known LinkedIn action request: {path}")


def _reaction(capture: seenby.Capture, rows: RowCollector) -> None:
    body = _request_json(capture)
    query = parse_qs(urlsplit(capture.url).query)
    target = _thread(*query.get("threadUrn", ()), body.get("threadUrn"), capture.url)
    if target is None:
        raise seenby.UnrecognizedPayload("reaction request names no post")
    reaction_type = body.get("reactionType") or next(iter(query.get("reactionType", ())), None)
    rows.add_interaction(
        seenby.Interaction(
            platform=PLATFORM,
            kind=reaction_kind(reaction_type),
            post_id=target[0],
            occurred_at=capture.captured_at,
            undone=capture.method.upper() == "DELETE",
            source="action",
        )
    )


def _comment(capture: seenby.Capture, rows: RowCollector) -> None:
    target = _thread(_request_json(capture).get("threadUrn"))
    if target is None:
        raise seenby.UnrecognizedPayload("comment request names no threadUrn")
    rows.add_interaction(
        seenby.Interaction(
            platform=PLATFORM,
            kind="reply",
            post_id=target[0],
            occurred_at=capture.captured_at,
            source="action",
        )
    )
    # The answer may echo the new comment as a normalized entity: keep it as a post.
    response = _response_json(capture)
    if isinstance(response, dict) and "included" in response:
        read_bodies([response], rows)


def _share(capture: seenby.Capture, rows: RowCollector) -> None:
    """A repost (or quote) when the share names a parent post; a brand-new post otherwise,
    which is the member's own content and no interaction."""
    body = _request_json(capture)
    target = _thread(msgspec.json.encode(body).decode())
    if target is None:
        return
    text = dig(body, "variables", "post", "commentary", "text")
    rows.add_interaction(
        seenby.Interaction(
            platform=PLATFORM,
            kind="quote" if isinstance(text, str) and text.strip() else "repost",
            post_id=target[0],
            occurred_at=capture.captured_at,
            source="action",
        )
    )
