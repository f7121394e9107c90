"""What analysis plugins return: overlay items shown next to each post."""

from __future__ import annotations

from typing import Literal

import msgspec

Tone = Literal["neutral", "info", "good", "warn"]


class Badge(msgspec.Struct, kw_only=True):
    """A few words in the compact badge next to a post."""

    text: str
    title: str | None = None
    """Longer explanation shown on hover and read by screen readers."""
    tone: Tone = "neutral"


class ReplyDraft(msgspec.Struct, kw_only=True):
    """A suggested reply, with the reason it was suggested."""

    text: str
    reason: str


class ReplySuggestion(msgspec.Struct, kw_only=True):
    """A reply opportunity among the posts in view, from ``seenby_suggest_replies``.

    The server keeps the best-scored opportunities of each request (the top 3)
    and shows their drafts in a ``suggestions`` section of the post's panel.
    """

    post_id: str
    score: float
    """Higher is a better opportunity; comparable between plugins only roughly (0-1 is usual)."""
    reasons: list[str] = msgspec.field(default_factory=list)
    """Why this post is worth answering (shown with the drafts)."""
    drafts: list[ReplyDraft] = msgspec.field(default_factory=list)


class Section(msgspec.Struct, kw_only=True):
    """One block of the panel opened from the badge."""

    title: str
    kind: Literal["text", "list", "sparkline", "suggestions"] = "text"
    text: str | None = None
    items: list[str] = msgspec.field(default_factory=list)
    values: list[float] = msgspec.field(default_factory=list)
    suggestions: list[ReplyDraft] = msgspec.field(default_factory=list)


class Annotation(msgspec.Struct, kw_only=True):
    """A plugin's contribution to one post's overlay."""

    post_id: str
    badges: list[Badge] = msgspec.field(default_factory=list)
    sections: list[Section] = msgspec.field(default_factory=list)


class Overlay(msgspec.Struct, kw_only=True):
    """Everything shown for one post: all plugins' annotations merged, in plugin order."""

    platform: str
    post_id: str
    known: bool = True
    """False when the post is not in the database yet (nothing captured about it)."""
    badges: list[Badge] = msgspec.field(default_factory=list)
    sections: list[Section] = msgspec.field(default_factory=list)
    errors: list[str] = msgspec.field(default_factory=list)
    """Plugins that failed or overran their budget for this request."""
