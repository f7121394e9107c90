"""A small platform plugin used by the server tests (loaded via SEENBY_PLUGINS).

It declares the made-up platform ``example`` on example.test and parses a simple
JSON feed, so the server's contract can be tested independently of the real
sites' parsers. A body ``{"explode": true}`` makes the parser raise, and
``{"weird": ...}`` is an unrecognized shape; ``{"unwritable": true}`` yields a row the
database refuses (a post without an id), ``{"mistyped": true}`` one whose values do not
fit the columns (a number as a post's text).
"""

from __future__ import annotations

import seenby
from seenby.parsing import parse_time


@seenby.hookimpl
def seenby_platforms() -> list[seenby.Platform]:
    return [
        seenby.Platform(
            name="example",
            label="Example",
            hosts=["example.test", "*.example.test"],
            api=[seenby.ApiRule(operation="Feed", url_pattern=r"^https://example\.test/api/feed")],
            locator=seenby.DomLocator(post_selector="article[data-id]", id_attribute="data-id"),
        )
    ]


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    if capture.platform != "example":
        return None
    body = capture.json()
    if not isinstance(body, dict):
        raise seenby.UnrecognizedPayload("body is not an object")
    if body.get("explode"):
        raise RuntimeError("parser bug triggered on purpose")
    if "weird" in body:
        raise seenby.UnrecognizedPayload("no 'posts' key")
    result = seenby.ParseResult(operation="Feed")
    for entry in body.get("posts", []):
        try:
            post_id = str(entry["id"])
            author = str(entry["author"])
        except (KeyError, TypeError) as exc:
            result.errors.append(f"entry without {exc}")
            continue
        result.accounts.append(
            seenby.Account(
                platform="example",
                account_id=author,
                handle=entry.get("handle"),
                followers=entry.get("followers"),
            )
        )
        result.posts.append(
            seenby.Post(
                platform="example",
                post_id=post_id,
                author_id=author,
                text=entry.get("text"),
                created_at=parse_time(entry.get("created_at")),
                aliases=[entry["alias"]] if "alias" in entry else [],
            )
        )
        result.metrics.append(
            seenby.PostMetrics(
                platform="example",
                post_id=post_id,
                likes=entry.get("likes"),
                replies=entry.get("replies"),
                views=entry.get("views"),
            )
        )
        if entry.get("liked"):
            result.interactions.append(
                seenby.Interaction(
                    platform="example",
                    kind="like",
                    post_id=post_id,
                    account_id=author,
                    source="flag",
                )
            )
    if body.get("unwritable"):
        result.posts.append(seenby.Post(platform="example", post_id=None))  # type: ignore[arg-type]
    if body.get("mistyped"):
        result.posts.append(seenby.Post(platform="example", post_id="m1", text=12345))  # type: ignore[arg-type]
    if "me" in body:
        result.viewers.append(seenby.Viewer(platform="example", account_id=str(body["me"])))
    return result
