"""What the extension captures on Bluesky: XRPC reads, the user's record writes, where posts sit.

Logged in, the web app calls the user's PDS (``*.host.bsky.network`` or a
self-hosted one) and logged out ``public.api.bsky.app``, so every pattern
accepts any host and matches the XRPC method (NSID) in the path.
"""

from __future__ import annotations

import seenby
from seenby.types import InteractionKind

_XRPC = r"^https://[^/]+/xrpc/"
_END = r"(?:\?|$)"

FEED_OPERATIONS = ("getTimeline", "getAuthorFeed", "getFeed", "getListFeed", "getActorLikes")
"""``app.bsky.feed.*`` reads answering ``{feed: [FeedViewPost]}``."""
POST_LIST_OPERATIONS = ("getPosts", "getQuotes", "searchPosts")
"""``app.bsky.feed.*`` reads answering ``{posts: [PostView]}``."""

READ_NSIDS = {
    **{operation: f"app.bsky.feed.{operation}" for operation in FEED_OPERATIONS},
    **{operation: f"app.bsky.feed.{operation}" for operation in POST_LIST_OPERATIONS},
    "getPostThread": "app.bsky.feed.getPostThread",
    "getPostThreadV2": "app.bsky.unspecced.getPostThreadV2",
    "getPostThreadOtherV2": "app.bsky.unspecced.getPostThreadOtherV2",
    "getBookmarks": "app.bsky.bookmark.getBookmarks",
    "getProfile": "app.bsky.actor.getProfile",
    "getProfiles": "app.bsky.actor.getProfiles",
    "getFollowers": "app.bsky.graph.getFollowers",
    "getFollows": "app.bsky.graph.getFollows",
    "listNotifications": "app.bsky.notification.listNotifications",
    "getSession": "com.atproto.server.getSession",
}
"""Operation name → XRPC method of every read the extension captures."""


def xrpc_pattern(nsid: str) -> str:
    """The URL pattern of one XRPC method on any host."""
    return _XRPC + nsid.replace(".", r"\.") + _END


READ_PATTERNS = {operation: xrpc_pattern(nsid) for operation, nsid in READ_NSIDS.items()}

CREATE_RECORD = "com.atproto.repo.createRecord"
APPLY_WRITES = "com.atproto.repo.applyWrites"
DELETE_RECORD = "com.atproto.repo.deleteRecord"
CREATE_BOOKMARK = "app.bsky.bookmark.createBookmark"
DELETE_BOOKMARK = "app.bsky.bookmark.deleteBookmark"
ACTION_NSIDS = (CREATE_RECORD, APPLY_WRITES, DELETE_RECORD, CREATE_BOOKMARK, DELETE_BOOKMARK)

RECORD_ACTIONS: dict[str, InteractionKind] = {
    "app.bsky.feed.like": "like",
    "app.bsky.feed.repost": "repost",
    "app.bsky.graph.follow": "follow",
}
"""Record collection → the interaction its creation is."""
POST_COLLECTION = "app.bsky.feed.post"


def _collection_body(collection: str) -> str:
    # Matches the JSON body whatever the key order: `"collection":"app.bsky.feed.like"`.
    return r'"collection"\s*:\s*"' + collection.replace(".", r"\.") + '"'


def _record_action(action: str, nsid: str, collection: str, *, undo: bool) -> seenby.ActionRule:
    return seenby.ActionRule(
        action=action,
        url_pattern=xrpc_pattern(nsid),
        body_pattern=_collection_body(collection),
        undo=undo,
    )


POST_URL_PATTERN = r"/profile/([^/?#]+/post/[A-Za-z0-9._~:-]+)"
"""``<handle or DID>/post/<rkey>`` from a post link (``/profile/<handle>/post/<rkey>``).
The parser's ``post_id`` is ``at://<author DID>/app.bsky.feed.post/<rkey>``; the page
shows the handle, not the DID, so the parser also declares ``<handle>/post/<rkey>`` and
``<DID>/post/<rkey>`` as the post's aliases, which the server resolves."""

PLATFORM = seenby.Platform(
    name="bluesky",
    label="Bluesky",
    hosts=["bsky.app", "*.bsky.app", "*.bsky.network", "bsky.social"],
    api=[
        seenby.ApiRule(operation=operation, url_pattern=pattern)
        for operation, pattern in READ_PATTERNS.items()
    ],
    actions=[
        *(
            _record_action(action, CREATE_RECORD, collection, undo=False)
            for collection, action in RECORD_ACTIONS.items()
        ),
        _record_action("post", CREATE_RECORD, POST_COLLECTION, undo=False),
        _record_action("post", APPLY_WRITES, POST_COLLECTION, undo=False),
        *(
            _record_action(action, DELETE_RECORD, collection, undo=True)
            for collection, action in RECORD_ACTIONS.items()
        ),
        seenby.ActionRule(action="bookmark", url_pattern=xrpc_pattern(CREATE_BOOKMARK)),
        seenby.ActionRule(action="bookmark", url_pattern=xrpc_pattern(DELETE_BOOKMARK), undo=True),
    ],
    locator=seenby.DomLocator(
        post_selector='[data-testid^="feedItem-by-"], [data-testid^="postThreadItem-by-"]',
        id_selector='a[href*="/post/"]',
        id_attribute="href",
        id_pattern=POST_URL_PATTERN,
        anchor_selector='[data-testid="likeBtn"]',
        reply_box_selector='[data-testid="composerTextInput"] [contenteditable="true"]',
        author_selector='a[href^="/profile/"]',
    ),
)
