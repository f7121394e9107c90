"""The user's own acts on X: like, repost, bookmark, reply, quote, post and follow requests."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

import seenby
from seenby.parsing import dig
from seenby.rows import RowCollector
from seenby.types import InteractionKind
from seenby_plugins.x.tweets import read_tweet
from seenby_plugins.x.users import PLATFORM, read_rest_user, user_handle

POST_ACTIONS: dict[str, tuple[InteractionKind, bool, tuple[str, ...]]] = {
    "FavoriteTweet": ("like", False, ("tweet_id",)),
    "UnfavoriteTweet": ("like", True, ("tweet_id",)),
    "CreateRetweet": ("repost", False, ("tweet_id",)),
    "DeleteRetweet": ("repost", True, ("source_tweet_id", "tweet_id")),
    "CreateBookmark": ("bookmark", False, ("tweet_id",)),
    "DeleteBookmark": ("bookmark", True, ("tweet_id",)),
}
"""GraphQL mutation → (interaction kind, undone, variables naming the post)."""

CREATE_OPERATIONS = frozenset({"CreateTweet", "CreateNoteTweet"})
CREATED_TWEET_PATHS = (
    ("data", "create_tweet", "tweet_results", "result"),
    ("data", "notetweet_create", "tweet_results", "result"),
)
FRIENDSHIP_OPERATIONS = {"friendships/create": False, "friendships/destroy": True}
"""REST v1.1 follow endpoint → undone."""

_STATUS_ID = re.compile(r"/status(?:es)?/([0-9]+)")


def read_action(rows: RowCollector, capture: seenby.Capture, operation: str) -> None:
    if capture.status >= 400:
        rows.error(operation, f"X refused the action (HTTP {capture.status})")
        return
    fields = request_fields(capture.request_body)
    if operation in POST_ACTIONS:
        kind, undone, names = POST_ACTIONS[operation]
        post_id = next((str(fields[name]) for name in names if fields.get(name)), None)
        if post_id is None:
            raise seenby.UnrecognizedPayload(f"{operation} request without {names[0]}")
        rows.interaction(kind, post_id=post_id, undone=undone, occurred_at=capture.captured_at)
    elif operation in CREATE_OPERATIONS:
        _read_create(rows, capture, fields)
    elif operation in FRIENDSHIP_OPERATIONS:
        _read_friendship(rows, capture, fields, undone=FRIENDSHIP_OPERATIONS[operation])
    else:
        raise seenby.UnrecognizedPayload(f"no X action parser for {operation!r}")


def request_fields(raw: Any) -> dict[str, Any]:
    """The request's variables: GraphQL ``variables`` (object or JSON text) or form fields."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return dict(parse_qsl(raw))
    if not isinstance(raw, dict):
        return {}
    variables = raw.get("variables", raw)
    if isinstance(variables, str):
        try:
            variables = json.loads(variables)
        except ValueError:
            return {}
    return variables if isinstance(variables, dict) else {}


def _response(capture: seenby.Capture) -> Any:
    try:
        return capture.json()
    except ValueError:  # msgspec's DecodeError is a ValueError: no or non-JSON answer
        return None


def _read_create(rows: RowCollector, capture: seenby.Capture, fields: dict[str, Any]) -> None:
    """A new post. Replies and quotes are interactions with the target post; the answer,
    when captured, is the new post itself, whose author is the viewer."""
    when = capture.captured_at
    reply_to = dig(fields, "reply", "in_reply_to_tweet_id")
    if reply_to:
        rows.interaction("reply", post_id=str(reply_to), occurred_at=when)
    quoted = _STATUS_ID.search(str(fields.get("attachment_url") or ""))
    if quoted:
        rows.interaction("quote", post_id=quoted.group(1), occurred_at=when)
    answer = _response(capture)
    for path in CREATED_TWEET_PATHS:
        created = dig(answer, *path)
        if created is not None:
            _read_created(rows, created)
            return
    if not (reply_to or quoted):
        rows.error("CreateTweet", "a new post whose answer was not captured: nothing to store")


def _read_created(rows: RowCollector, created: Any) -> None:
    read_tweet(rows, created, promoted=False)
    if dig(created, "__typename") == "TweetWithVisibilityResults":
        created = dig(created, "tweet")
    user = dig(created, "core", "user_results", "result")
    viewer_id = dig(user, "rest_id")
    if isinstance(viewer_id, str):
        rows.add_viewer(
            seenby.Viewer(platform=PLATFORM, account_id=viewer_id, handle=user_handle(user))
        )


def _read_friendship(
    rows: RowCollector, capture: seenby.Capture, fields: dict[str, Any], *, undone: bool
) -> None:
    followed = read_rest_user(rows, _response(capture)) or fields.get("user_id")
    if not followed:
        raise seenby.UnrecognizedPayload("follow request without user_id")
    rows.interaction(
        "follow", account_id=str(followed), undone=undone, occurred_at=capture.captured_at
    )
