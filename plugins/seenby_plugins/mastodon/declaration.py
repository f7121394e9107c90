"""What the extension captures on Mastodon: REST reads, the user's own actions, where posts sit.

Every instance serves the same API from its own host, so the patterns accept any
host and the platform sets ``any_host``; plain http is accepted for local
development instances. Ids in the paths are numeric snowflakes.
"""

from __future__ import annotations

import seenby
from seenby.types import InteractionKind

_API = r"^https?://[^/]+/api/"
_END = r"(?:\?|$)"

STATUS_LIST_OPERATIONS = {
    "HomeTimeline": r"v1/timelines/home",
    "PublicTimeline": r"v1/timelines/public",
    "TagTimeline": r"v1/timelines/tag/[^/?#]+",
    "ListTimeline": r"v1/timelines/list/\d+",
    "LinkTimeline": r"v1/timelines/link",
    "AccountStatuses": r"v1/accounts/\d+/statuses",
    "Favourites": r"v1/favourites",
    "Bookmarks": r"v1/bookmarks",
    "TrendingStatuses": r"v1/trends/statuses",
}
"""Reads whose answer is a JSON array of statuses."""

ACCOUNT_LIST_OPERATIONS = {
    "AccountFollowers": r"v1/accounts/\d+/followers",
    "AccountFollowing": r"v1/accounts/\d+/following",
    "RebloggedBy": r"v1/statuses/\d+/reblogged_by",
    "FavouritedBy": r"v1/statuses/\d+/favourited_by",
}
"""Reads whose answer is a JSON array of accounts."""

SINGLE_OPERATIONS = {
    "Status": r"v1/statuses/\d+",
    "StatusContext": r"v1/statuses/\d+/context",
    "Notifications": r"v1/notifications",
    "Notification": r"v1/notifications/\d+",
    "GroupedNotifications": r"v2/notifications",
    "VerifyCredentials": r"v1/accounts/verify_credentials",
    "Account": r"v1/accounts/\d+",
    "Relationships": r"v1/accounts/relationships",
    "Search": r"v2/search",
}

READ_PATTERNS = {
    operation: _API + path + _END
    for operation, path in {
        **STATUS_LIST_OPERATIONS,
        **ACCOUNT_LIST_OPERATIONS,
        **SINGLE_OPERATIONS,
    }.items()
}
"""Operation name → URL pattern of every read the extension captures."""

STATUS_ACTION_PATTERN = _API + r"v1/statuses/(\d+)/([a-z]+)" + _END
"""``POST /api/v1/statuses/:id/<favourite|reblog|bookmark|un…>``: group 1 is the id."""
ACCOUNT_ACTION_PATTERN = _API + r"v1/accounts/(\d+)/([a-z]+)" + _END
"""``POST /api/v1/accounts/:id/<follow|unfollow>``."""
NEW_STATUS_PATTERN = _API + r"v1/statuses" + _END
"""``POST /api/v1/statuses``: a new post, reply or quote."""

STATUS_ACTIONS: dict[str, tuple[InteractionKind, bool]] = {
    "favourite": ("like", False),
    "unfavourite": ("like", True),
    "reblog": ("repost", False),
    "unreblog": ("repost", True),
    "bookmark": ("bookmark", False),
    "unbookmark": ("bookmark", True),
}
"""Path verb → (interaction kind, undone)."""
ACCOUNT_ACTIONS: dict[str, tuple[InteractionKind, bool]] = {
    "follow": ("follow", False),
    "unfollow": ("follow", True),
}

# The web client posts JSON (`"in_reply_to_id":"1…"`), other clients form fields
# (`in_reply_to_id=1…`); one pattern accepts both.
_REPLY_BODY = r'in_reply_to_id"?\s*[:=]\s*"?[0-9]'
_QUOTE_BODY = r'quoted_status_id"?\s*[:=]\s*"?[0-9]'


def _status_action(verb: str) -> seenby.ActionRule:
    kind, undone = STATUS_ACTIONS[verb]
    return seenby.ActionRule(
        action=kind, url_pattern=_API + r"v1/statuses/\d+/" + verb + _END, undo=undone
    )


def _account_action(verb: str) -> seenby.ActionRule:
    kind, undone = ACCOUNT_ACTIONS[verb]
    return seenby.ActionRule(
        action=kind, url_pattern=_API + r"v1/accounts/\d+/" + verb + _END, undo=undone
    )


POST_ID_PATTERN = r"^(\d+)$"
"""The status id in ``div.status[data-id]``. The parser's ``post_id`` is
``<instance host>:<id>``, hence the locator template ``{host}:{id}``."""

PLATFORM = seenby.Platform(
    name="mastodon",
    label="Mastodon",
    hosts=[
        "mastodon.social",
        "mastodon.online",
        "mastodon.world",
        "mstdn.social",
        "mas.to",
        "fosstodon.org",
        "hachyderm.io",
        "infosec.exchange",
    ],
    any_host=True,
    api=[
        seenby.ApiRule(operation=operation, url_pattern=pattern)
        for operation, pattern in READ_PATTERNS.items()
    ],
    actions=[
        *(_status_action(verb) for verb in STATUS_ACTIONS),
        *(_account_action(verb) for verb in ACCOUNT_ACTIONS),
        seenby.ActionRule(action="quote", url_pattern=NEW_STATUS_PATTERN, body_pattern=_QUOTE_BODY),
        seenby.ActionRule(action="reply", url_pattern=NEW_STATUS_PATTERN, body_pattern=_REPLY_BODY),
        # Last: any other new status. It is no interaction, but its answer names the viewer.
        seenby.ActionRule(action="post", url_pattern=NEW_STATUS_PATTERN),
    ],
    locator=seenby.DomLocator(
        # For a boost the component renders the original status, so data-id is
        # the original's id: the overlay shows the boosted post's figures.
        post_selector="div.status[data-id]",
        id_attribute="data-id",
        id_pattern=POST_ID_PATTERN,
        id_template="{host}:{id}",
        anchor_selector=".status__action-bar",
        reply_box_selector=".compose-form textarea",
        author_selector="a.status__display-name",
    ),
    viewer=seenby.ViewerHint(
        selector=".navigation-bar__profile a[href^='/@']",
        pattern=r"^/@([^/@?#]+)$",
    ),
)
