"""The built-in X plugin's declaration: capture rules, locator and viewer hint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import seenby
import seenby_plugins.x as x_plugin
from seenby.testing import load_body, make_capture, parse_with

FIXTURES = Path(__file__).parent.parent / "fixtures" / "x"
GRAPHQL = "https://x.com/i/api/graphql/Q1MnNuM6DdwU1tlBdyG8iw/"


def platform() -> seenby.Platform:
    (declared,) = x_plugin.seenby_platforms()
    return declared


def all_patterns() -> list[str]:
    declared = platform()
    return [
        *(rule.url_pattern for rule in declared.api),
        *(rule.url_pattern for rule in declared.actions),
        *(rule.body_pattern for rule in declared.actions if rule.body_pattern),
    ]


def test_declares_x_with_its_hosts() -> None:
    declared = platform()
    assert declared.name == "x"
    assert {"x.com", "twitter.com"} <= set(declared.hosts)
    assert not declared.any_host


def test_patterns_are_valid_python_and_javascript_regexes() -> None:
    for pattern in all_patterns():
        re.compile(pattern)
        assert "(?P<" not in pattern
        assert not re.search(r"\(\?[aiLmsux]", pattern), pattern


@pytest.mark.parametrize(
    ("url", "operation"),
    [
        (GRAPHQL + "HomeTimeline?variables=%7B%22count%22%3A20%7D", "HomeTimeline"),
        (GRAPHQL + "HomeLatestTimeline", "HomeLatestTimeline"),
        ("https://twitter.com/i/api/graphql/xOhkmRac04YFZmOzU9PJHg/TweetDetail?v=1", "TweetDetail"),
        (
            "https://x.com/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets?variables=%7B%7D",
            "UserTweets",
        ),
        ("https://x.com/i/api/graphql/nK1dw4oV3k4w5TdtcAdSww/SearchTimeline?q=1", "SearchTimeline"),
        (
            "https://x.com/i/api/graphql/32pL5BWe9WKeSK1MoPvFQQ/UserByScreenName?x",
            "UserByScreenName",
        ),
        ("https://x.com/i/api/graphql/-876iyxD1O_0X0BqeykjZA/Viewer?variables=%7B%7D", "Viewer"),
    ],
)
def test_api_rule_matches_its_operation_only(url: str, operation: str) -> None:
    matched = [rule.operation for rule in platform().api if re.search(rule.url_pattern, url)]
    assert matched == [operation]


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/home",
        "https://x.com/i/api/graphql/-876iyxD1O_0X0BqeykjZA/ViewerAccountSync",
        "https://x.com/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweetsFoo",
        "https://evil.example/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets",
        "https://api.x.com/2/tweets/search/recent",
        "https://mastodon.social/api/v1/timelines/home",
    ],
)
def test_api_rules_ignore_unrelated_urls(url: str) -> None:
    assert not [rule for rule in platform().api if re.search(rule.url_pattern, url)]


def matching_actions(url: str, body: str = "") -> list[tuple[str, bool]]:
    return [
        (rule.action, rule.undo)
        for rule in platform().actions
        if re.search(rule.url_pattern, url)
        and (rule.body_pattern is None or re.search(rule.body_pattern, body))
    ]


def test_action_rules_match_the_documented_requests() -> None:
    assert matching_actions(GRAPHQL + "FavoriteTweet") == [("like", False)]
    assert matching_actions(GRAPHQL + "UnfavoriteTweet") == [("like", True)]
    assert matching_actions(GRAPHQL + "DeleteRetweet") == [("repost", True)]
    assert matching_actions(GRAPHQL + "CreateBookmark") == [("bookmark", False)]
    assert matching_actions("https://x.com/i/api/1.1/friendships/destroy.json") == [
        ("follow", True)
    ]
    reply = '{"variables":{"tweet_text":"hi","reply":{"in_reply_to_tweet_id":"1"}}}'
    assert matching_actions(GRAPHQL + "CreateTweet", reply) == [("reply", False), ("post", False)]
    quote = '{"variables":{"attachment_url":"https://x.com/a/status/2"}}'
    assert matching_actions(GRAPHQL + "CreateNoteTweet", quote) == [
        ("quote", False),
        ("post", False),
    ]
    assert matching_actions(GRAPHQL + "TweetDetail") == []


def test_locator_reads_the_same_post_id_as_the_parser() -> None:
    locator = platform().locator
    assert locator is not None and locator.id_pattern is not None
    # The permalink around <time> as X renders it, and its analytics variant.
    body = load_body(FIXTURES / "HomeTimeline.synthetic.json")
    result = parse_with(x_plugin, make_capture(GRAPHQL + "HomeTimeline", body, platform="x"))
    assert result is not None
    posts = {post.post_id for post in result.posts}
    for href in (
        "/nadia_ships/status/2088190455821312341",
        "/nadia_ships/status/2088190455821312341/analytics",
    ):
        match = re.search(locator.id_pattern, href)
        assert match is not None
        assert locator.id_template.format(id=match.group(1), host="x.com") in posts
    assert locator.post_selector == 'article[data-testid="tweet"]'


def test_viewer_hint_reads_the_handle_from_the_profile_tab() -> None:
    hint = platform().viewer
    assert hint is not None and hint.pattern is not None
    match = re.search(hint.pattern, "/mara_builds")
    assert match is not None and match.group(1) == "mara_builds"
    assert re.search(hint.pattern, "/mara_builds/status/1") is None
