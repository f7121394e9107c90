"""Bluesky views (PostView, ProfileView …) → Seenby rows.

Post ids are AT-URIs (``at://<did>/app.bsky.feed.post/<rkey>``) and account ids
DIDs: both are global, so they are used as they are.
"""

from __future__ import annotations

from typing import Any

import seenby
from seenby.parsing import as_int, dig, parse_time
from seenby.rows import RowCollector
from seenby.types import PostKind

PLATFORM = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
_REPOST_REASON = "app.bsky.feed.defs#reasonRepost"

_QUOTED_VIEW = "app.bsky.embed.record#viewRecord"
_QUOTE_GONE = (
    "app.bsky.embed.record#viewNotFound",
    "app.bsky.embed.record#viewBlocked",
    "app.bsky.embed.record#viewDetached",
)
"""Quoted posts the AppView cannot show: only their URI is known."""


def did_of(uri: Any) -> str | None:
    """The DID in an AT-URI's authority (``None`` when it is a handle or not a URI)."""
    if not isinstance(uri, str) or not uri.startswith("at://did:"):
        return None
    return uri[5:].split("/", 1)[0]


def is_post_uri(uri: Any) -> bool:
    return isinstance(uri, str) and uri.startswith("at://") and f"/{POST_COLLECTION}/" in uri


def _require_uri(view: dict[str, Any]) -> str:
    uri = view.get("uri")
    if not is_post_uri(uri):
        raise ValueError(f"post without an at:// post URI: {uri!r}")
    return str(uri)


class Rows(RowCollector):
    """One capture's rows, read from Bluesky's views and records (each row once)."""

    def __init__(self, operation: str | None) -> None:
        super().__init__(PLATFORM, operation)

    def profile(self, raw: Any, *, flags: bool = True) -> str:
        """Add a profile view's row (basic, plain or detailed); return its DID."""
        did = dig(raw, "did")
        if not isinstance(did, str) or not did.startswith("did:"):
            raise ValueError(f"profile without a DID: {did!r}")
        if did not in self.accounts:
            handle = raw.get("handle") if isinstance(raw.get("handle"), str) else None
            status = dig(raw, "verification", "verifiedStatus")
            self.add_account(
                seenby.Account(
                    platform=PLATFORM,
                    account_id=did,
                    handle=handle,
                    display_name=raw.get("displayName") or None,
                    followers=as_int(raw.get("followersCount")),
                    following=as_int(raw.get("followsCount")),
                    posts_count=as_int(raw.get("postsCount")),
                    verified=None if status is None else status == "valid",
                    created_at=parse_time(raw.get("createdAt")),
                    url=f"https://bsky.app/profile/{handle or did}",
                    bio=raw.get("description") or None,
                )
            )
        following = dig(raw, "viewer", "following")
        if flags and following:
            self.interaction("follow", account_id=did, source="flag", record_id=_uri(following))
        return did

    def viewer(self, did: str, handle: str | None = None) -> None:
        """Record a DID as the user's own account."""
        self.add_viewer(seenby.Viewer(platform=PLATFORM, account_id=did, handle=handle))

    def post_view(self, view: Any, *, flags: bool = True) -> str:
        """Add a PostView (or a notification, which has the same core fields); return its URI."""
        if not isinstance(view, dict):
            raise ValueError("post is not an object")
        return self._post(view, view.get("record"), view.get("embed"), flags=flags)

    def post_if_shown(self, view: Any) -> str | None:
        """Add a view that may be a post or a notFound/blocked stub; the post's URI if any."""
        if isinstance(view, dict) and isinstance(view.get("record"), dict) and "author" in view:
            return self.post_view(view)
        return None

    def feed_item(self, item: Any) -> str:
        """Add a FeedViewPost: the post, its reply context and the repost that brought it."""
        if not isinstance(item, dict):
            raise ValueError("feed item is not an object")
        post = item.get("post")
        uri = self.post_view(post)
        for context in ("root", "parent"):
            self.post_if_shown(dig(item, "reply", context))
        grandparent_author = dig(item, "reply", "grandparentAuthor")
        if isinstance(grandparent_author, dict):
            self.profile(grandparent_author)
        reason = item.get("reason")
        if isinstance(reason, dict) and reason.get("$type") == _REPOST_REASON:
            self._repost(reason, uri, dig(post, "viewer", "repost"))
        return uri

    def record_post(self, uri: str, author_did: str, record: dict[str, Any]) -> seenby.Post:
        """Add a post known only from its record (the user's own, as they send it)."""
        self._post({"uri": uri, "author": {"did": author_did}}, record, None, flags=False)
        return self.posts[uri]

    def _post(self, view: dict[str, Any], record: Any, embed: Any, *, flags: bool) -> str:
        uri = _require_uri(view)
        if uri in self.posts:
            return uri
        if not isinstance(record, dict):
            raise ValueError(f"{uri}: post without a record")
        author = view.get("author")
        author_did = self.profile(author, flags=flags)
        quote_of_id = self._quoted(embed) or _quoted_uri(record.get("embed"))
        reply_to_id = dig(record, "reply", "parent", "uri")
        kind: PostKind = "reply" if reply_to_id else "quote" if quote_of_id else "post"
        langs, text = record.get("langs"), record.get("text")
        handle = self._handle(author_did)
        rkey = uri.rsplit("/", 1)[1]
        self.add_post(
            seenby.Post(
                platform=PLATFORM,
                post_id=uri,
                author_id=author_did,
                text=text if isinstance(text, str) and text else None,
                # createdAt is the author's clock; indexedAt the AppView's, if that is all.
                created_at=parse_time(record.get("createdAt")) or parse_time(view.get("indexedAt")),
                url=f"https://bsky.app/profile/{handle or author_did}/post/{rkey}",
                kind=kind,
                reply_to_id=reply_to_id if isinstance(reply_to_id, str) else None,
                root_id=dig(record, "reply", "root", "uri") if reply_to_id else None,
                quote_of_id=quote_of_id,
                lang=langs[0] if isinstance(langs, list) and langs else None,
                # What the page's post links show (see declaration.POST_URL_PATTERN).
                aliases=[f"{name}/post/{rkey}" for name in (handle, author_did) if name],
            )
        )
        metrics = seenby.PostMetrics(
            platform=PLATFORM,
            post_id=uri,
            likes=as_int(view.get("likeCount")),
            replies=as_int(view.get("replyCount")),
            reposts=as_int(view.get("repostCount")),
            quotes=as_int(view.get("quoteCount")),
            bookmarks=as_int(view.get("bookmarkCount")),
        )
        # Notifications and the user's own new posts come without figures.
        if "likeCount" in view or "replyCount" in view or "repostCount" in view:
            self.add_metrics(metrics)
        if flags:
            self._post_flags(uri, author_did, view.get("viewer"))
        return uri

    def _handle(self, did: str) -> str | None:
        account = self.accounts.get(did)
        return account.handle if account else None

    def _post_flags(self, uri: str, author_did: str, viewer: Any) -> None:
        """``viewer.like`` / ``viewer.repost`` hold the user's own record URI when set."""
        for kind in ("like", "repost"):
            record = dig(viewer, kind)
            if record:
                self.interaction(
                    kind, post_id=uri, account_id=author_did, source="flag", record_id=_uri(record)
                )
        if dig(viewer, "bookmarked") is True:
            self.interaction("bookmark", post_id=uri, account_id=author_did, source="flag")

    def _quoted(self, embed: Any) -> str | None:
        """The quoted post's URI from a hydrated embed, adding its row when shown."""
        kind = dig(embed, "$type")
        if kind == "app.bsky.embed.record#view":
            inner = dig(embed, "record")
        elif kind == "app.bsky.embed.recordWithMedia#view":
            inner = dig(embed, "record", "record")
        else:
            return None
        inner_kind = dig(inner, "$type")
        if inner_kind == _QUOTED_VIEW and is_post_uri(dig(inner, "uri")):
            embeds = inner.get("embeds")
            inner_embed = embeds[0] if isinstance(embeds, list) and embeds else None
            return self._post(inner, inner.get("value"), inner_embed, flags=True)
        if inner_kind in _QUOTE_GONE and is_post_uri(dig(inner, "uri")):
            return str(inner["uri"])
        return None  # a feed, list or starter pack card, not a quote

    def _repost(self, reason: dict[str, Any], post_uri: str, viewer_repost: Any) -> None:
        """A repost in a feed: its own row by the reposter, pointing at the post."""
        by = self.profile(reason.get("by"))
        repost_uri = reason.get("uri")
        if not isinstance(repost_uri, str):
            # Older AppViews leave out the repost record's URI.
            repost_uri = f"{post_uri}#repost-by-{by}"
        elif repost_uri == viewer_repost:
            self.viewer(by, self._handle(by))
        if repost_uri in self.posts:
            return
        self.add_post(
            seenby.Post(
                platform=PLATFORM,
                post_id=repost_uri,
                author_id=by,
                created_at=parse_time(reason.get("indexedAt")),
                kind="repost",
                repost_of_id=post_uri,
            )
        )


def _uri(value: Any) -> str | None:
    """A record's AT-URI, when ``value`` is one."""
    return value if isinstance(value, str) and value.startswith("at://") else None


def _quoted_uri(record_embed: Any) -> str | None:
    """The quoted post's URI from the record's own embed (before hydration)."""
    kind = dig(record_embed, "$type")
    if kind == "app.bsky.embed.record":
        uri = dig(record_embed, "record", "uri")
    elif kind == "app.bsky.embed.recordWithMedia":
        uri = dig(record_embed, "record", "record", "uri")
    else:
        return None
    return uri if is_post_uri(uri) else None
