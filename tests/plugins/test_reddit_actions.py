"""The Reddit plugin's reading of the viewer's own votes, comments and saves."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import seenby
from seenby.testing import load_body, make_capture, parse_with
from seenby_plugins import reddit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reddit"
WWW = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"


def _parse(capture: seenby.Capture) -> seenby.ParseResult:
    result = parse_with(reddit, capture)
    assert result is not None
    return result


def _acts(result: seenby.ParseResult) -> set[tuple[str, str | None, bool, str]]:
    return {(i.kind, i.post_id, i.undone, i.source) for i in result.interactions}


def _action(url: str, request_body: Any, body: Any = None) -> seenby.Capture:
    return make_capture(
        url, body, kind="action", method="POST", platform="reddit", request_body=request_body
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("UP", {("upvote", "t3_1skq2vd", False, "action")}),
        ("DOWN", {("downvote", "t3_1skq2vd", False, "action")}),
        (
            "NONE",
            {("upvote", "t3_1skq2vd", True, "action"), ("downvote", "t3_1skq2vd", True, "action")},
        ),
    ],
)
def test_shreddit_vote(state: str, expected: set[tuple[str, str, bool, str]]) -> None:
    request = json.dumps(
        {
            "operation": "UpdatePostVoteState",
            "variables": {"input": {"postId": "t3_1skq2vd", "voteState": state}},
            "csrf_token": "d1c5e0a9b7",
        }
    )
    result = _parse(_action(f"{WWW}/svc/shreddit/graphql", request, {"data": {}}))
    assert _acts(result) == expected
    assert {i.occurred_at for i in result.interactions} == {datetime(2026, 11, 1, 12, tzinfo=UTC)}


def test_oauth_vote_and_save_forms() -> None:
    upvote = _parse(_action(f"{OAUTH}/api/vote/?raw_json=1", "id=t1_d1680wu&api_type=json&dir=1"))
    assert _acts(upvote) == {("upvote", "t1_d1680wu", False, "action")}
    assert upvote.interactions[0].account_id is None
    cleared = _parse(_action(f"{OAUTH}/api/vote/?raw_json=1", {"id": "t3_4b1tfm", "dir": "0"}))
    assert _acts(cleared) == {
        ("upvote", "t3_4b1tfm", True, "action"),
        ("downvote", "t3_4b1tfm", True, "action"),
    }
    saved = _parse(_action(f"{OAUTH}/api/save", "id=t3_1skm4tq"))
    assert _acts(saved) == {("bookmark", "t3_1skm4tq", False, "action")}
    unsaved = _parse(_action(f"{OAUTH}/api/unsave", "id=t3_1skm4tq"))
    assert _acts(unsaved) == {("bookmark", "t3_1skm4tq", True, "action")}


def test_comment_action_records_the_reply_the_new_comment_and_the_viewer() -> None:
    response = load_body(FIXTURES / "synthetic_api_comment_response.json")
    request = "text=Update%3A+it+was+a+sync+DNS+lookup.&api_type=json&thing_id=t1_o1a3k8l"
    result = _parse(_action(f"{OAUTH}/api/comment/?raw_json=1", request, response))
    assert _acts(result) == {("reply", "t1_o1a3k8l", False, "action")}
    (comment,) = result.posts
    assert (comment.post_id, comment.reply_to_id, comment.root_id) == (
        "t1_o1a5x2y",
        "t1_o1a3k8l",
        "t3_1skq2vd",
    )
    assert comment.author_id == "pyfan_2026"
    assert result.viewers == [
        seenby.Viewer(platform="reddit", account_id="pyfan_2026", handle="pyfan_2026")
    ]


def test_unknown_actions_are_unrecognized() -> None:
    other_graphql = json.dumps({"operation": "CreateComment", "variables": {}})
    for capture in [
        _action(f"{WWW}/svc/shreddit/graphql", other_graphql),
        _action(f"{OAUTH}/api/vote", "id=t3_4b1tfm&dir=2"),
        _action(f"{OAUTH}/api/hide", "id=t3_4b1tfm"),
    ]:
        with pytest.raises(seenby.UnrecognizedPayload):
            parse_with(reddit, capture)
