"""Turn a Bluesky capture (XRPC read or the user's own record write) into rows."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import msgspec

import seenby
from seenby.parsing import capture_json, dig, parse_time
from seenby_plugins.bluesky.declaration import (
    ACTION_NSIDS,
    APPLY_WRITES,
    CREATE_BOOKMARK,
    CREATE_RECORD,
    DELETE_BOOKMARK,
    DELETE_RECORD,
    FEED_OPERATIONS,
    POST_COLLECTION,
    POST_LIST_OPERATIONS,
    READ_PATTERNS,
    RECORD_ACTIONS,
)
from seenby_plugins.bluesky.rows import PLATFORM, Rows, did_of, is_post_uri

_READS = [(operation, re.compile(pattern)) for operation, pattern in READ_PATTERNS.items()]
_XRPC_METHOD = re.compile(r"^https://[^/]+/xrpc/([A-Za-z0-9.]+)(?:\?|$)")

_ENTRY_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)
"""What a malformed entry raises; it is reported and the other entries are kept."""

_VIEWER_SUBJECT_REASONS = ("like", "repost", "like-via-repost", "repost-via-repost")
"""Notification reasons whose ``reasonSubject`` is one of the user's own records."""
_POST_REASONS = ("reply", "mention", "quote")
"""Notification reasons whose ``uri`` and ``record`` are a post by the notifier."""


def parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    if capture.platform != PLATFORM or capture.kind not in ("api", "action"):
        return None
    if capture.kind == "action":
        return _parse_action(capture)
    operation = _read_operation(capture)
    rows = Rows(operation)
    body = _body(capture)
    if not isinstance(body, dict):
        raise seenby.UnrecognizedPayload(f"{operation}: expected an object")
    if operation in FEED_OPERATIONS:
        _each(rows, "feed item", _list(body, "feed"), rows.feed_item)
    elif operation in POST_LIST_OPERATIONS:
        _each(rows, "post", _list(body, "posts"), rows.post_view)
    elif operation == "getPostThread":
        _thread(rows, body.get("thread"))
    elif operation in ("getPostThreadV2", "getPostThreadOtherV2"):
        _each(rows, "thread item", _list(body, "thread"), lambda item: _thread_item(rows, item))
    elif operation == "getBookmarks":
        _each(rows, "bookmark", _list(body, "bookmarks"), lambda b: _bookmark(rows, b))
    elif operation == "getProfiles":
        _each(rows, "profile", _list(body, "profiles"), rows.profile)
    elif operation in ("getFollowers", "getFollows"):
        _each(rows, "profile", _list(body, operation[3:].lower()), rows.profile)
        if isinstance(body.get("subject"), dict):
            rows.profile(body["subject"])
    elif operation == "listNotifications":
        _each(rows, "notification", _list(body, "notifications"), lambda n: _notification(rows, n))
    elif operation == "getSession":
        _session(rows, body)
    else:  # getProfile
        _whole(operation, lambda: rows.profile(body))
    return rows.result()


def _read_operation(capture: seenby.Capture) -> str:
    if capture.operation in READ_PATTERNS:
        return capture.operation
    for operation, pattern in _READS:
        if pattern.match(capture.url):
            return operation
    raise seenby.UnrecognizedPayload(f"no Bluesky read matches {capture.url}")


def _body(capture: seenby.Capture) -> Any:
    return capture_json(capture)


def _list(body: dict[str, Any], key: str) -> list[Any]:
    value = body.get(key)
    if not isinstance(value, list):
        raise seenby.UnrecognizedPayload(f"no {key!r} array in the answer")
    return value


def _whole(what: str, read: Callable[[], object]) -> None:
    """Read a one-entity answer: if it does not fit, the whole shape is unknown."""
    try:
        read()
    except _ENTRY_ERRORS as exc:
        raise seenby.UnrecognizedPayload(f"{what}: {exc}") from exc


def _each(rows: Rows, what: str, entries: list[Any], read: Callable[[Any], object]) -> None:
    """Read every entry; report each bad one, and give up only when none could be read."""
    failures = 0
    for index, entry in enumerate(entries):
        try:
            read(entry)
        except _ENTRY_ERRORS as exc:
            failures += 1
            rows.errors.append(f"{what} #{index}: {exc}")
    if entries and failures == len(entries):
        raise seenby.UnrecognizedPayload(f"no {what} could be read: {rows.errors[0]}")


def _thread(rows: Rows, thread: Any) -> None:
    """``getPostThread``: a threadViewPost with ``parent`` above and ``replies`` below.

    Walked with a stack, not recursion: threads can nest a thousand levels deep.
    """
    if not isinstance(thread, dict):
        raise seenby.UnrecognizedPayload("getPostThread: no thread object")
    if "post" not in thread and not thread.get("notFound") and not thread.get("blocked"):
        raise seenby.UnrecognizedPayload("getPostThread: thread is neither a post nor a stub")
    stack: list[Any] = [thread]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or "post" not in node:
            continue  # notFoundPost / blockedPost: nothing to read
        try:
            rows.post_view(node["post"])
        except _ENTRY_ERRORS as exc:
            rows.errors.append(f"thread post {_uri(node['post'])}: {exc}")
        stack.append(node.get("parent"))
        replies = node.get("replies")
        if isinstance(replies, list):
            stack.extend(reversed(replies))


def _uri(view: Any) -> Any:
    return view.get("uri") if isinstance(view, dict) else None


def _thread_item(rows: Rows, item: Any) -> None:
    """``getPostThreadV2``: a flat list of ``{uri, depth, value}``; only posts have content."""
    if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
        raise ValueError("thread item without a value")
    if item["value"].get("$type") == "app.bsky.unspecced.defs#threadItemPost":
        rows.post_view(item["value"].get("post"))


def _bookmark(rows: Rows, bookmark: Any) -> None:
    item = bookmark.get("item") if isinstance(bookmark, dict) else None
    uri = rows.post_if_shown(item)
    if uri is not None:
        rows.interaction("bookmark", post_id=uri, account_id=did_of(uri), source="flag")


def _notification(rows: Rows, notification: Any) -> None:
    if not isinstance(notification, dict):
        raise ValueError("notification is not an object")
    reason = notification.get("reason")
    if reason in _POST_REASONS:
        rows.post_view(notification)
    else:
        rows.profile(notification.get("author"))
    subject = notification.get("reasonSubject")
    if reason in _VIEWER_SUBJECT_REASONS and did_of(subject):
        rows.viewer(str(did_of(subject)))
    followed = _record_subject(notification.get("record"))
    if reason == "follow" and followed:
        rows.viewer(followed)


def _record_subject(record: Any) -> str | None:
    subject = record.get("subject") if isinstance(record, dict) else None
    return subject if isinstance(subject, str) and subject.startswith("did:") else None


def _session(rows: Rows, body: dict[str, Any]) -> None:
    did, handle = body.get("did"), body.get("handle")
    if not isinstance(did, str) or not did.startswith("did:"):
        raise seenby.UnrecognizedPayload("getSession: no DID")
    rows.profile({"did": did, "handle": handle})
    rows.viewer(did, handle if isinstance(handle, str) else None)


def _parse_action(capture: seenby.Capture) -> seenby.ParseResult:
    match = _XRPC_METHOD.match(capture.url)
    nsid = match.group(1) if match else None
    if nsid not in ACTION_NSIDS:
        raise seenby.UnrecognizedPayload(f"no Bluesky action matches {capture.url}")
    rows = Rows(nsid.rsplit(".", 1)[1])
    request = _request(capture.request_body)
    answer = _optional_answer(capture)
    repo = request.get("repo")
    if isinstance(repo, str) and repo.startswith("did:"):
        rows.viewer(repo)
    if nsid in (CREATE_BOOKMARK, DELETE_BOOKMARK):
        uri = request.get("uri")
        if not is_post_uri(uri):
            raise seenby.UnrecognizedPayload(f"{nsid}: no post URI in the request")
        rows.interaction(
            "bookmark", post_id=uri, account_id=did_of(uri), undone=nsid == DELETE_BOOKMARK
        )
    elif nsid == CREATE_RECORD:
        _created(rows, request.get("collection"), request.get("record"), repo, answer.get("uri"))
    elif nsid == APPLY_WRITES:
        _apply_writes(rows, request, repo, answer)
    elif nsid == DELETE_RECORD:
        _deleted(rows, request, repo)
    else:
        raise seenby.UnrecognizedPayload(f"unhandled action {nsid}")
    return rows.result()


def _deleted(rows: Rows, request: dict[str, Any], repo: Any) -> None:
    """An undone like, repost or follow. The request names only the user's own record
    (not the post or account), so the interaction carries that record's URI, which the
    like itself was stored with (from its createRecord answer or ``viewer.like``)."""
    collection, rkey = request.get("collection"), request.get("rkey")
    kind = RECORD_ACTIONS.get(collection) if isinstance(collection, str) else None
    if kind is None:
        return  # a post or another record deleted: not an interaction
    if not isinstance(repo, str) or not isinstance(rkey, str) or not rkey:
        raise seenby.UnrecognizedPayload("deleteRecord without repo and rkey")
    rows.interaction(kind, record_id=f"at://{repo}/{collection}/{rkey}", undone=True)


def _apply_writes(rows: Rows, request: dict[str, Any], repo: Any, answer: dict[str, Any]) -> None:
    writes = request.get("writes")
    if not isinstance(writes, list):
        raise seenby.UnrecognizedPayload("applyWrites: no writes array")
    answered = answer.get("results")
    results: list[Any] = answered if isinstance(answered, list) else []
    for index, write in enumerate(writes):
        # The composer writes a threadgate and a postgate next to a post: skip
        # those, and deletes, which name no target (see deleteRecord).
        if (
            not isinstance(write, dict)
            or not str(write.get("$type", "")).endswith("#create")
            or (
                write.get("collection") != POST_COLLECTION
                and write.get("collection") not in RECORD_ACTIONS
            )
        ):
            continue
        created_uri = dig(results[index], "uri") if index < len(results) else None
        if not isinstance(created_uri, str) and isinstance(repo, str) and write.get("rkey"):
            created_uri = f"at://{repo}/{write.get('collection')}/{write['rkey']}"
        try:
            _created(rows, write.get("collection"), write.get("value"), repo, created_uri)
        except (seenby.UnrecognizedPayload, *_ENTRY_ERRORS) as exc:
            rows.errors.append(f"write #{index}: {exc}")


def _created(rows: Rows, collection: Any, record: Any, repo: Any, created_uri: Any) -> None:
    """A record the user created: a like, repost or follow, or a post (maybe a reply or quote)."""
    if not isinstance(record, dict):
        raise seenby.UnrecognizedPayload(f"{collection}: no record")
    occurred_at = parse_time(record.get("createdAt"))
    if collection in RECORD_ACTIONS:
        kind = RECORD_ACTIONS[collection]
        subject = record.get("subject")
        record_id = created_uri if isinstance(created_uri, str) else None
        if kind == "follow":
            if not isinstance(subject, str):
                raise seenby.UnrecognizedPayload("follow record without a subject DID")
            rows.interaction(
                "follow", account_id=subject, occurred_at=occurred_at, record_id=record_id
            )
            return
        uri = subject.get("uri") if isinstance(subject, dict) else None
        if not is_post_uri(uri):
            raise seenby.UnrecognizedPayload(f"{collection} record without a post subject")
        rows.interaction(
            kind,
            post_id=uri,
            account_id=did_of(uri),
            occurred_at=occurred_at,
            record_id=record_id,
        )
    elif collection == POST_COLLECTION:
        reply_to, quoted = dig(record, "reply", "parent", "uri"), None
        if isinstance(created_uri, str) and isinstance(repo, str) and repo.startswith("did:"):
            post = rows.record_post(created_uri, repo, record)
            reply_to, quoted = post.reply_to_id, post.quote_of_id
        if is_post_uri(reply_to):
            rows.interaction(
                "reply", post_id=reply_to, account_id=did_of(reply_to), occurred_at=occurred_at
            )
        if quoted:
            rows.interaction(
                "quote", post_id=quoted, account_id=did_of(quoted), occurred_at=occurred_at
            )
    else:
        raise seenby.UnrecognizedPayload(f"records of {collection} are not recorded")


def _request(request_body: Any) -> dict[str, Any]:
    if isinstance(request_body, bytes | str):
        try:
            request_body = json.loads(request_body)
        except ValueError as exc:
            raise seenby.UnrecognizedPayload(f"request body is not JSON: {exc}") from exc
    if not isinstance(request_body, dict):
        raise seenby.UnrecognizedPayload("request body is not a JSON object")
    return request_body


def _optional_answer(capture: seenby.Capture) -> dict[str, Any]:
    """The action's answer (``{uri, cid}`` for createRecord), or {} when not recorded."""
    try:
        answer = capture.json()
    except (msgspec.DecodeError, msgspec.ValidationError):
        return {}
    return answer if isinstance(answer, dict) else {}
