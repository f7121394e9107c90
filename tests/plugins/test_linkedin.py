"""LinkedIn plugin: Voyager legacy and dash responses, embedded pages, actions, declaration."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import seenby
from seenby.testing import load_body, make_capture, parse_with
from seenby.types import CaptureKind
from seenby_plugins import linkedin

FIXTURES = Path(__file__).parent.parent / "fixtures" / "linkedin"
VOYAGER = "https://www.linkedin.com/voyager/api/"
LEGACY_FEED_URL = VOYAGER + "feed/updatesV2?count=5&moduleKey=home-feed%3Adesktop&q=feed&start=0"
MAIN_FEED_URL = (
    VOYAGER + "graphql?variables=(start:10,count:2,sortOrder:RELEVANCE)"
    "&queryId=voyagerFeedDashMainFeed.7a50ef8ba5b7865c6c3a2b5f1f8c4a1e"
)
COMMENTS_URL = (
    VOYAGER + "graphql?variables=(count:10,numReplies:1,socialDetailUrn:urn%3Ali%3Afsd_socialDetail"
    "%3A%28urn%3Ali%3Aactivity%3A7396818339788850858%2Curn%3Ali%3Aactivity%3A7396818339788850858"
    "%2Curn%3Ali%3AhighlightedReply%3A-%29,sortOrder:RELEVANCE,start:0)"
    "&queryId=voyagerSocialDashComments.200c8ad7e1ad32ba3e5cc827ab5c3193"
)
COMMENT_ACTION_URL = (
    VOYAGER + "voyagerSocialDashNormComments?decorationId="
    "com.linkedin.voyager.dash.deco.social.NormComment-43"
)
ACTIVITY_URL = "https://www.linkedin.com/in/alex-chen-data/recent-activity/all/"
JANE = "urn:li:member:48213377"
CONTOSO = "urn:li:company:2210457"


def fixture(name: str) -> Any:
    return load_body(FIXTURES / name)


def parse(url: str, body: Any, **kwargs: Any) -> seenby.ParseResult:
    result = parse_with(linkedin, make_capture(url, body, platform="linkedin", **kwargs))
    assert result is not None
    return result


def by_id(rows: list[Any], attribute: str) -> dict[str, Any]:
    return {getattr(row, attribute): row for row in rows}


# --- declaration -------------------------------------------------------------------


def platform() -> seenby.Platform:
    [declared] = linkedin.seenby_platforms()
    return declared


def all_patterns(declared: seenby.Platform) -> list[str]:
    rules: list[Any] = [*declared.api, *declared.documents, *declared.actions]
    patterns = [rule.url_pattern for rule in rules]
    patterns += [rule.body_pattern for rule in declared.actions if rule.body_pattern]
    assert declared.locator is not None and declared.locator.id_pattern is not None
    return [*patterns, declared.locator.id_pattern]


def test_declaration_patterns_are_portable_regexes() -> None:
    declared = platform()
    assert declared.name == "linkedin"
    for pattern in all_patterns(declared):
        re.compile(pattern)
        assert "(?P<" not in pattern and "(?i" not in pattern


@pytest.mark.parametrize(
    ("url", "operation"),
    [
        (LEGACY_FEED_URL, "FeedUpdatesV2"),
        (MAIN_FEED_URL, "FeedDashMainFeed"),
        (COMMENTS_URL, "SocialDashComments"),
        (
            VOYAGER + "graphql?includeWebMetadata=true&variables=(count:20,start:0)"
            "&queryId=voyagerFeedDashProfileUpdates.4af00b28d60ed0f1488018948daad822",
            "FeedDashProfileUpdates",
        ),
        (VOYAGER + "me", "Me"),
    ],
)
def test_api_rules_match_their_endpoints(url: str, operation: str) -> None:
    matching = [rule.operation for rule in platform().api if re.search(rule.url_pattern, url)]
    assert matching == [operation]


@pytest.mark.parametrize(
    "url",
    [
        VOYAGER + "graphql?queryId=voyagerMessagingDashMessengerConversations.0c4a0d2b9f5e",
        VOYAGER + "identity/dash/profiles?q=memberIdentity",
        VOYAGER + "messaging/conversations",
        VOYAGER + "mediaUploadMetadata",
        "https://www.linkedin.com/feed/",
        "https://www.linkedin.evil.example/voyager/api/feed/updatesV2",
    ],
)
def test_api_rules_ignore_other_requests(url: str) -> None:
    assert not [rule for rule in platform().api if re.search(rule.url_pattern, url)]


def test_document_and_action_rules() -> None:
    declared = platform()
    [page] = declared.documents
    assert re.search(page.url_pattern, "https://www.linkedin.com/feed/")
    assert re.search(page.url_pattern, ACTIVITY_URL)
    assert not re.search(page.url_pattern, "https://www.linkedin.com/jobs/view/4012345678/")
    reaction_url = VOYAGER + "voyagerSocialDashReactions?threadUrn=urn%3Ali%3Aactivity%3A1"
    like_body = '{"reactionType":"LIKE"}'
    praise_body = '{"reactionType":"PRAISE"}'
    by_action = {(rule.action, rule.undo): rule for rule in declared.actions}
    like, react = by_action[("like", False)], by_action[("react", False)]
    assert re.search(like.url_pattern, reaction_url) and like.body_pattern
    assert re.search(like.body_pattern, like_body) and not re.search(like.body_pattern, praise_body)
    assert react.body_pattern and re.search(react.body_pattern, praise_body)
    assert by_action[("like", True)].methods == ["DELETE"]
    assert re.search(by_action[("reply", False)].url_pattern, COMMENT_ACTION_URL)
    share_url = VOYAGER + "graphql?action=execute&queryId=voyagerContentcreationDashShares.279996ef"
    assert re.search(by_action[("repost", False)].url_pattern, share_url)


def test_locator_id_matches_parser_post_id() -> None:
    locator = platform().locator
    assert locator is not None and locator.id_pattern is not None
    markup = (
        '<div class="feed-shared-update-v2" data-urn="urn:li:activity:7396460678427660038" '
        'role="article">'
    )
    value = re.search(rf'{locator.id_attribute}="([^"]+)"', markup)
    assert value is not None
    match = re.search(locator.id_pattern, value.group(1))
    assert match is not None
    post_id = locator.id_template.format(id=match.group(1), host="www.linkedin.com")
    posts = by_id(
        parse(LEGACY_FEED_URL, fixture("voyager_feed_updatesV2_legacy.json")).posts, "post_id"
    )
    assert post_id in posts


# --- API responses -----------------------------------------------------------------


def test_legacy_feed_posts_authors_and_metrics() -> None:
    result = parse(LEGACY_FEED_URL, fixture("voyager_feed_updatesV2_legacy.json"))
    assert result.operation == "FeedUpdatesV2" and result.errors == []
    posts = by_id(result.posts, "post_id")
    assert len(posts) == 6
    jane_post = posts["urn:li:activity:7396460678427660038"]
    assert jane_post.author_id == JANE
    assert jane_post.text.startswith("We moved our nightly batch to incremental models")
    assert jane_post.created_at == datetime(2025, 11, 18, 8, 14, 5, 331000, tzinfo=UTC)
    assert (
        jane_post.url == "https://www.linkedin.com/feed/update/urn:li:activity:7396460678427660038/"
    )
    assert (jane_post.kind, jane_post.promoted) == ("post", False)
    metrics = by_id(result.metrics, "post_id")["urn:li:activity:7396460678427660038"]
    assert (metrics.reactions, metrics.likes, metrics.replies, metrics.reposts) == (
        214,
        180,
        37,
        12,
    )
    assert metrics.views is None
    accounts = by_id(result.accounts, "account_id")
    assert accounts[JANE].handle == "jane-doe-4b21a7"
    assert accounts[JANE].display_name == "Jane Doe"
    assert accounts[JANE].bio == "Head of Data Platform at Northwind Traders"
    assert accounts[JANE].url == "https://www.linkedin.com/in/jane-doe-4b21a7/"
    assert accounts[CONTOSO].followers == 184220 and accounts[CONTOSO].handle == "contoso"


def test_legacy_feed_promoted_quote_and_repost() -> None:
    result = parse(LEGACY_FEED_URL, fixture("voyager_feed_updatesV2_legacy.json"))
    posts = by_id(result.posts, "post_id")
    assert posts["urn:li:activity:7395778461220736116"].promoted is True
    quote = posts["urn:li:activity:7396488778587274042"]
    assert quote.kind == "quote" and quote.quote_of_id == "urn:li:activity:7393580680737156226"
    original = posts["urn:li:activity:7393580680737156226"]
    assert original.author_id == "urn:li:member:33019472"
    assert original.text.startswith("Data contracts, one year in")
    assert original.created_at == datetime(2025, 11, 10, 9, 30, 0, 374000, tzinfo=UTC)
    # The reshared original has only the older socialDetail paging totals.
    fallback = by_id(result.metrics, "post_id")["urn:li:activity:7393580680737156226"]
    assert (fallback.reactions, fallback.replies, fallback.reposts, fallback.likes) == (
        96,
        14,
        5,
        None,
    )
    repost = posts["urn:li:activity:7396522853560680529"]
    assert (repost.kind, repost.text, repost.author_id) == ("repost", None, JANE)
    assert repost.repost_of_id == "urn:li:activity:7396226242305207871"


def test_legacy_liked_flag_is_an_interaction() -> None:
    result = parse(LEGACY_FEED_URL, fixture("voyager_feed_updatesV2_legacy.json"))
    assert result.interactions == [
        seenby.Interaction(
            platform="linkedin",
            kind="like",
            post_id="urn:li:activity:7396460678427660038",
            source="flag",
        )
    ]


def test_dash_feed_resolves_profiles_and_reposts() -> None:
    result = parse(MAIN_FEED_URL, fixture("voyager_graphql_FeedDashMainFeed.json"))
    assert result.operation == "FeedDashMainFeed" and result.errors == []
    posts = by_id(result.posts, "post_id")
    marco = posts["urn:li:activity:7396818339788850858"]
    assert marco.author_id == "urn:li:member:612093388"
    assert marco.created_at == datetime(2025, 11, 19, 7, 55, 18, 444000, tzinfo=UTC)
    assert "Activation went from 31% to 44%" in marco.text
    # Jane's actor has no backendUrn: her id comes from the profile the name points at.
    repost = posts["urn:li:activity:7396822708777277093"]
    assert repost.author_id == JANE
    assert (repost.kind, repost.repost_of_id) == ("repost", "urn:li:activity:7394373402923814411")
    assert posts["urn:li:activity:7394373402923814411"].author_id == CONTOSO
    metrics = by_id(result.metrics, "post_id")
    assert (metrics["urn:li:activity:7394373402923814411"].reactions,) == (1204,)
    assert metrics["urn:li:activity:7394373402923814411"].likes == 1002
    # No socialDetail entity for the repost: its counts are found by their own URN.
    assert metrics["urn:li:activity:7396822708777277093"].reactions == 2
    assert by_id(result.accounts, "account_id")[CONTOSO].followers == 184301
    assert result.interactions == [
        seenby.Interaction(
            platform="linkedin",
            kind="react",
            post_id="urn:li:activity:7396818339788850858",
            source="flag",
        )
    ]


def test_comments_and_replies() -> None:
    result = parse(COMMENTS_URL, fixture("voyager_graphql_SocialDashComments.json"))
    assert result.operation == "SocialDashComments" and result.errors == []
    posts = by_id(result.posts, "post_id")
    top = posts["urn:li:comment:(activity:7396818339788850858,7396846456789784766)"]
    assert top.kind == "comment"
    assert top.author_id == "urn:li:member:33019472"
    assert top.reply_to_id == top.root_id == "urn:li:activity:7396818339788850858"
    assert top.created_at == datetime(2025, 11, 19, 9, 47, 2, 60000, tzinfo=UTC)
    reply = posts["urn:li:comment:(activity:7396818339788850858,7396850271105292907)"]
    assert reply.reply_to_id == top.post_id
    assert reply.root_id == "urn:li:activity:7396818339788850858"
    assert reply.author_id == "urn:li:member:612093388"
    assert reply.text.startswith("Yes: median time-to-first-value dropped")
    [metrics] = result.metrics
    assert (metrics.post_id, metrics.likes, metrics.replies) == (top.post_id, 6, 1)
    assert by_id(result.accounts, "account_id")["urn:li:member:33019472"].handle == (
        "priya-raman-31a9b2"
    )


def test_me_gives_the_viewer() -> None:
    result = parse(VOYAGER + "me", fixture("voyager_me.json"))
    assert result.operation == "Me"
    assert result.viewers == [
        seenby.Viewer(
            platform="linkedin", account_id="urn:li:member:77001234", handle="alex-chen-data"
        )
    ]
    [account] = result.accounts
    assert (account.display_name, account.bio) == (
        "Alex Chen",
        "Data engineer · writing about pipelines",
    )


def test_embedded_page_gives_viewer_and_own_post_with_views() -> None:
    page = fixture("recent_activity_page.html")
    result = parse(ACTIVITY_URL, page, kind="document", operation="Page")
    assert result.operation == "Page" and result.errors == []
    assert [viewer.account_id for viewer in result.viewers] == ["urn:li:member:77001234"]
    [post] = result.posts
    assert post.post_id == "urn:li:activity:7395148700686241461"
    assert post.author_id == "urn:li:member:77001234"
    assert post.text is not None
    assert post.text.startswith("Idempotent backfills in 40 lines of SQL")
    [metrics] = result.metrics
    assert (metrics.views, metrics.reactions, metrics.likes, metrics.replies) == (1523, 23, 20, 4)


# --- actions -----------------------------------------------------------------------


def action(url: str, request_body: Any, method: str = "POST", body: Any = "") -> seenby.ParseResult:
    return parse(url, body, kind="action", method=method, request_body=request_body)


def test_like_and_unlike_actions() -> None:
    url = VOYAGER + "voyagerSocialDashReactions?threadUrn=urn%3Ali%3Aactivity%3A7396818339788850858"
    liked = action(url, '{"reactionType":"LIKE"}')
    assert liked.operation == "Reaction"
    assert liked.interactions == [
        seenby.Interaction(
            platform="linkedin",
            kind="like",
            post_id="urn:li:activity:7396818339788850858",
            occurred_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
            source="action",
        )
    ]
    praised = action(url, {"reactionType": "PRAISE"})
    assert praised.interactions[0].kind == "react"
    unliked = action(url + "&reactionType=LIKE", None, method="DELETE")
    assert (unliked.interactions[0].kind, unliked.interactions[0].undone) == ("like", True)


def test_flag_and_action_agree_on_the_interaction_key() -> None:
    url = VOYAGER + "voyagerSocialDashReactions?threadUrn=urn%3Ali%3Aactivity%3A7396460678427660038"
    [from_action] = action(url, '{"reactionType":"LIKE"}').interactions
    [from_flag] = parse(LEGACY_FEED_URL, fixture("voyager_feed_updatesV2_legacy.json")).interactions
    key = ("kind", "post_id", "account_id")
    assert [getattr(from_action, k) for k in key] == [getattr(from_flag, k) for k in key]


def test_comment_actions_and_echoed_comment() -> None:
    body = {
        "commentary": {"text": "Congrats on the launch!", "attributesV2": []},
        "threadUrn": "urn:li:activity:7396818339788850858",
    }
    [reply] = action(COMMENT_ACTION_URL, json.dumps(body)).interactions
    assert (reply.kind, reply.post_id) == ("reply", "urn:li:activity:7396818339788850858")
    body["threadUrn"] = "urn:li:comment:(activity:7396818339788850858,7396846456789784766)"
    [nested] = action(COMMENT_ACTION_URL, body).interactions
    assert nested.post_id == body["threadUrn"]
    # When the answer echoes comments as normalized entities, they are kept as posts.
    echoed = fixture("voyager_graphql_SocialDashComments.json")
    assert len(action(COMMENT_ACTION_URL, body, body=echoed).posts) == 2


def test_repost_and_new_share_actions() -> None:
    url = (
        VOYAGER + "graphql?action=execute&queryId=voyagerContentcreationDashShares.279996efa5064c01"
    )
    repost: dict[str, Any] = {
        "variables": {
            "post": {
                "commentary": {"text": "", "attributesV2": []},
                "origin": "RESHARE",
                "reshareContext": {"parentUrn": "urn:li:activity:7394373402923814411"},
            }
        },
        "queryId": "voyagerContentcreationDashShares.279996efa5064c01",
    }
    [interaction] = action(url, repost).interactions
    assert (interaction.kind, interaction.post_id) == (
        "repost",
        "urn:li:activity:7394373402923814411",
    )
    repost["variables"]["post"]["commentary"]["text"] = "Lisbon friends, this is a great team."
    assert action(url, repost).interactions[0].kind == "quote"
    new_post = {"variables": {"post": {"commentary": {"text": "Hello LinkedIn"}, "origin": "FEED"}}}
    assert action(url, new_post).interactions == []


# --- robustness --------------------------------------------------------------------


def test_other_platform_and_impressions_are_ignored() -> None:
    body = fixture("voyager_me.json")
    assert parse_with(linkedin, make_capture(VOYAGER + "me", body, platform="x")) is None
    impression = make_capture(VOYAGER + "me", body, platform="linkedin", kind="impression")
    assert parse_with(linkedin, impression) is None


@pytest.mark.parametrize(
    ("kind", "url", "body"),
    [
        ("api", MAIN_FEED_URL, {"elements": [{"title": "not normalized"}]}),
        ("api", MAIN_FEED_URL, "<html><body>Please sign in</body></html>"),
        (
            "api",
            MAIN_FEED_URL,
            {"data": {"*elements": ["urn:li:fs_something:(1)"]}, "included": []},
        ),
        ("document", ACTIVITY_URL, "<html><body><main>No data here</main></body></html>"),
        ("action", VOYAGER + "voyagerSocialDashReactions", None),
        ("action", VOYAGER + "voyagerMessagingDashMessengerMessages?action=createMessage", None),
        ("dom", "https://www.linkedin.com/feed/", {"clicked": "like"}),
    ],
)
def test_unknown_shapes_are_unrecognized(kind: Any, url: str, body: Any) -> None:
    with pytest.raises(seenby.UnrecognizedPayload):
        parse(url, body, kind=kind, request_body='{"reactionType":"LIKE"}')


def test_empty_page_of_results_is_not_an_error() -> None:
    body = {"data": {"data": {"feedDashMainFeedByMainFeed": {"*elements": []}}}, "included": []}
    result = parse(MAIN_FEED_URL, body)
    assert (result.posts, result.errors) == ([], [])


def test_one_corrupt_update_keeps_the_others() -> None:
    body = copy.deepcopy(fixture("voyager_feed_updatesV2_legacy.json"))
    broken = next(e for e in body["included"] if "nightly batch" in json.dumps(e))
    broken["updateMetadata"] = {"urn": "urn:li:sponsored:unknown"}
    broken["entityUrn"] = "urn:li:fs_updateV2:(broken,MAIN_FEED)"
    result = parse(LEGACY_FEED_URL, body)
    assert len(result.errors) == 1 and "broken" in result.errors[0]
    posts = by_id(result.posts, "post_id")
    assert len(posts) == 5 and "urn:li:activity:7396460678427660038" not in posts
    assert posts["urn:li:activity:7396226242305207871"].author_id == CONTOSO


def test_parsing_is_deterministic() -> None:
    cases: list[tuple[str, str, CaptureKind]] = [
        (LEGACY_FEED_URL, "voyager_feed_updatesV2_legacy.json", "api"),
        (MAIN_FEED_URL, "voyager_graphql_FeedDashMainFeed.json", "api"),
        (ACTIVITY_URL, "recent_activity_page.html", "document"),
    ]
    for url, name, kind in cases:
        capture = make_capture(url, fixture(name), platform="linkedin", kind=kind, capture_id="c1")
        assert parse_with(linkedin, capture) == parse_with(linkedin, capture)
