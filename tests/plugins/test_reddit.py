"""The Reddit plugin against PRAW's real listing and synthetic documented shapes."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import seenby
from seenby.testing import load_body, make_capture, parse_with
from seenby.types import CaptureKind
from seenby_plugins import reddit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reddit"
WWW = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"
THREAD = "/r/Python/comments/1skq2vd/whats_your_goto_tool_for_profiling_async_python/"


def _platform() -> seenby.Platform:
    (platform,) = reddit.seenby_platforms()
    return platform


def _api(name: str, url: str, operation: str | None = None) -> seenby.Capture:
    return make_capture(url, load_body(FIXTURES / name), platform="reddit", operation=operation)


def _parse(capture: seenby.Capture) -> seenby.ParseResult:
    result = parse_with(reddit, capture)
    assert result is not None
    return result


def _posts(result: seenby.ParseResult) -> dict[str, seenby.Post]:
    return {post.post_id: post for post in result.posts}


def _metrics(result: seenby.ParseResult) -> dict[str, seenby.PostMetrics]:
    return {metrics.post_id: metrics for metrics in result.metrics}


def _acts(result: seenby.ParseResult) -> set[tuple[str, str | None, bool, str]]:
    return {(i.kind, i.post_id, i.undone, i.source) for i in result.interactions}


# --- declaration ---------------------------------------------------------------------------


API_URLS = [
    (f"{OAUTH}/r/popular/hot?limit=100&raw_json=1", "Listing"),
    (f"{OAUTH}/best?raw_json=1", "Listing"),
    (f"{OAUTH}/", "Listing"),
    (f"{WWW}/r/Python/hot.json", "Listing"),
    (f"{WWW}/r/Python/.json?after=t3_1skq2vd", "Listing"),
    (f"{WWW}/.json", "Listing"),
    ("https://old.reddit.com/r/all/top.json?t=day", "Listing"),
    (f"{WWW}/user/asyncio_ace/submitted.json", "Listing"),
    (f"{WWW}{THREAD}.json", "Comments"),
    ("https://old.reddit.com/r/Python/comments/1skq2vd.json", "Comments"),
    (f"{OAUTH}/comments/1skq2vd?raw_json=1&limit=500", "Comments"),
    (f"{WWW}/user/asyncio_ace/about.json", "UserAbout"),
    (f"{OAUTH}/user/asyncio_ace/about?raw_json=1", "UserAbout"),
    (f"{OAUTH}/api/v1/me?raw_json=1", "Me"),
    (f"{WWW}/api/me.json", "Me"),
    (
        f"{WWW}/svc/shreddit/community-more-posts/hot/?after=dDNfMXNrcTJ2ZA%3D%3D&t=DAY"
        "&name=Python&feedLength=28",
        "ShredditPartial",
    ),
    (f"{WWW}/svc/shreddit/comments/r/Python/t3_1skq2vd", "ShredditPartial"),
]
NOT_API_URLS = [
    f"{WWW}/r/Python/",
    f"{WWW}{THREAD}",
    f"{WWW}/r/Python/about.json",
    f"{OAUTH}/api/vote?raw_json=1",
    "https://www.redditstatic.com/shreddit/en-US/manifest.json",
    "https://www.reddit.com.evil.example/.json",
]


@pytest.mark.parametrize(("url", "operation"), API_URLS)
def test_api_rules_match_exactly_one_operation(url: str, operation: str) -> None:
    assert [r.operation for r in _platform().api if re.search(r.url_pattern, url)] == [operation]


@pytest.mark.parametrize("url", NOT_API_URLS)
def test_api_rules_ignore_pages_and_other_hosts(url: str) -> None:
    assert not [r for r in _platform().api if re.search(r.url_pattern, url)]


def test_document_rule_matches_shreddit_pages_only() -> None:
    (rule,) = _platform().documents
    assert rule.operation == "ShredditPage"
    for url in [f"{WWW}/", f"{WWW}/r/Python/", f"{WWW}{THREAD}", f"{WWW}/user/spez/"]:
        assert re.search(rule.url_pattern, url), url
    for url in [f"{WWW}/r/Python/hot.json", f"{WWW}/svc/shreddit/feeds/popular-feed", OAUTH]:
        assert not re.search(rule.url_pattern, url), url


def test_action_rules_match_votes_comments_and_saves() -> None:
    actions = _platform().actions
    graphql = next(rule for rule in actions if rule.body_pattern)
    vote_body = json.dumps(
        {
            "operation": "UpdatePostVoteState",
            "variables": {"input": {"postId": "t3_1skq2vd", "voteState": "UP"}},
            "csrf_token": "d1c5e0a9b7",
        }
    )
    assert re.search(graphql.url_pattern, f"{WWW}/svc/shreddit/graphql")
    assert graphql.body_pattern is not None and re.search(graphql.body_pattern, vote_body)
    assert not re.search(graphql.body_pattern, '{"operation":"GetUserKarma"}')

    def matching(url: str) -> list[str]:
        return [r.action for r in actions if not r.body_pattern and re.search(r.url_pattern, url)]

    assert matching(f"{OAUTH}/api/vote/?raw_json=1") == ["vote"]
    assert matching("https://old.reddit.com/api/vote") == ["vote"]
    assert matching(f"{OAUTH}/api/comment/?raw_json=1") == ["comment"]
    assert matching(f"{OAUTH}/api/save") == ["save"]
    assert matching(f"{OAUTH}/api/unsave") == ["unsave"]
    assert matching(f"{OAUTH}/api/subscribe/?raw_json=1") == []


def test_locator_reads_the_parsers_post_id() -> None:
    locator = _platform().locator
    assert locator is not None and locator.id_pattern is not None
    html = (FIXTURES / "synthetic_shreddit_subreddit_page.html").read_text()
    value = re.search(r'<shreddit-post id="([^"]*)"', html)
    assert value is not None
    match = re.search(locator.id_pattern, value.group(1))
    assert match is not None
    post_id = locator.id_template.format(id=match.group(1), host="www.reddit.com")
    parsed = _parse(make_capture(f"{WWW}/r/Python/", html, kind="document", platform="reddit"))
    assert post_id == parsed.posts[0].post_id == "t3_1skq2vd"


def _all_patterns(platform: seenby.Platform) -> list[str]:
    patterns = [rule.url_pattern for rule in platform.api]
    patterns += [rule.url_pattern for rule in platform.documents]
    patterns += [rule.url_pattern for rule in platform.actions]
    patterns += [rule.body_pattern for rule in platform.actions if rule.body_pattern]
    assert platform.locator is not None and platform.locator.id_pattern is not None
    assert platform.viewer is not None and platform.viewer.pattern is not None
    return [*patterns, platform.locator.id_pattern, platform.viewer.pattern]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_patterns_behave_the_same_in_javascript() -> None:
    rules = _platform().api
    api = [(rule.url_pattern, url, rule.operation == op) for url, op in API_URLS for rule in rules]
    document = _platform().documents[0].url_pattern
    cases = [
        *api,
        (document, f"{WWW}/r/Python/", True),
        (document, f"{WWW}/r/Python/hot.json", False),
        *[(pattern, "", None) for pattern in _all_patterns(_platform())],
    ]
    script = (
        "for (const [p, u, want] of JSON.parse(process.argv[1])) {"
        " const got = new RegExp(p).test(u);"
        " if (want !== null && got !== want) throw new Error(p + ' on ' + u); }"
    )
    subprocess.run(["node", "-e", script, json.dumps(cases)], check=True)


# --- JSON ----------------------------------------------------------------------------------


def test_real_popular_listing() -> None:
    result = _parse(_api("praw_popular_hot_trimmed.json", f"{OAUTH}/r/popular/hot", "Listing"))
    assert result.operation == "Listing"
    assert result.errors == []
    assert len(result.posts) == 12
    posts = _posts(result)
    first = posts["t3_1skjxta"]
    assert first.author_id == "airplane231"
    assert first.community == "MMA"
    assert first.kind == "link"  # a streamable.com video
    assert first.title is not None and first.title.startswith("Ulberg on Jiri showing mercy")
    assert first.text == "https://x.com/arielhelwani/status/2043757261882044451"
    assert first.created_at == datetime(2026, 4, 13, 18, 44, 8, tzinfo=UTC)
    assert first.url == (
        "https://www.reddit.com/r/MMA/comments/1skjxta/ulberg_on_jiri_showing_mercy_thats_bullshit_total/"
    )
    assert first.promoted is False
    self_post = posts["t3_1sk894v"]
    assert (self_post.kind, self_post.author_id) == ("post", "Elestria_Ethereal")
    assert self_post.text is not None and self_post.text.startswith("This is ridiculous the movie")
    assert posts["t3_1skl1i1"].kind == "post"  # hosted on v.redd.it
    assert posts["t3_1skl1i1"].text is None  # empty selftext
    metrics = _metrics(result)
    assert (metrics["t3_1skjxta"].score, metrics["t3_1skjxta"].replies) == (546, 495)
    assert metrics["t3_1skjxta"].upvote_ratio == 0.8
    assert metrics["t3_1skjxta"].views is None  # view_count is null
    assert metrics["t3_1skjxta"].likes is None
    assert metrics["t3_1sklidt"].reposts == 3  # num_crossposts
    assert (metrics["t3_1sk894v"].score, metrics["t3_1sk894v"].replies) == (2686, 533)
    # hide_score posts still carry their real score.
    assert metrics["t3_1skl1i1"].score == 714
    accounts = {account.account_id: account for account in result.accounts}
    assert len(accounts) == 12
    assert accounts["airplane231"].url == "https://www.reddit.com/user/airplane231/"
    assert accounts["airplane231"].followers is None
    assert result.interactions == [] and result.viewers == []


def test_comments_page_tree_and_viewer_flags() -> None:
    result = _parse(_api("synthetic_comments_page.json", f"{WWW}{THREAD}.json", "Comments"))
    assert result.errors == []
    posts = _posts(result)
    assert list(posts) == [
        "t3_1skq2vd",
        "t1_o1a2b3c",
        "t1_o1a2d4e",
        "t1_o1a2f5g",
        "t1_o1a2h6i",
        "t1_o1a3k8l",
    ]  # the two "more" stubs are not posts
    assert posts["t3_1skq2vd"].title == "What's your go-to tool for profiling async Python?"
    relations = {pid: (p.reply_to_id, p.root_id, p.kind) for pid, p in posts.items()}
    assert relations["t1_o1a2b3c"] == ("t3_1skq2vd", "t3_1skq2vd", "comment")
    assert relations["t1_o1a2d4e"] == ("t1_o1a2b3c", "t3_1skq2vd", "comment")
    assert relations["t1_o1a2h6i"] == ("t1_o1a2f5g", "t3_1skq2vd", "comment")
    top = posts["t1_o1a2b3c"]
    assert top.author_id == "asyncio_ace"
    assert top.text is not None and top.text.startswith("py-spy with --idle.")
    assert top.created_at == datetime(2026, 4, 14, 21, 10, 5, tzinfo=UTC)
    assert top.url == f"{WWW}{THREAD}o1a2b3c/"
    assert posts["t1_o1a2f5g"].author_id is None  # [deleted]
    metrics = _metrics(result)
    assert (metrics["t3_1skq2vd"].score, metrics["t3_1skq2vd"].replies) == (412, 57)
    assert metrics["t1_o1a2b3c"].score == 128
    assert metrics["t1_o1a2b3c"].replies is None
    assert _acts(result) == {
        ("upvote", "t3_1skq2vd", False, "flag"),
        ("bookmark", "t1_o1a2b3c", False, "flag"),
        ("downvote", "t1_o1a2h6i", False, "flag"),
    }
    assert {account.account_id for account in result.accounts} == {
        "pyfan_2026",
        "asyncio_ace",
        "tracer_bullet",
        "memray_maintainer",
    }


def test_crosspost_is_a_repost_row_plus_its_original_and_ads_are_flagged() -> None:
    result = _parse(_api("synthetic_best_listing.json", f"{OAUTH}/best"))
    posts = _posts(result)
    crosspost = posts["t3_1skz9ab"]
    assert (crosspost.kind, crosspost.repost_of_id) == ("repost", "t3_1sk717b")
    assert (crosspost.author_id, crosspost.community) == ("bridgewatcher", "bridges")
    original = posts["t3_1sk717b"]
    assert (original.kind, original.author_id, original.community) == (
        "post",
        "ThinkThenPost",
        "interestingasfuck",
    )
    assert _metrics(result)["t3_1sk717b"].score == 12733
    ad = posts["t3_1skad77"]
    assert (ad.promoted, ad.kind, ad.author_id) == (True, "link", "FathomDB")
    assert _acts(result) == {
        ("upvote", "t3_1skz9ab", False, "flag"),
        ("downvote", "t3_1skm4tq", False, "flag"),
        ("bookmark", "t3_1skm4tq", False, "flag"),
    }


def test_user_about_gives_followers_from_the_profile_subreddit() -> None:
    result = _parse(_api("synthetic_user_about.json", f"{WWW}/user/asyncio_ace/about.json"))
    assert result.operation == "UserAbout"
    (account,) = result.accounts
    assert account.account_id == "asyncio_ace"
    assert account.display_name == "Async Ace"
    assert account.followers == 1873
    assert account.verified is True
    assert account.created_at == datetime(2017, 1, 1, tzinfo=UTC)
    assert account.bio == "Backend engineer. I profile things for fun."
    assert result.viewers == []


def test_me_endpoint_names_the_viewer() -> None:
    result = _parse(_api("synthetic_api_v1_me.json", f"{OAUTH}/api/v1/me?raw_json=1", "Me"))
    assert result.viewers == [
        seenby.Viewer(platform="reddit", account_id="pyfan_2026", handle="pyfan_2026")
    ]
    (account,) = result.accounts
    assert (account.account_id, account.followers) == ("pyfan_2026", 12)


def test_one_corrupt_child_is_reported_and_the_rest_kept() -> None:
    body: dict[str, Any] = load_body(FIXTURES / "praw_popular_hot_trimmed.json")
    broken = copy.deepcopy(body)
    broken["data"]["children"][3]["data"] = "not an object"
    broken["data"]["children"][5] = {"kind": "t3", "data": {"title": "no id at all"}}
    result = _parse(make_capture(f"{OAUTH}/r/popular/hot", broken, platform="reddit"))
    assert len(result.posts) == 10
    assert "t3_1skii2f" not in _posts(result) and "t3_1skjxta" in _posts(result)
    assert len(result.errors) == 2
    assert result.errors[0].startswith("listing child 3")


@pytest.mark.parametrize(
    "body",
    [{"kind": "t5", "data": {"display_name": "Python"}}, {"error": 403}, [], "<html></html>"],
)
def test_unknown_json_shapes_are_unrecognized(body: Any) -> None:
    capture = make_capture(f"{OAUTH}/r/Python/hot", body, platform="reddit")
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_with(reddit, capture)


# --- contract ------------------------------------------------------------------------------


def test_other_platforms_and_impressions_are_not_ours() -> None:
    other = make_capture(f"{OAUTH}/best", {"kind": "Listing"}, platform="hackernews")
    assert reddit.seenby_parse(other) is None
    impression = make_capture(f"{WWW}/r/Python/", None, kind="impression", platform="reddit")
    assert reddit.seenby_parse(impression) is None


@pytest.mark.parametrize(
    ("name", "url", "kind"),
    [
        ("praw_popular_hot_trimmed.json", f"{OAUTH}/r/popular/hot", "api"),
        ("synthetic_comments_page.json", f"{WWW}{THREAD}.json", "api"),
        ("synthetic_best_listing.json", f"{OAUTH}/best", "api"),
        ("synthetic_user_about.json", f"{WWW}/user/asyncio_ace/about.json", "api"),
        ("synthetic_api_v1_me.json", f"{OAUTH}/api/v1/me", "api"),
        ("synthetic_shreddit_subreddit_page.html", f"{WWW}/r/Python/", "document"),
        (
            "synthetic_shreddit_comments_partial.html",
            f"{WWW}/svc/shreddit/comments/r/x/t3_1",
            "api",
        ),
    ],
)
def test_parsing_is_deterministic(name: str, url: str, kind: CaptureKind) -> None:
    def capture() -> seenby.Capture:
        body = load_body(FIXTURES / name)
        return make_capture(url, body, kind=kind, platform="reddit", capture_id="fixed")

    assert _parse(capture()) == _parse(capture())


def test_a_malformed_reply_listing_keeps_its_comment() -> None:
    body = load_body(FIXTURES / "synthetic_comments_page.json")
    body[1]["data"]["children"][1]["data"]["replies"] = {"kind": "Listing", "data": {}}
    result = _parse(make_capture(f"{WWW}{THREAD}.json", body, platform="reddit"))
    assert "t1_o1a3k8l" in _posts(result)
    assert result.errors == [
        "listing child 1 (t1_o1a3k8l): t1_o1a3k8l: replies are neither empty nor a Listing"
    ]
