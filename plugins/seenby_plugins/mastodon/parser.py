"""Turn a Mastodon capture (REST read or the user's own action) into rows."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import msgspec

import seenby
from seenby.parsing import capture_json
from seenby_plugins.mastodon.declaration import (
    ACCOUNT_ACTION_PATTERN,
    ACCOUNT_ACTIONS,
    ACCOUNT_LIST_OPERATIONS,
    NEW_STATUS_PATTERN,
    READ_PATTERNS,
    STATUS_ACTION_PATTERN,
    STATUS_ACTIONS,
    STATUS_LIST_OPERATIONS,
)
from seenby_plugins.mastodon.rows import PLATFORM, Rows

_READS = [(operation, re.compile(pattern)) for operation, pattern in READ_PATTERNS.items()]
_STATUS_ACTION = re.compile(STATUS_ACTION_PATTERN)
_ACCOUNT_ACTION = re.compile(ACCOUNT_ACTION_PATTERN)
_NEW_STATUS = re.compile(NEW_STATUS_PATTERN)
_CONTEXT_ID = re.compile(r"/api/v1/statuses/(\d+)/context")

_ENTRY_ERRORS = (ValueError, TypeError, KeyError, AttributeError)
"""What a malformed entry raises; it is reported and the other entries are kept."""

_VIEWER_OWNS_STATUS = ("favourite", "reblog")
"""Notification types whose status is the user's own (someone liked or boosted it)."""


def parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    if capture.platform != PLATFORM or capture.kind not in ("api", "action"):
        return None
    if capture.kind == "action":
        return _parse_action(capture)
    operation = _read_operation(capture)
    rows = Rows(capture.url, operation)
    body = _body(capture)
    if operation in STATUS_LIST_OPERATIONS:
        _each(rows, "status", _array(body, operation), rows.status)
    elif operation in ACCOUNT_LIST_OPERATIONS:
        _each(rows, "account", _array(body, operation), rows.account)
    elif operation == "StatusContext":
        _context(rows, capture.url, body)
    elif operation in ("Notifications", "Notification"):
        notifications = body if operation == "Notifications" else [body]
        _each(
            rows, "notification", _array(notifications, operation), lambda n: _notification(rows, n)
        )
    elif operation == "GroupedNotifications":
        _grouped_notifications(rows, _object(body, operation))
    elif operation == "Search":
        body = _object(body, operation)
        _each(rows, "account", body.get("accounts") or [], rows.account)
        _each(rows, "status", body.get("statuses") or [], rows.status)
    elif operation == "Relationships":
        _each(rows, "relationship", _array(body, operation), lambda r: _relationship(rows, r))
    else:
        _single(rows, operation, body)
    return rows.result()


def _read_operation(capture: seenby.Capture) -> str:
    """The rule's operation name, or the one whose pattern matches the URL."""
    if capture.operation in READ_PATTERNS:
        return capture.operation
    for operation, pattern in _READS:
        if pattern.match(capture.url):
            return operation
    raise seenby.UnrecognizedPayload(f"no Mastodon read matches {capture.url}")


def _body(capture: seenby.Capture) -> Any:
    return capture_json(capture)


def _array(body: Any, operation: str) -> list[Any]:
    if not isinstance(body, list):
        raise seenby.UnrecognizedPayload(
            f"{operation}: expected an array, got {type(body).__name__}"
        )
    return body


def _object(body: Any, operation: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise seenby.UnrecognizedPayload(
            f"{operation}: expected an object, got {type(body).__name__}"
        )
    return body


def _each(rows: Rows, what: str, entries: Iterable[Any], read: Callable[[Any], object]) -> None:
    """Read every entry; report each bad one, and give up only when none could be read."""
    entries = list(entries)
    failures = 0
    for index, entry in enumerate(entries):
        try:
            read(entry)
        except _ENTRY_ERRORS as exc:
            failures += 1
            rows.errors.append(f"{what} #{index}: {exc}")
    if entries and failures == len(entries):
        raise seenby.UnrecognizedPayload(f"no {what} could be read: {rows.errors[0]}")


def _single(rows: Rows, operation: str, body: Any) -> None:
    body = _object(body, operation)
    try:
        if operation == "Status":
            rows.status(body)
        elif operation == "VerifyCredentials":
            rows.viewer(body)
        else:  # Account
            rows.account(body)
    except _ENTRY_ERRORS as exc:
        raise seenby.UnrecognizedPayload(f"{operation}: {exc}") from exc


def _context(rows: Rows, url: str, body: Any) -> None:
    """``{ancestors, descendants}`` around the status in the URL, oldest ancestor first."""
    body = _object(body, "StatusContext")
    ancestors = body.get("ancestors")
    descendants = body.get("descendants")
    if not isinstance(ancestors, list) or not isinstance(descendants, list):
        raise seenby.UnrecognizedPayload("StatusContext: no ancestors/descendants arrays")
    focus = _CONTEXT_ID.search(url)
    root_id = None
    if ancestors:
        top = ancestors[0]
        # Only a top that answers nothing is the root; otherwise the chain was cut.
        if isinstance(top, dict) and not top.get("in_reply_to_id") and top.get("id"):
            root_id = rows.qualify(top["id"])
    elif focus:
        root_id = rows.qualify(focus.group(1))
    _each(rows, "status", [*ancestors, *descendants], lambda s: rows.status(s, root_id=root_id))


def _notification(rows: Rows, notification: Any) -> None:
    if not isinstance(notification, dict):
        raise ValueError("notification is not an object")
    rows.account(notification.get("account"))
    status = notification.get("status")
    if isinstance(status, dict):
        rows.status(status)
        if notification.get("type") in _VIEWER_OWNS_STATUS:
            rows.viewer(status.get("account"))


def _grouped_notifications(rows: Rows, body: dict[str, Any]) -> None:
    """``GET /api/v2/notifications``: accounts and statuses listed once, groups point at them."""
    groups = body.get("notification_groups")
    if not isinstance(groups, list):
        raise seenby.UnrecognizedPayload("GroupedNotifications: no notification_groups array")
    _each(rows, "account", body.get("accounts") or [], rows.account)
    _each(rows, "account", body.get("partial_accounts") or [], rows.account)
    statuses = {s.get("id"): s for s in body.get("statuses") or [] if isinstance(s, dict)}
    _each(rows, "status", body.get("statuses") or [], rows.status)
    for group in groups:
        status = statuses.get(_str_field(group, "status_id"))
        if status is not None and _str_field(group, "type") in _VIEWER_OWNS_STATUS:
            try:
                rows.viewer(status.get("account"))
            except _ENTRY_ERRORS as exc:
                rows.errors.append(f"notification group {group.get('group_key')}: {exc}")


def _str_field(value: Any, key: str) -> str | None:
    field = value.get(key) if isinstance(value, dict) else None
    return field if isinstance(field, str) else None


def _relationship(rows: Rows, relationship: Any) -> None:
    if not isinstance(relationship, dict):
        raise ValueError("relationship is not an object")
    account_id = rows.qualify(relationship.get("id"))
    if relationship.get("following") is True:
        rows.interaction("follow", account_id=account_id, source="flag")


def _parse_action(capture: seenby.Capture) -> seenby.ParseResult:
    """An action's target comes from its URL (and request body); its answer adds the rest."""
    rows = Rows(capture.url, None)
    answer = _optional_body(capture)
    if match := _STATUS_ACTION.match(capture.url):
        verb = match.group(2)
        if verb not in STATUS_ACTIONS:
            raise seenby.UnrecognizedPayload(f"unknown status action {verb!r}")
        kind, undone = STATUS_ACTIONS[verb]
        rows.operation = verb
        author_id = None
        if isinstance(answer, dict):
            try:
                author_id = _action_answer(rows, answer)
            except _ENTRY_ERRORS as exc:
                rows.errors.append(f"{verb} answer: {exc}")
        rows.interaction(
            kind, post_id=rows.qualify(match.group(1)), account_id=author_id, undone=undone
        )
    elif match := _ACCOUNT_ACTION.match(capture.url):
        verb = match.group(2)
        if verb not in ACCOUNT_ACTIONS:
            raise seenby.UnrecognizedPayload(f"unknown account action {verb!r}")
        kind, undone = ACCOUNT_ACTIONS[verb]
        rows.operation = verb
        rows.interaction(kind, account_id=rows.qualify(match.group(1)), undone=undone)
    elif _NEW_STATUS.match(capture.url):
        _new_status(rows, _request_fields(capture.request_body), answer)
    else:
        raise seenby.UnrecognizedPayload(f"no Mastodon action matches {capture.url}")
    return rows.result()


def _action_answer(rows: Rows, answer: dict[str, Any]) -> str:
    """Add the status a status action answers with; return the acted-on post's author."""
    rows.status(answer, flags=False)
    reblog = answer.get("reblog")
    if isinstance(reblog, dict):
        # A reblog answers with the user's new boost wrapping the original.
        rows.viewer(answer.get("account"))
        return rows.account(reblog.get("account"))
    return rows.account(answer.get("account"))


def _new_status(rows: Rows, request: dict[str, Any], answer: Any) -> None:
    """``POST /api/v1/statuses``: the answer is the new status, by the user."""
    rows.operation = "post"
    reply_to_id = _qualified(rows, request.get("in_reply_to_id"))
    quote_of_id = _qualified(rows, request.get("quoted_status_id"))
    reply_author = quoted_author = None
    if isinstance(answer, dict):
        try:
            new_post = rows.posts.get(rows.status(answer, flags=False))
            rows.viewer(answer.get("account"))
        except _ENTRY_ERRORS as exc:
            new_post = None
            rows.errors.append(f"new status answer: {exc}")
        if new_post is not None:
            reply_to_id = new_post.reply_to_id or reply_to_id
            quote_of_id = new_post.quote_of_id or quote_of_id
            reply_author = _qualified(rows, answer.get("in_reply_to_account_id"))
            quoted_post = rows.posts.get(quote_of_id) if quote_of_id else None
            quoted_author = quoted_post.author_id if quoted_post else None
    if quote_of_id:
        rows.operation = "quote"
        rows.interaction("quote", post_id=quote_of_id, account_id=quoted_author)
    if reply_to_id:
        rows.operation = "reply"
        rows.interaction("reply", post_id=reply_to_id, account_id=reply_author)


def _qualified(rows: Rows, native_id: Any) -> str | None:
    return rows.qualify(native_id) if native_id else None


def _optional_body(capture: seenby.Capture) -> Any:
    """The action's answer, or None when it was not recorded or is not JSON."""
    try:
        return capture.json()
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _request_fields(request_body: Any) -> dict[str, Any]:
    """The request's fields, whether sent as JSON (web client) or form-encoded."""
    if isinstance(request_body, bytes):
        request_body = request_body.decode("utf-8", errors="replace")
    if isinstance(request_body, str):
        try:
            request_body = json.loads(request_body)
        except ValueError:
            return {key: values[-1] for key, values in parse_qs(request_body).items()}
    return request_body if isinstance(request_body, dict) else {}
