"""The built-in X plugin on the user's own acts: like, repost, bookmark, reply, quote, follow."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import seenby
import seenby_plugins.x as x_plugin
from seenby.testing import load_body, make_capture, parse_with

FIXTURES = Path(__file__).parent.parent / "fixtures" / "x"
GRAPHQL = "https://x.com/i/api/graphql/Q1MnNuM6DdwU1tlBdyG8iw/"
WHEN = datetime(2026, 8, 18, 19, 0, tzinfo=UTC)


def action(operation: str, request: Any, response: Any = None, **kwargs: Any) -> seenby.ParseResult:
    url = operation if operation.startswith("https://") else GRAPHQL + operation
    capture = make_capture(
        url,
        response,
        kind="action",
        method="POST",
        platform="x",
        request_body=request,
        captured_at=WHEN,
        **kwargs,
    )
    result = parse_with(x_plugin, capture)
    assert result is not None
    return result


def keys(result: seenby.ParseResult) -> set[tuple[str, str | None, str | None, bool, str]]:
    return {(i.kind, i.post_id, i.account_id, i.undone, i.source) for i in result.interactions}


def test_like_and_unlike() -> None:
    body = {"variables": {"tweet_id": "2088107741398904973"}, "queryId": "lI07N6Otwv1PhnEgXILM7A"}
    liked = action("FavoriteTweet", body, {"data": {"favorite_tweet": "Done"}})
    assert liked.interactions == [
        seenby.Interaction(
            platform="x", kind="like", post_id="2088107741398904973", occurred_at=WHEN
        )
    ]
    # Older clients send variables as JSON text inside the JSON body.
    unliked = action("UnfavoriteTweet", json.dumps({"variables": json.dumps(body["variables"])}))
    assert keys(unliked) == {("like", "2088107741398904973", None, True, "action")}


def test_like_action_and_like_flag_share_one_key() -> None:
    body = load_body(FIXTURES / "HomeTimeline.synthetic.json")
    timeline = parse_with(x_plugin, make_capture(GRAPHQL + "HomeTimeline", body, platform="x"))
    assert timeline is not None
    flag = next(i for i in timeline.interactions if i.kind == "like")
    act = action("FavoriteTweet", {"variables": {"tweet_id": flag.post_id}}).interactions[0]
    assert (act.kind, act.post_id, act.account_id) == (flag.kind, flag.post_id, flag.account_id)


def test_repost_undo_and_bookmark() -> None:
    undo = {"variables": {"source_tweet_id": "2087950311422902272", "dark_request": False}}
    assert keys(action("DeleteRetweet", undo)) == {
        ("repost", "2087950311422902272", None, True, "action")
    }
    created = action("CreateRetweet", {"variables": {"tweet_id": "2087950311422902272"}})
    assert keys(created) == {("repost", "2087950311422902272", None, False, "action")}
    saved = action("CreateBookmark", {"variables": {"tweet_id": "2088190455821312341"}})
    assert keys(saved) == {("bookmark", "2088190455821312341", None, False, "action")}


def test_reply_with_the_created_post_reveals_the_viewer() -> None:
    request = {
        "variables": {
            "tweet_text": "@weichen_dev A good linter. It argues so my reviewers don't have to.",
            "reply": {"in_reply_to_tweet_id": "2088150020013584384", "exclude_reply_user_ids": []},
            "media": {"media_entities": [], "possibly_sensitive": False},
        },
        "queryId": "oB-5XsHNAbjvARJEc8CZFw",
    }
    result = action(
        "CreateTweet", request, load_body(FIXTURES / "CreateTweet.reply.synthetic.json")
    )
    assert keys(result) == {("reply", "2088150020013584384", None, False, "action")}
    (post,) = result.posts
    assert (post.post_id, post.kind, post.reply_to_id) == (
        "2088260391712784385",
        "reply",
        "2088150020013584384",
    )
    assert post.text == "A good linter. It argues so my reviewers don't have to."
    assert result.viewers == [
        seenby.Viewer(platform="x", account_id="1583202117459812352", handle="mara_builds")
    ]


def test_quote_without_a_captured_answer() -> None:
    request = {
        "variables": {
            "tweet_text": "Agreed.",
            "attachment_url": "https://x.com/weichen_dev/status/2087702236110925825",
        }
    }
    result = action("CreateNoteTweet", request)
    assert keys(result) == {("quote", "2087702236110925825", None, False, "action")}


def test_follow_and_unfollow() -> None:
    url = "https://x.com/i/api/1.1/friendships/create.json"
    answer = {
        "id": 873203418114736128,
        "id_str": "873203418114736128",
        "screen_name": "weichen_dev",
        "name": "Wei Chen",
        "followers_count": 3121,
        "friends_count": 840,
    }
    followed = action(url, "include_profile_interstitial_type=1&user_id=873203418114736128", answer)
    assert keys(followed) == {("follow", None, "873203418114736128", False, "action")}
    assert followed.accounts[0].followers == 3121
    unfollowed = action(url.replace("create", "destroy"), "user_id=873203418114736128")
    assert keys(unfollowed) == {("follow", None, "873203418114736128", True, "action")}


def test_refused_action_records_no_interaction() -> None:
    result = action(
        "FavoriteTweet", {"variables": {"tweet_id": "1"}}, {"errors": [{"code": 139}]}, status=403
    )
    assert result.interactions == [] and result.errors == [
        "FavoriteTweet: X refused the action (HTTP 403)"
    ]


@pytest.mark.parametrize(
    ("operation", "request_body"),
    [("FavoriteTweet", {"variables": {}}), ("PinTweet", {"variables": {"tweet_id": "1"}})],
)
def test_unknown_action_shape_is_unrecognized(operation: str, request_body: Any) -> None:
    with pytest.raises(seenby.UnrecognizedPayload):
        action(operation, request_body)


def test_plain_post_without_its_answer_is_reported() -> None:
    result = action("CreateTweet", {"variables": {"tweet_text": "Hello"}})
    assert result.interactions == [] and len(result.errors) == 1
