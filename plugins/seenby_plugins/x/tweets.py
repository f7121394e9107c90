"""X posts: one GraphQL tweet result becomes posts, metrics, accounts and viewer flags."""

from __future__ import annotations

import html
from typing import Any

import seenby
from seenby.parsing import as_int, dig
from seenby.rows import RowCollector
from seenby.types import InteractionKind
from seenby_plugins.x.times import x_time
from seenby_plugins.x.users import PLATFORM, read_user, user_handle

GONE_TWEETS = frozenset({"TweetTombstone", "TweetUnavailable"})
"""Deleted, withheld or protected posts: nothing to read, and not an error."""

VIEWER_FLAGS: tuple[tuple[str, InteractionKind], ...] = (
    ("favorited", "like"),
    ("retweeted", "repost"),
    ("bookmarked", "bookmark"),
)
"""The viewer's own state on a post, as X reports it on every tweet."""

UNDETERMINED_LANGS = frozenset({"und", "qme", "qht", "zxx"})
"""X's codes for "no language": undetermined, media only, hashtags only, no text."""


def status_url(post_id: str, handle: str | None) -> str:
    return f"https://x.com/{handle or 'i'}/status/{post_id}"


def read_tweet(rows: RowCollector, result: Any, *, promoted: bool | None = None) -> str | None:
    """Add a tweet result (and the posts it embeds); its post id, or None when gone.

    ``promoted`` is known for timeline entries (True/False) and unknown (None) for
    posts embedded in others as quotes or reposts.
    """
    if not isinstance(result, dict):
        return None
    kind = result.get("__typename")
    if kind == "TweetWithVisibilityResults":
        return read_tweet(rows, result.get("tweet"), promoted=promoted)
    if kind in GONE_TWEETS:
        return None
    if kind not in (None, "Tweet"):
        raise ValueError(f"unknown tweet result type {kind!r}")
    return _Tweet(result).add_to(rows, promoted)


class _Tweet:
    """One tweet result, read from ``legacy`` when it is there and from the top level
    otherwise (X began moving tweet fields out of ``legacy`` in 2026)."""

    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result
        self.legacy: dict[str, Any] = result.get("legacy") or {}
        post_id = result.get("rest_id") or self.field("id_str")
        if not isinstance(post_id, str) or not post_id:
            raise ValueError("tweet result without rest_id")
        self.post_id = post_id

    def field(self, name: str) -> Any:
        value = self.legacy.get(name)
        return self.result.get(name) if value is None else value

    def add_to(self, rows: RowCollector, promoted: bool | None) -> str:
        if self.post_id in rows.posts:
            return self.post_id
        user = dig(self.result, "core", "user_results", "result")
        author_id = read_user(rows, user) or _str(self.field("user_id_str"))
        handle = user_handle(user)
        reposted = dig(self.field("retweeted_status_result"), "result")
        if reposted is not None:
            self._add_repost(rows, reposted, author_id, handle, promoted)
        else:
            self._add_post(rows, author_id, handle, promoted)
        return self.post_id

    def _add_repost(
        self,
        rows: RowCollector,
        reposted: Any,
        author_id: str | None,
        handle: str | None,
        promoted: bool | None,
    ) -> None:
        # The repost's own text ("RT @someone: …", cut at 140) and figures are the
        # original's, shown again: only the original's row carries them, and the
        # viewer's flags belong to the original as well.
        original_id = read_tweet(rows, reposted) or _str(dig(reposted, "rest_id"))
        rows.add_post(
            seenby.Post(
                platform=PLATFORM,
                post_id=self.post_id,
                author_id=author_id,
                created_at=x_time(self.field("created_at")),
                url=status_url(self.post_id, handle),
                kind="repost",
                repost_of_id=original_id,
                promoted=promoted,
            )
        )

    def _add_post(
        self, rows: RowCollector, author_id: str | None, handle: str | None, promoted: bool | None
    ) -> None:
        quote_of_id = (
            read_tweet(rows, dig(self.result, "quoted_status_result", "result"))
            or _str(self.field("quoted_status_id_str"))
            or _str(dig(self.result, "quotedRefResult", "result", "rest_id"))
        )
        reply_to_id = _str(self.field("in_reply_to_status_id_str"))
        conversation_id = _str(self.field("conversation_id_str"))
        lang = self.field("lang")
        rows.add_post(
            seenby.Post(
                platform=PLATFORM,
                post_id=self.post_id,
                author_id=author_id,
                text=self._text(),
                created_at=x_time(self.field("created_at")),
                url=status_url(self.post_id, handle),
                kind="reply" if reply_to_id else "quote" if quote_of_id else "post",
                reply_to_id=reply_to_id,
                root_id=conversation_id if reply_to_id else None,
                quote_of_id=quote_of_id,
                lang=lang if isinstance(lang, str) and lang not in UNDETERMINED_LANGS else None,
                community=_str(dig(self.result, "community_results", "result", "name")),
                promoted=promoted,
            )
        )
        rows.add_metrics(self._metrics())
        self._add_flags(rows)

    def _text(self) -> str | None:
        """The text as shown: a long post's full note, else ``full_text`` without the
        leading reply mentions and trailing media link (outside ``display_text_range``)."""
        note = dig(self.result, "note_tweet", "note_tweet_results", "result", "text")
        if isinstance(note, str):
            return note
        text = self.field("full_text") or self.field("text")
        if not isinstance(text, str):
            return None
        shown = self.field("display_text_range")
        if isinstance(shown, list) and len(shown) == 2 and all(isinstance(i, int) for i in shown):
            text = text[shown[0] : shown[1]]
        # The range counts the text as X sends it, with &amp; &lt; &gt; escaped. A post
        # that is only media has an empty range: it has no text.
        return html.unescape(text) or None

    def _metrics(self) -> seenby.PostMetrics:
        views = dig(self.result, "views", "count")
        if views is None:
            views = dig(self.result, "ext_views", "count")
        return seenby.PostMetrics(
            platform=PLATFORM,
            post_id=self.post_id,
            likes=as_int(self.field("favorite_count")),
            replies=as_int(self.field("reply_count")),
            reposts=as_int(self.field("retweet_count")),
            quotes=as_int(self.field("quote_count")),
            bookmarks=as_int(self.field("bookmark_count")),
            views=as_int(views),
        )

    def _add_flags(self, rows: RowCollector) -> None:
        # Post-targeted interactions leave account_id empty, as the action captures
        # must (a like request names only the post), so both sources share one key.
        for flag, kind in VIEWER_FLAGS:
            if self.field(flag) is True:
                rows.interaction(kind, post_id=self.post_id, source="flag")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
