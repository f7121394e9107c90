"""The built-in X plugin on what X answers: timelines, posts, accounts, viewer flags.

The declaration and the user's own actions are tested in test_x_declaration.py and
test_x_actions.py."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

import seenby
import seenby_plugins.x as x_plugin
from seenby.testing import load_body, make_capture, parse_with

FIXTURES = Path(__file__).parent.parent / "fixtures" / "x"
SHARED_FIXTURES = Path("/work/shared/fixtures/x")
GRAPHQL = "https://x.com/i/api/graphql/Q1MnNuM6DdwU1tlBdyG8iw/"


def parse(operation: str, body: Any, **kwargs: Any) -> seenby.ParseResult:
    capture = make_capture(GRAPHQL + operation, body, platform="x", **kwargs)
    result = parse_with(x_plugin, capture)
    assert result is not None
    return result


def parse_fixture(name: str, operation: str) -> seenby.ParseResult:
    return parse(operation, load_body(FIXTURES / name))


def by_id(rows: list[Any], attribute: str) -> dict[str, Any]:
    return {getattr(row, attribute): row for row in rows}


def keys(result: seenby.ParseResult) -> set[tuple[str, str | None, str | None, bool, str]]:
    return {(i.kind, i.post_id, i.account_id, i.undone, i.source) for i in result.interactions}


# --- real payloads --------------------------------------------------------------


def test_user_tweets_fixture() -> None:
    result = parse_fixture("UserTweets.twscrape_trimmed.json", "UserTweets")
    assert result.errors == [] and result.operation == "UserTweets"
    posts, metrics = by_id(result.posts, "post_id"), by_id(result.metrics, "post_id")
    accounts = by_id(result.accounts, "account_id")

    pinned = posts["2019881223666233717"]
    assert pinned.author_id == "2244994945" and pinned.kind == "post" and pinned.promoted is False
    assert pinned.text is not None and pinned.text.startswith(
        "Officially launching X API Pay-Per-Use"
    )
    assert pinned.created_at == datetime(2026, 2, 6, 21, 9, 45, tzinfo=UTC)
    assert pinned.url == "https://x.com/XDevelopers/status/2019881223666233717"
    assert (metrics["2019881223666233717"].likes, metrics["2019881223666233717"].views) == (
        5569,
        2525462,
    )

    # A repost is its own row pointing at the original, which is a row of its own.
    repost = posts["2083305234688803178"]
    assert (repost.kind, repost.repost_of_id, repost.text) == (
        "repost",
        "2083289084567724316",
        None,
    )
    assert "2083305234688803178" not in metrics  # its figures are the original's
    original = posts["2083289084567724316"]
    assert original.author_id == "2606432720" and original.promoted is None
    assert accounts["2606432720"].handle == "benjitaylor"
    assert accounts["2606432720"].followers == 188910
    original_metrics = metrics["2083289084567724316"]
    assert (original_metrics.likes, original_metrics.replies, original_metrics.reposts) == (
        674,
        44,
        31,
    )
    assert (original_metrics.quotes, original_metrics.bookmarks, original_metrics.views) == (
        13,
        117,
        104358,
    )

    quote = posts["2082641493324337409"]
    assert (quote.kind, quote.quote_of_id) == ("quote", "2082640274845811115")
    assert quote.text is not None and quote.text.startswith("ladies & gentlemen")  # &amp; undone
    # A quoted post's own quote is only referenced (quotedRefResult).
    assert posts["2082134521370272218"].quote_of_id == "2082134072793637196"

    thread_reply = posts["2082640276389249363"]
    assert (thread_reply.kind, thread_reply.reply_to_id, thread_reply.root_id) == (
        "reply",
        "2082640274845811115",
        "2082640274845811115",
    )

    developers = accounts["2244994945"]
    assert (developers.handle, developers.display_name) == ("XDevelopers", "Developers")
    assert (developers.followers, developers.following, developers.posts_count) == (
        695695,
        762,
        4319,
    )
    assert developers.verified is True
    assert accounts["31311757"].handle == "googlemaps"  # from who-to-follow
    assert accounts["31311757"].followers == 4095315
    assert keys(result) == {("follow", None, "2244994945", False, "flag")}


def test_tweet_detail_fixture() -> None:
    result = parse_fixture("TweetDetail.twscrape_trimmed.json", "TweetDetail")
    assert result.errors == []
    posts, metrics = by_id(result.posts, "post_id"), by_id(result.metrics, "post_id")
    focal = posts["1649191520250245121"]
    assert focal.text == (
        "Today, we are deprecating our Premium v1.1 API, including Premium Search and "
        "Account Activity API."
    )
    assert focal.created_at == datetime(2023, 4, 20, 23, 21, 13, tzinfo=UTC)
    assert (focal.kind, focal.root_id, focal.lang) == ("post", None, "en")
    figures = metrics["1649191520250245121"]
    assert (figures.likes, figures.replies, figures.reposts, figures.quotes) == (426, 93, 202, 118)
    assert (figures.views, figures.bookmarks) == (979440, 73)

    self_thread = posts["1649191523697979392"]
    assert (self_thread.reply_to_id, self_thread.root_id) == (
        "1649191522485817345",
        "1649191520250245121",
    )
    # Leading "@TwitterDev " is outside display_text_range.
    assert posts["1649255409897861120"].text == "This is terrible!"
    assert posts["1649225698102636544"].lang == "ja"
    media_only = posts["1649204618902097920"]
    assert (media_only.text, media_only.lang) == (None, None)
    ashevat = by_id(result.accounts, "account_id")["108209516"]
    assert (ashevat.handle, ashevat.followers, ashevat.verified) == ("ashevat", 18133, False)


@pytest.mark.parametrize(
    ("name", "operation"),
    [
        ("twscrape_raw_user_tweets.json", "UserTweets"),
        ("twscrape_raw_tweet_details.json", "TweetDetail"),
    ],
)
def test_untrimmed_shared_fixtures_parse_cleanly(name: str, operation: str) -> None:
    if not (SHARED_FIXTURES / name).exists():
        pytest.skip("shared fixtures are not on this machine")
    result = parse(operation, load_body(SHARED_FIXTURES / name))
    assert result.errors == []
    assert len(result.posts) == {"UserTweets": 41, "TweetDetail": 37}[operation]


# --- documented shapes without a real sample (synthetic fixtures) ------------------


def test_home_timeline() -> None:
    result = parse_fixture("HomeTimeline.synthetic.json", "HomeTimeline")
    assert result.errors == []
    posts, metrics = by_id(result.posts, "post_id"), by_id(result.metrics, "post_id")
    long_post = posts["2088190455821312341"]
    assert long_post.text is not None and long_post.text.endswith("start in under 2 seconds.")
    ad = posts["2088011372640092160"]
    assert ad.promoted is True and ad.author_id == "1510027711931752448"
    assert ad.text == (
        "Open an account in 4 minutes. No branch, no paperwork, no fees for the first year."
    )
    assert metrics["2088011372640092160"].views is None  # not shown: unknown, not zero
    limited = posts["2087950311422902272"]  # behind TweetWithVisibilityResults
    assert (
        limited.text
        == "Tonight at 9: three hours of harbour jazz & the shipping forecast, read live."
    )
    assert "2087931288810016768" not in posts  # tombstone: skipped, not an error
    assert posts["2088107741398904973"].quote_of_id == "2087702236110925825"
    assert posts["2088201987765530624"].repost_of_id == "2087702236110925825"
    assert posts["2088153376626135043"].text == (
        "A real debugger. printf served me for ten years and I don't miss it."
    )
    radio = by_id(result.accounts, "account_id")["47183629"]  # pre-2026 user shape
    assert (radio.handle, radio.followers, radio.following, radio.posts_count) == (
        "harborlights",
        12877,
        301,
        35520,
    )
    assert keys(result) == {
        ("like", "2088190455821312341", None, False, "flag"),
        ("bookmark", "2088190455821312341", None, False, "flag"),
        ("repost", "2087950311422902272", None, False, "flag"),
        ("follow", None, "1290412298370691072", False, "flag"),
        ("follow", None, "47183629", False, "flag"),
    }


def test_search_timeline_with_fields_outside_legacy() -> None:
    result = parse_fixture("SearchTimeline.synthetic.json", "SearchTimeline")
    (post,) = result.posts
    assert post.text == "Benchmarks without error bars are vibes with extra steps."
    assert post.created_at == datetime(2026, 8, 18, 17, 19, 12, tzinfo=UTC)
    (figures,) = result.metrics
    assert (figures.likes, figures.reposts, figures.views) == (311, 40, 21034)


def test_viewer_query_names_the_users_own_account() -> None:
    result = parse_fixture("Viewer.synthetic.json", "Viewer")
    assert result.viewers == [
        seenby.Viewer(platform="x", account_id="1583202117459812352", handle="mara_builds")
    ]
    assert result.accounts[0].followers == 1342


def test_profile_header() -> None:
    result = parse_fixture("UserByScreenName.synthetic.json", "UserByScreenName")
    (account,) = result.accounts
    assert (account.handle, account.followers, account.verified) == ("nadia_ships", 48213, True)
    assert account.created_at == datetime(2020, 8, 8, 16, 20, 31, tzinfo=UTC)
    assert keys(result) == {("follow", None, "1290412298370691072", False, "flag")}


def test_older_user_timeline_path_and_added_module_items() -> None:
    body = load_body(FIXTURES / "UserTweets.twscrape_trimmed.json")
    user = body["data"]["user"]["result"]
    user["timeline_v2"] = user.pop("timeline")
    instructions = user["timeline_v2"]["timeline"]["instructions"]
    added = instructions.pop(2)["entries"][3]["content"]["items"]  # profile-conversation
    instructions.append({"type": "TimelineAddToModule", "moduleItems": added})
    result = parse("UserTweets", body)
    assert result.errors == []
    assert {"2019881223666233717", "2082640274845811115", "2082640276389249363"} <= {
        post.post_id for post in result.posts
    }


# --- robustness ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [{"data": {"home": {}}}, {"unexpected": True}, "<html>nope</html>"]
)
def test_unknown_shape_is_unrecognized(body: Any) -> None:
    with pytest.raises(seenby.UnrecognizedPayload):
        parse("HomeTimeline", body)


def test_error_only_answer_lists_the_errors() -> None:
    result = parse("HomeTimeline", {"errors": [{"message": "Rate limit exceeded", "code": 88}]})
    assert result.posts == [] and result.errors == ["HomeTimeline: Rate limit exceeded"]


def test_corrupt_entries_do_not_lose_the_others() -> None:
    body = copy.deepcopy(load_body(FIXTURES / "HomeTimeline.synthetic.json"))
    entries = body["data"]["home"]["home_timeline_urt"]["instructions"][0]["entries"]
    entries[0]["content"]["itemContent"]["tweet_results"]["result"] = {
        "__typename": "Tweet",
        "legacy": {},
    }
    entries[2]["content"]["itemContent"] = {"itemType": "TimelineHologram"}
    result = parse("HomeTimeline", body)
    assert result.errors == [
        "tweet-2088190455821312341: tweet result without rest_id",
        "tweet-2087950311422902272: unknown timeline item 'TimelineHologram'",
    ]
    assert "2088107741398904973" in {post.post_id for post in result.posts}
    assert len(result.posts) == 6


def test_other_platforms_and_impressions_are_not_ours() -> None:
    body = load_body(FIXTURES / "Viewer.synthetic.json")
    assert parse_with(x_plugin, make_capture(GRAPHQL + "Viewer", body, platform="bluesky")) is None
    impression = make_capture("https://x.com/home", {}, platform="x", kind="impression")
    assert parse_with(x_plugin, impression) is None
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_with(
            x_plugin, make_capture("https://x.com/home", "<html/>", platform="x", kind="document")
        )


def test_parsing_is_deterministic_and_reads_raw_json_bytes() -> None:
    raw = (FIXTURES / "HomeTimeline.synthetic.json").read_bytes()
    capture = make_capture(GRAPHQL + "HomeTimeline", None, platform="x")
    server_side = msgspec.structs.replace(capture, body_json=raw)  # as the server sends it
    first, second = parse_with(x_plugin, server_side), parse_with(x_plugin, server_side)
    from_dict = parse("HomeTimeline", json.loads(raw))
    assert first == second == from_dict


def test_single_tweet_lookup() -> None:
    search = load_body(FIXTURES / "SearchTimeline.synthetic.json")
    timeline = search["data"]["search_by_raw_query"]["search_timeline"]["timeline"]
    tweet = timeline["instructions"][0]["entries"][0]["content"]["itemContent"]["tweet_results"]
    result = parse("TweetResultByRestId", {"data": {"tweetResult": tweet}})
    assert [post.post_id for post in result.posts] == ["2088240120554885120"]
    with pytest.raises(seenby.UnrecognizedPayload):
        parse("TweetResultByRestId", {"data": {"tweetResult": {}}})
