"""Every platform's recorded and synthetic fixture payloads, as the extension would post them.

``fixture_captures()`` gives the capture dicts; ``ingest(server)`` posts them to a
real server (platform and operation are inferred from the URLs, as in production).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import FIXTURES, Server, capture

X = "https://x.com/i/api/graphql/Q1MnNuM6DdwU1tlBdyG8iw/"
MASTO = "https://mastodon.social/api/v1/"
PDS = "https://morel.us-east.host.bsky.network/xrpc/"
REDDIT = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"
THREAD = "/r/Python/comments/1skq2vd/whats_your_goto_tool_for_profiling_async_python/"
HN = "https://news.ycombinator.com/"
VOYAGER = "https://www.linkedin.com/voyager/api/"
FB = "https://www.facebook.com/api/graphql/"

# (fixture, url, kind, request form for Facebook GraphQL)
FEED: list[tuple[str, str, str, str | None]] = [
    ("x/Viewer.synthetic.json", X + "Viewer", "api", None),
    ("x/HomeTimeline.synthetic.json", X + "HomeTimeline", "api", None),
    ("x/SearchTimeline.synthetic.json", X + "SearchTimeline", "api", None),
    ("x/TweetDetail.twscrape_trimmed.json", X + "TweetDetail", "api", None),
    ("x/UserTweets.twscrape_trimmed.json", X + "UserTweets", "api", None),
    (
        "mastodon/synthetic_verify_credentials.json",
        MASTO + "accounts/verify_credentials",
        "api",
        None,
    ),
    ("mastodon/extracted_GET_api_v1_timelines_home.json", MASTO + "timelines/home", "api", None),
    ("mastodon/synthetic_home_boost_quote.json", MASTO + "timelines/home?max_id=1", "api", None),
    (
        "mastodon/synthetic_status_context.json",
        MASTO + "statuses/113500000000000001/context",
        "api",
        None,
    ),
    ("mastodon/synthetic_notifications_v1.json", MASTO + "notifications", "api", None),
    ("bluesky/synthetic_getSession.json", PDS + "com.atproto.server.getSession", "api", None),
    (
        "bluesky/MarshalX_atproto_thread_view_post_with_embed_media.getPostThread.json",
        PDS + "app.bsky.feed.getPostThread?uri=a",
        "api",
        None,
    ),
    ("bluesky/synthetic_getTimeline.json", PDS + "app.bsky.feed.getTimeline?limit=30", "api", None),
    (
        "bluesky/synthetic_getAuthorFeed_own.json",
        PDS + "app.bsky.feed.getAuthorFeed?limit=30",
        "api",
        None,
    ),
    (
        "bluesky/synthetic_getPostThread_replies.json",
        PDS + "app.bsky.feed.getPostThread?uri=b",
        "api",
        None,
    ),
    (
        "bluesky/synthetic_getPostThreadV2.json",
        PDS + "app.bsky.unspecced.getPostThreadV2?anchor=c",
        "api",
        None,
    ),
    ("reddit/synthetic_api_v1_me.json", OAUTH + "/api/v1/me", "api", None),
    ("reddit/praw_popular_hot_trimmed.json", OAUTH + "/r/popular/hot", "api", None),
    ("reddit/synthetic_comments_page.json", REDDIT + THREAD + ".json", "api", None),
    ("reddit/synthetic_best_listing.json", OAUTH + "/best", "api", None),
    ("reddit/synthetic_shreddit_subreddit_page.html", REDDIT + "/r/Python/", "document", None),
    ("hackernews/easyhn_news.html", HN + "news", "document", None),
    ("hackernews/synthetic_item_logged_in.html", HN + "item?id=48400001", "document", None),
    ("hackernews/synthetic_newest_logged_in.html", HN + "newest", "document", None),
    (
        "hackernews/synthetic_threads_logged_in.html",
        HN + "threads?id=kestrel_dev",
        "document",
        None,
    ),
    ("linkedin/voyager_me.json", VOYAGER + "me", "api", None),
    (
        "linkedin/voyager_feed_updatesV2_legacy.json",
        VOYAGER + "feed/updatesV2?count=5&q=feed",
        "api",
        None,
    ),
    (
        "linkedin/voyager_graphql_FeedDashMainFeed.json",
        VOYAGER + "graphql?variables=(start:10)&queryId=voyagerFeedDashMainFeed.7a50ef8b",
        "api",
        None,
    ),
    (
        "linkedin/voyager_graphql_SocialDashComments.json",
        VOYAGER + "graphql?variables=(count:10)&queryId=voyagerSocialDashComments.200c8ad7",
        "api",
        None,
    ),
    (
        "linkedin/recent_activity_page.html",
        "https://www.linkedin.com/in/alex-chen-data/recent-activity/all/",
        "document",
        None,
    ),
    (
        "facebook/graphql_CometNewsFeedPaginationQuery.ndjson",
        FB,
        "api",
        "CometNewsFeedPaginationQuery",
    ),
    (
        "facebook/graphql_SearchCometResultsPaginatedResultsQuery.json",
        FB,
        "api",
        "SearchCometResultsPaginatedResultsQuery",
    ),
    (
        "facebook/garcon_real-page-a-text-story-with-image.html",
        "https://www.facebook.com/100028295814975/posts/1053189635634220",
        "document",
        None,
    ),
]


def graphql_form(friendly_name: str) -> str:
    return (
        "av=100009876543210&__user=100009876543210&fb_api_caller_class=RelayModern"
        f"&fb_api_req_friendly_name={friendly_name}&variables=%7B%7D"
    )


def fixture_captures(at: datetime | None = None) -> list[dict[str, Any]]:
    """One capture per fixture, a second apart (so the newest-wins upserts are ordered)."""
    start = at or datetime.now(UTC) - timedelta(minutes=10)
    items = []
    for index, (name, url, kind, form) in enumerate(FEED):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        body: Any = json.loads(text) if name.endswith(".json") else text
        extra: dict[str, Any] = {"page_url": url}
        if form is not None:
            extra.update(method="POST", request_body=graphql_form(form))
        when = (start + timedelta(seconds=index)).isoformat()
        items.append(capture(url, body, kind=kind, captured_at=when, **extra))
    return items


def ingest(server: Server) -> dict[str, str]:
    """Post every fixture; the capture statuses by fixture name."""
    items = fixture_captures()
    response = server.post_captures(*items)
    assert response.status_code == 200, response.text
    statuses = response.json()["statuses"]
    return {name: statuses[item["id"]] for (name, *_), item in zip(FEED, items, strict=True)}
