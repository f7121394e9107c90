"""Each platform end to end: a recorded payload posted to a real server lands in posts_latest.

The platform is left out of every capture so that inference from the URL is
exercised too; values are the ones in the recorded payloads.
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, Server, capture

CASES: dict[str, tuple[str, str, str, str, dict[str, object]]] = {
    "x": (
        "x/UserTweets.twscrape_trimmed.json",
        "https://x.com/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets?variables=%7B%7D",
        "api",
        "2019881223666233717",
        {
            "author_handle": "XDevelopers",
            "author_followers": 695695,
            "likes": 5569,
            "replies": 783,
            "reposts": 832,
            "quotes": 573,
            "views": 2525462,
        },
    ),
    "mastodon": (
        "mastodon/extracted_GET_api_v1_timelines_home.json",
        "https://mastodon.social/api/v1/timelines/home?limit=20",
        "api",
        "mastodon.social:117020593473214477",
        {"author_handle": "mastodonpy_test@mastodon.social", "likes": 0, "replies": 0},
    ),
    "bluesky": (
        "bluesky/MarshalX_atproto_thread_view_post_with_embed_media.getPostThread.json",
        "https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread?uri=at%3A%2F%2Fx",
        "api",
        "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kahesw26il2z",
        {"author_handle": "test.marshal.dev", "likes": 0, "reposts": 0},
    ),
    "reddit": (
        "reddit/praw_popular_hot_trimmed.json",
        "https://www.reddit.com/r/popular/hot.json?limit=100",
        "api",
        "t3_1skjxta",
        {"author_handle": "airplane231", "score": 546, "replies": 495, "upvote_ratio": 0.8},
    ),
    "hackernews": (
        "hackernews/easyhn_news.html",
        "https://news.ycombinator.com/news",
        "document",
        "48350598",
        {"author_handle": "thcipriani", "title": "Chuwi Minibook X", "score": 148, "replies": 124},
    ),
    "linkedin": (
        "linkedin/voyager_feed_updatesV2_legacy.json",
        "https://www.linkedin.com/voyager/api/feed/updatesV2?count=10&q=chronFeed",
        "api",
        "urn:li:activity:7396460678427660038",
        {
            "author_handle": "jane-doe-4b21a7",
            "likes": 180,
            "replies": 37,
            "reposts": 12,
            "reactions": 214,
        },
    ),
    "facebook": (
        "facebook/garcon_real-page-a-text-story-with-image.html",
        "https://www.facebook.com/100028295814975/posts/1053189635634220",
        "document",
        "1053189635634220",
        {"author_followers": 2100, "likes": 2, "replies": 0, "reactions": 4},
    ),
}


@pytest.mark.parametrize("platform", list(CASES))
def test_recorded_payload_lands_in_posts_latest(server: Server, platform: str) -> None:
    fixture, url, kind, post_id, expected = CASES[platform]
    path = FIXTURES / fixture
    text = path.read_text(encoding="utf-8")
    body = text if kind == "document" else json.loads(text)
    item = capture(url, body, kind=kind, page_url=url)
    response = server.post_captures(item)
    assert response.status_code == 200, response.text
    assert response.json()["statuses"][item["id"]] == "parsed"
    columns = ", ".join(expected)
    rows = server.sql(f"SELECT platform, {columns} FROM posts_latest WHERE post_id = ?", [post_id])
    assert rows == [[platform, *expected.values()]]
    overlay_ids = {o["post_id"] for o in response.json()["overlays"]}
    assert post_id in overlay_ids
