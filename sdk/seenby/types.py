"""The rows a platform plugin produces from a raw capture.

Every struct here crosses a boundary (extension → server → plugin → DuckDB), so
each is a msgspec Struct: validated on the way in, cheap to build on the way out.
Optional fields stay ``None`` when the site does not show that figure; ``None``
never means zero.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

CaptureKind = Literal["api", "document", "action", "impression", "dom", "viewer"]

PLATFORMS = ("x", "mastodon", "bluesky", "reddit", "hackernews", "linkedin", "facebook")
"""Platforms the built-in plugins know. Third-party plugins may add others."""


class Capture(msgspec.Struct, kw_only=True, frozen=True):
    """One thing the extension saw: a response, a page, an action or an impression.

    The body is the response as the site sent it: JSON for API responses, text
    for HTML documents or bodies that are not JSON. Read it with :meth:`json` or
    :meth:`text`.
    """

    id: str
    kind: CaptureKind
    url: str
    captured_at: datetime
    method: str = "GET"
    status: int = 200
    page_url: str | None = None
    request_body: Any = None
    body: Any = None
    platform: str | None = None
    operation: str | None = None
    """The rule's operation name when the extension matched one (e.g. ``HomeTimeline``)."""
    body_json: bytes | None = None
    """The body's JSON text exactly as received, when the server has it; read it with
    :meth:`json`, which can decode straight into typed Structs (much faster)."""

    def json(self, type: Any = Any) -> Any:
        """The body as JSON, decoded into ``type`` (a msgspec Struct, ``dict`` …) if given.

        Prefer this to ``body``: on the server the body arrives as JSON text and
        ``body`` is ``None`` unless the body was text. Raises ``msgspec.ValidationError``
        or ``msgspec.DecodeError`` when the body does not fit.
        """
        if self.body_json is not None:
            return msgspec.json.decode(self.body_json, type=type)
        if isinstance(self.body, str):
            return msgspec.json.decode(self.body, type=type)
        return self.body if type is Any else msgspec.convert(self.body, type)

    def text(self) -> str:
        """The body as text (HTML pages, multi-object bodies); JSON bodies are re-encoded."""
        if isinstance(self.body, str):
            return self.body
        if self.body_json is not None:
            return self.body_json.decode("utf-8", errors="replace")
        return msgspec.json.encode(self.body).decode()


class Account(msgspec.Struct, kw_only=True):
    """A person or page on a platform. ``account_id`` is the platform's stable id."""

    platform: str
    account_id: str
    handle: str | None = None
    display_name: str | None = None
    followers: int | None = None
    following: int | None = None
    posts_count: int | None = None
    verified: bool | None = None
    created_at: datetime | None = None
    url: str | None = None
    bio: str | None = None


PostKind = Literal["post", "reply", "repost", "quote", "comment", "story", "link"]


class Post(msgspec.Struct, kw_only=True):
    """A post, reply, comment or repost. Ids are unique within a platform."""

    platform: str
    post_id: str
    author_id: str | None = None
    text: str | None = None
    created_at: datetime | None = None
    url: str | None = None
    kind: PostKind = "post"
    reply_to_id: str | None = None
    """The post this one answers (the parent comment for comment trees)."""
    root_id: str | None = None
    """The top of the conversation or thread, when known."""
    quote_of_id: str | None = None
    repost_of_id: str | None = None
    title: str | None = None
    lang: str | None = None
    community: str | None = None
    """Subreddit, Mastodon instance, LinkedIn group …: where it was posted."""
    promoted: bool | None = None
    aliases: list[str] = msgspec.field(default_factory=list)
    """Other ids the page may show for this post, where the locator cannot read
    ``post_id`` itself (Bluesky links name ``handle/post/rkey``, not the DID-based
    URI). Overlay requests for an alias are answered for the post."""


class PostMetrics(msgspec.Struct, kw_only=True):
    """A snapshot of a post's public figures at ``observed_at`` (defaults to capture time)."""

    platform: str
    post_id: str
    observed_at: datetime | None = None
    likes: int | None = None
    replies: int | None = None
    reposts: int | None = None
    quotes: int | None = None
    views: int | None = None
    bookmarks: int | None = None
    score: int | None = None
    upvote_ratio: float | None = None
    reactions: int | None = None


InteractionKind = Literal[
    "like",
    "reply",
    "repost",
    "quote",
    "bookmark",
    "follow",
    "upvote",
    "downvote",
    "react",
    "share",
]


class Interaction(msgspec.Struct, kw_only=True):
    """Something the user themself did: liked, replied to, reposted, followed …

    The same act seen twice (as the like request and later as ``viewer.like`` on
    the post) is stored once: rows are keyed by (platform, kind, post_id,
    account_id), so set the target ids consistently.
    """

    platform: str
    kind: InteractionKind
    post_id: str | None = None
    account_id: str | None = None
    """The account acted on: the post's author, or the account followed."""
    occurred_at: datetime | None = None
    undone: bool = False
    """True for an unlike, unfollow, un-repost …"""
    source: Literal["action", "flag", "dom"] = "action"
    record_id: str | None = None
    """The site's id for the user's own record of the act, where it has one (Bluesky:
    the like, repost or follow record's AT-URI). An undo that names only that record
    (Bluesky's ``deleteRecord``) is an interaction with ``record_id``, ``undone=True``
    and neither ``post_id`` nor ``account_id``: it marks the act recorded under that
    id undone."""


class Viewer(msgspec.Struct, kw_only=True):
    """The user's own account on a platform, as seen in a capture."""

    platform: str
    account_id: str
    handle: str | None = None


class ParseResult(msgspec.Struct, kw_only=True):
    """What a parser returns for one capture.

    ``errors`` lists entries that could not be read; the rest are still stored,
    and the capture's status becomes ``partial`` so the problem is visible.
    """

    accounts: list[Account] = msgspec.field(default_factory=list)
    posts: list[Post] = msgspec.field(default_factory=list)
    metrics: list[PostMetrics] = msgspec.field(default_factory=list)
    interactions: list[Interaction] = msgspec.field(default_factory=list)
    viewers: list[Viewer] = msgspec.field(default_factory=list)
    operation: str | None = None
    errors: list[str] = msgspec.field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        """Append another result's rows to this one (used to merge plugins' results)."""
        self.accounts.extend(other.accounts)
        self.posts.extend(other.posts)
        self.metrics.extend(other.metrics)
        self.interactions.extend(other.interactions)
        self.viewers.extend(other.viewers)
        self.errors.extend(other.errors)
        self.operation = self.operation or other.operation


class UnrecognizedPayload(Exception):
    """Raise from a parser when a capture is for your platform but its shape is unknown.

    The raw capture is kept with status ``unrecognized`` and the message, so a
    later version of the plugin can read it with ``seenby reparse``.
    """
