"""Seenby's built-in X (Twitter) plugin.

X's web app reads everything through GraphQL (``/i/api/graphql/<queryId>/<Operation>``)
and sends the user's acts the same way, so this plugin declares those requests and
parses their JSON; the DOM serves only to place overlays. See ``docs/platforms/x.md``.
"""

from __future__ import annotations

import re
from typing import Any

import seenby
from seenby.parsing import capture_json, dig
from seenby.rows import RowCollector
from seenby_plugins.x.actions import read_action
from seenby_plugins.x.declaration import (
    PLATFORM,
    SINGLE_TWEET_OPERATION,
    USER_OPERATIONS,
    VIEWER_OPERATION,
)
from seenby_plugins.x.fast import read_timeline
from seenby_plugins.x.timeline import find_instructions, read_instructions
from seenby_plugins.x.tweets import read_tweet
from seenby_plugins.x.users import read_user, user_handle

_OPERATION = re.compile(
    r"/i/api/(?:graphql/[^/?]+/([A-Za-z0-9_]+)|1\.1/(friendships/[a-z]+)\.json)"
)


@seenby.hookimpl
def seenby_platforms() -> list[seenby.Platform]:
    return [PLATFORM]


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    if capture.platform != PLATFORM.name or capture.kind == "impression":
        return None
    operation = operation_name(capture)
    if capture.kind == "api":
        fast = read_timeline(capture, operation)  # typed Structs; None: read the dicts
        if fast is not None:
            return fast
    rows = RowCollector(PLATFORM.name, operation)
    if capture.kind == "api":
        _read_api(rows, capture, operation)
    elif capture.kind == "action":
        if operation is None:
            raise seenby.UnrecognizedPayload(f"no X action in {capture.url}")
        read_action(rows, capture, operation)
    else:
        raise seenby.UnrecognizedPayload(f"X declares no {capture.kind} captures")
    return rows.result()


def operation_name(capture: seenby.Capture) -> str | None:
    """The GraphQL operation (or REST endpoint) the URL names, else the rule's name."""
    match = _OPERATION.search(capture.url)
    if match:
        return match.group(1) or match.group(2)
    return capture.operation


def _read_api(rows: RowCollector, capture: seenby.Capture, operation: str | None) -> None:
    body = capture_json(capture, "X answer")
    data = dig(body, "data")
    if not isinstance(data, dict) or not data:
        messages = [str(dig(error, "message")) for error in dig(body, "errors", default=[])]
        if messages:
            # Rate limits and expired sessions answer with errors only: nothing to read.
            for message in messages:
                rows.error(operation or "X", message)
            return
        raise seenby.UnrecognizedPayload("X answer without data")
    if operation == VIEWER_OPERATION:
        _read_viewer(rows, data)
    elif operation in USER_OPERATIONS:
        if read_user(rows, dig(data, "user", "result")) is None:
            raise seenby.UnrecognizedPayload(f"{operation} answer without a user")
    elif operation == SINGLE_TWEET_OPERATION:
        tweet = dig(data, "tweetResult", "result")
        if not isinstance(tweet, dict):
            raise seenby.UnrecognizedPayload(f"{operation} answer without a tweet result")
        read_tweet(rows, tweet, promoted=False)
    else:
        instructions = find_instructions(data, operation)
        if instructions is None:
            raise seenby.UnrecognizedPayload(f"{operation} answer without timeline instructions")
        read_instructions(rows, instructions)


def _read_viewer(rows: RowCollector, data: dict[str, Any]) -> None:
    user = dig(data, "viewer", "user_results", "result")
    account_id = read_user(rows, user)
    if account_id is None:
        raise seenby.UnrecognizedPayload("Viewer answer without the user's account")
    rows.add_viewer(
        seenby.Viewer(platform=PLATFORM.name, account_id=account_id, handle=user_handle(user))
    )
