"""What the extension captures on X: GraphQL reads, the user's own actions, where posts sit."""

from __future__ import annotations

import seenby

_ORIGIN = r"^https://(?:mobile\.)?(?:x|twitter)\.com"
_GRAPHQL = _ORIGIN + r"/i/api/graphql/[A-Za-z0-9_-]+/"
"""The query-id segment rotates with every web-app release, so rules match the
operation name that follows it."""

TIMELINE_OPERATIONS = (
    "HomeTimeline",
    "HomeLatestTimeline",
    "TweetDetail",
    "UserTweets",
    "UserTweetsAndReplies",
    "UserMedia",
    "Likes",
    "Bookmarks",
    "SearchTimeline",
    "ListLatestTweetsTimeline",
    "CommunityTweetsTimeline",
)
"""Reads whose answer is a timeline: ``instructions`` holding entries of posts."""

SINGLE_TWEET_OPERATION = "TweetResultByRestId"
USER_OPERATIONS = ("UserByScreenName", "UserByRestId")
VIEWER_OPERATION = "Viewer"


def graphql_url(operation: str) -> str:
    """The URL pattern of one GraphQL operation, whatever its current query id."""
    return _GRAPHQL + operation + r"(?:\?|$)"


def _read_rule(operation: str) -> seenby.ApiRule:
    # HomeLatestTimeline is sent as a POST with a JSON body, the others as GET.
    return seenby.ApiRule(
        operation=operation, url_pattern=graphql_url(operation), methods=["GET", "POST"]
    )


def _action(
    action: str, operation: str, *, undo: bool = False, body: str | None = None
) -> seenby.ActionRule:
    return seenby.ActionRule(
        action=action, url_pattern=graphql_url(operation), undo=undo, body_pattern=body
    )


def _friendship(action: str, *, undo: bool) -> seenby.ActionRule:
    endpoint = "destroy" if undo else "create"
    return seenby.ActionRule(
        action=action,
        url_pattern=_ORIGIN + r"/i/api/1\.1/friendships/" + endpoint + r"\.json(?:\?|$)",
        undo=undo,
    )


POST_ID_PATTERN = r"/status/([0-9]+)"
"""The post id in a status link (``/<handle>/status/<id>``); the parser's ``post_id``
is that number as-is, so the locator's template is plain ``{id}``."""

PLATFORM = seenby.Platform(
    name="x",
    label="X (Twitter)",
    hosts=["x.com", "twitter.com", "mobile.x.com", "mobile.twitter.com"],
    api=[
        *(_read_rule(op) for op in TIMELINE_OPERATIONS),
        _read_rule(SINGLE_TWEET_OPERATION),
        *(_read_rule(op) for op in USER_OPERATIONS),
        _read_rule(VIEWER_OPERATION),
    ],
    actions=[
        _action("like", "FavoriteTweet"),
        _action("like", "UnfavoriteTweet", undo=True),
        _action("repost", "CreateRetweet"),
        _action("repost", "DeleteRetweet", undo=True),
        _action("bookmark", "CreateBookmark"),
        _action("bookmark", "DeleteBookmark", undo=True),
        # Replies, quotes and plain posts share CreateTweet (CreateNoteTweet for long
        # posts); the body tells them apart, and the parser reads it again anyway.
        _action("reply", "Create(?:Note)?Tweet", body="in_reply_to_tweet_id"),
        _action("quote", "Create(?:Note)?Tweet", body="attachment_url"),
        _action("post", "Create(?:Note)?Tweet"),
        _friendship("follow", undo=False),
        _friendship("follow", undo=True),
    ],
    locator=seenby.DomLocator(
        post_selector='article[data-testid="tweet"]',
        # The first status link wrapping a <time> is the post's own permalink; a
        # quoted post inside the article comes later in document order.
        id_selector='a[href*="/status/"]:has(time)',
        id_attribute="href",
        id_pattern=POST_ID_PATTERN,
        id_template="{id}",
        anchor_selector='[data-testid="User-Name"]',
        reply_box_selector='[data-testid="tweetTextarea_0"]',
        author_selector='[data-testid="User-Name"] a[href^="/"]',
    ),
    viewer=seenby.ViewerHint(
        selector='a[data-testid="AppTabBar_Profile_Link"]',
        attribute="href",
        pattern=r"^/([A-Za-z0-9_]{1,15})$",
    ),
)
