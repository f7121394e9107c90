"""Facebook plugin: GraphQL answers, pages with embedded Relay data, reactions, declaration."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

import seenby
from seenby.testing import load_body, make_capture, parse_with
from seenby_plugins import facebook

FIXTURES = Path(__file__).parent.parent / "fixtures" / "facebook"
GRAPHQL_URL = "https://www.facebook.com/api/graphql/"
PROFILE_URL = (
    "https://www.facebook.com/people/P%C3%B3%C5%82-%C5%BBartem-P%C3%B3%C5%82-Serio/100028295814975/"
)
VIEWER_ID = "100009876543210"
GARCON_POST = "1053189635634220"
GARCON_AUTHOR = "100028295814975"
LIKE_REACTION = "1635855486666999"
LOVE_REACTION = "1678524932434102"


def fixture(name: str) -> Any:
    return load_body(FIXTURES / name)


def graphql_form(friendly_name: str, **extra: str) -> str:
    fields = {
        "av": VIEWER_ID,
        "__user": VIEWER_ID,
        "fb_dtsg": "NAcMx3kQ9Zt1:17:1763460000",
        "fb_api_caller_class": "RelayModern",
        "fb_api_req_friendly_name": friendly_name,
        "variables": "{}",
        "server_timestamps": "true",
        "doc_id": "7890123456789012",
        **extra,
    }
    return urlencode(fields)


def parse(body: Any, **kwargs: Any) -> seenby.ParseResult:
    kwargs.setdefault("method", "POST")
    url = kwargs.pop("url", GRAPHQL_URL)
    result = parse_with(facebook, make_capture(url, body, platform="facebook", **kwargs))
    assert result is not None
    return result


def news_feed() -> seenby.ParseResult:
    body = fixture("graphql_CometNewsFeedPaginationQuery.ndjson")
    return parse(body, request_body=graphql_form("CometNewsFeedPaginationQuery"))


def by_id(rows: list[Any], attribute: str) -> dict[str, Any]:
    return {getattr(row, attribute): row for row in rows}


# --- declaration -------------------------------------------------------------------


def platform() -> seenby.Platform:
    [declared] = facebook.seenby_platforms()
    return declared


def test_declaration_patterns_are_portable_regexes() -> None:
    declared = platform()
    assert declared.name == "facebook"
    assert declared.locator is not None and declared.locator.id_pattern is not None
    patterns = [rule.url_pattern for rule in declared.api]
    patterns += [rule.url_pattern for rule in declared.documents]
    patterns += [rule.url_pattern for rule in declared.actions]
    patterns += [rule.body_pattern for rule in declared.actions if rule.body_pattern]
    for pattern in [*patterns, declared.locator.id_pattern]:
        re.compile(pattern)
        assert "(?P<" not in pattern and "(?i" not in pattern


def test_graphql_and_page_rules() -> None:
    declared = platform()
    [graphql] = declared.api
    assert graphql.methods == ["POST"]
    for url in (
        GRAPHQL_URL,
        "https://www.facebook.com/api/graphql",
        "https://web.facebook.com/api/graphql/",
    ):
        assert re.search(graphql.url_pattern, url)
    for url in (
        "https://www.facebook.com/api/graphqlbatch/",
        "https://www.facebook.com/ajax/bz",
        "https://graph.facebook.com/v19.0/me",
    ):
        assert not re.search(graphql.url_pattern, url)
    [page] = declared.documents
    assert re.search(page.url_pattern, PROFILE_URL)
    assert re.search(page.url_pattern, "https://www.facebook.com/")
    assert not re.search(page.url_pattern, GRAPHQL_URL)
    assert not re.search(page.url_pattern, "https://www.facebook.com/ajax/bulk-route-definitions/")


def test_react_action_rule_matches_only_the_mutation() -> None:
    [react] = platform().actions
    assert react.body_pattern is not None
    assert re.search(react.body_pattern, graphql_form("CometUFIFeedbackReactMutation"))
    assert not re.search(react.body_pattern, graphql_form("CometNewsFeedPaginationQuery"))
    assert not re.search(react.body_pattern, graphql_form("CometUFIFeedbackReactMutationX"))


@pytest.mark.parametrize(
    "href",
    [
        "https://www.facebook.com/groups/portobikes/posts/1186222333444555/?__cft__[0]=AZX",
        "https://www.facebook.com/permalink.php?story_fbid=1186222333444555&id=100003456789012",
    ],
)
def test_locator_id_matches_parser_post_id(href: str) -> None:
    locator = platform().locator
    assert locator is not None and locator.id_pattern is not None
    markup = f'<a class="x1i10hfl" href="{href}" role="link" tabindex="0">2h</a>'
    value = re.search(rf'{locator.id_attribute}="([^"]+)"', markup)
    assert value is not None
    match = re.search(locator.id_pattern, value.group(1))
    assert match is not None
    post_id = locator.id_template.format(id=match.group(1), host="www.facebook.com")
    search = fixture("graphql_SearchCometResultsPaginatedResultsQuery.json")
    result = parse(
        json.dumps(search), request_body=graphql_form("SearchCometResultsPaginatedResultsQuery")
    )
    assert post_id in by_id(result.posts, "post_id")


# --- the real saved page and its story node ----------------------------------------


def test_real_profile_page_story_and_header() -> None:
    page = fixture("garcon_real-page-a-text-story-with-image.html")
    result = parse(page, kind="document", method="GET", url=PROFILE_URL)
    assert result.operation == "Page" and result.errors == []
    [post] = result.posts
    assert post.post_id == GARCON_POST
    assert post.author_id == GARCON_AUTHOR
    assert post.text == "Nasza nowość sałatka z warzyw korzennych \nz avocado i hummusem"
    assert post.created_at == datetime(2023, 1, 14, 9, 34, 59, tzinfo=UTC)
    assert post.url is not None
    assert post.url.startswith("https://www.facebook.com/permalink.php?story_fbid=pfbid0NPAVi78")
    assert (post.kind, post.promoted, post.community) == ("post", False, None)
    [metrics] = result.metrics
    assert (metrics.reactions, metrics.likes, metrics.replies, metrics.reposts) == (4, 2, 0, 0)
    assert metrics.views is None
    [author] = result.accounts
    assert author.display_name == "Pół Żartem Pół Serio"
    assert author.followers == 2100  # "2.1K followers" in the profile header
    assert (author.verified, author.handle) == (False, None)
    # Logged out: USER_ID is "0", so no viewer and no reaction flags.
    assert (result.viewers, result.interactions) == ([], [])


def test_extracted_story_node_in_a_graphql_answer() -> None:
    node = fixture("DERIVED_garcon_story_node_extracted.json")
    body = json.dumps({"data": {"node": node}, "extensions": {"is_final": True}})
    result = parse(body, request_body=graphql_form("ProfileCometTimelineFeedRefetchQuery"))
    assert result.operation == "ProfileCometTimelineFeedRefetchQuery"
    [post] = result.posts
    assert (post.post_id, post.author_id) == (GARCON_POST, GARCON_AUTHOR)
    assert result.metrics[0].reactions == 4
    assert result.viewers == [seenby.Viewer(platform="facebook", account_id=VIEWER_ID)]


# --- synthetic GraphQL answers -----------------------------------------------------


def test_streamed_news_feed_reads_every_chunk() -> None:
    result = news_feed()
    assert result.operation == "CometNewsFeedPaginationQuery" and result.errors == []
    posts = by_id(result.posts, "post_id")
    assert set(posts) == {
        "1187654321098765",
        "1188000222333444",
        "1187000111222333",
        "1189555666777888",
    }
    coffee = posts["1187654321098765"]
    assert coffee.author_id == "100064512345678"
    assert coffee.text.startswith("New single-origin from Huila is in.")
    assert coffee.created_at == datetime(2025, 11, 18, 10, 30, tzinfo=UTC)
    metrics = by_id(result.metrics, "post_id")
    # The newer story_ufi_container path, with comment_rendering_instance.
    assert (metrics["1187654321098765"].reactions, metrics["1187654321098765"].likes) == (
        1234,
        1001,
    )
    assert (metrics["1187654321098765"].replies, metrics["1187654321098765"].reposts) == (87, 15)
    accounts = by_id(result.accounts, "account_id")
    assert accounts["100064512345678"].handle == "lisboncoffeecollective"
    assert accounts["100001234567890"].display_name == "Tomasz Nowak"
    assert result.viewers == [seenby.Viewer(platform="facebook", account_id=VIEWER_ID)]


def test_share_without_text_is_a_repost_of_its_attached_story() -> None:
    posts = by_id(news_feed().posts, "post_id")
    share = posts["1188000222333444"]
    assert (share.kind, share.repost_of_id, share.text) == ("repost", "1187000111222333", None)
    original = posts["1187000111222333"]
    assert original.author_id == "100089876543210"
    assert original.text.startswith("Sunrise over Alfama")
    assert original.created_at == datetime(2025, 11, 16, 13, 33, 20, tzinfo=UTC)


def test_sponsored_video_story() -> None:
    result = news_feed()
    ad = by_id(result.posts, "post_id")["1189555666777888"]
    assert ad.promoted is True
    metrics = by_id(result.metrics, "post_id")["1189555666777888"]
    assert (metrics.views, metrics.reactions, metrics.replies, metrics.reposts) == (
        48213,
        310,
        41,
        22,
    )
    assert metrics.likes is None  # Like is not among its top reactions: unknown, not zero


def test_viewer_reaction_flag() -> None:
    assert news_feed().interactions == [
        seenby.Interaction(
            platform="facebook", kind="react", post_id="1187654321098765", source="flag"
        )
    ]


def test_search_result_story_with_feedback_on_the_story() -> None:
    body = json.dumps(fixture("graphql_SearchCometResultsPaginatedResultsQuery.json"))
    result = parse(body, request_body=graphql_form("SearchCometResultsPaginatedResultsQuery"))
    [post] = result.posts
    assert (post.post_id, post.author_id, post.community) == (
        "1186222333444555",
        "100003456789012",
        "portobikes",
    )
    [metrics] = result.metrics
    assert (metrics.reactions, metrics.likes, metrics.replies, metrics.reposts) == (9, 9, 14, 1)


def test_guarded_body_and_unrelated_query() -> None:
    body = 'for (;;);{"data":{"viewer":{"notifications_unseen_count":3}},"extensions":{}}'
    result = parse(body, request_body=graphql_form("CometNotificationsBadgeCountQuery"))
    assert result.operation == "CometNotificationsBadgeCountQuery"
    assert (result.posts, result.errors) == ([], [])


# --- actions -----------------------------------------------------------------------


def react(reaction_id: str | None) -> seenby.ParseResult:
    variables = {
        "input": {
            "attribution_id_v2": "CometHomeRoot.react,comet.home,tap_tabbar,1763461900123,523411,4748854339,,",
            "feedback_id": "ZmVlZGJhY2s6MTE4NzY1NDMyMTA5ODc2NQ==",
            "feedback_reaction_id": reaction_id,
            "feedback_source": "NEWS_FEED",
            "is_tracking_encrypted": True,
            "tracking": ["AZWz3v1Lk9QdX0pR7yTbN2mF5sJc8hGa4eUo6iYw"],
            "session_id": "7c1e9f0a-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
            "actor_id": VIEWER_ID,
            "client_mutation_id": "3",
        },
        "useDefaultActor": False,
        "scale": 1,
    }
    form = graphql_form("CometUFIFeedbackReactMutation", variables=json.dumps(variables))
    response = (
        '{"data":{"feedback_react":{"feedback":{"id":"ZmVlZGJhY2s6MTE4NzY1NDMyMTA5ODc2NQ=="}}}}'
    )
    return parse(response, kind="action", request_body=form)


def test_like_love_and_unreact_actions() -> None:
    liked = react(LIKE_REACTION)
    assert liked.operation == "CometUFIFeedbackReactMutation"
    assert liked.interactions == [
        seenby.Interaction(
            platform="facebook",
            kind="like",
            post_id="1187654321098765",
            occurred_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
            source="action",
        )
    ]
    assert liked.viewers == [seenby.Viewer(platform="facebook", account_id=VIEWER_ID)]
    assert react(LOVE_REACTION).interactions[0].kind == "react"
    removed = react("0").interactions[0]
    assert (removed.kind, removed.undone) == ("like", True)
    assert react(None).interactions[0].undone is True


def test_flag_and_action_agree_on_the_interaction_key() -> None:
    [from_action] = react(LOVE_REACTION).interactions
    [from_flag] = news_feed().interactions
    key = ("kind", "post_id", "account_id")
    assert [getattr(from_action, k) for k in key] == [getattr(from_flag, k) for k in key]


# --- robustness --------------------------------------------------------------------


def test_other_platform_and_impressions_are_ignored() -> None:
    body = fixture("graphql_CometNewsFeedPaginationQuery.ndjson")
    assert parse_with(facebook, make_capture(GRAPHQL_URL, body, platform="linkedin")) is None
    impression = make_capture(GRAPHQL_URL, body, platform="facebook", kind="impression")
    assert parse_with(facebook, impression) is None


@pytest.mark.parametrize(
    ("kind", "body", "request_body"),
    [
        ("api", "<html><body>Something went wrong</body></html>", ""),
        ("api", '{"status":"ok","payload":{"entries":[]}}', ""),
        ("document", "<html><body>Nothing here</body></html>", ""),
        ("action", "{}", graphql_form("CometUFIFeedbackReactMutation", variables='{"input":{}}')),
        ("action", "{}", graphql_form("ComposerStoryCreateMutation")),
        ("dom", {"clicked": "like"}, ""),
    ],
)
def test_unknown_shapes_are_unrecognized(kind: Any, body: Any, request_body: str) -> None:
    with pytest.raises(seenby.UnrecognizedPayload):
        parse(body, kind=kind, request_body=request_body)


def test_one_corrupt_story_keeps_the_others() -> None:
    lines = fixture("graphql_CometNewsFeedPaginationQuery.ndjson").splitlines()
    streamed = json.loads(lines[2])
    streamed["data"]["node"]["post_id"] = None
    streamed["data"]["node"]["id"] = "not base64!"
    lines[2] = json.dumps(streamed)
    result = parse("\n".join(lines), request_body=graphql_form("CometNewsFeedPaginationQuery"))
    assert len(result.errors) == 1 and "not base64!" in result.errors[0]
    assert set(by_id(result.posts, "post_id")) == {
        "1187654321098765",
        "1188000222333444",
        "1187000111222333",
    }


def test_parsing_is_deterministic() -> None:
    page = fixture("garcon_real-page-a-text-story-with-image.html")
    for capture in (
        make_capture(PROFILE_URL, page, platform="facebook", kind="document", capture_id="p"),
        make_capture(
            GRAPHQL_URL,
            fixture("graphql_CometNewsFeedPaginationQuery.ndjson"),
            platform="facebook",
            method="POST",
            request_body=graphql_form("CometNewsFeedPaginationQuery"),
            capture_id="g",
        ),
    ):
        assert parse_with(facebook, capture) == parse_with(facebook, capture)


def test_pfbid_permalink_is_an_alias_the_locator_reads() -> None:
    """Timestamp links show pfbid… ids; the parser declares them as aliases."""
    html = fixture("garcon_real-page-a-text-story-with-image.html")
    page = make_capture(PROFILE_URL, html, kind="document", platform="facebook")
    result = parse_with(facebook, page)
    assert result is not None
    [story] = [p for p in result.posts if p.post_id == GARCON_POST]
    assert story.aliases == [
        "pfbid0NPAVi78AX53SAGKhpdixFZH9GJ7Y54JaqUxr9hR5TNXaYDW29fKcUKHMM5bLPniXl"
    ]
    locator = platform().locator
    assert locator is not None and locator.id_pattern
    href = f"https://www.facebook.com/100028295814975/posts/{story.aliases[0]}?__cft__=x"
    match = re.search(locator.id_pattern, href)
    assert match is not None and match.group(1) == story.aliases[0]
