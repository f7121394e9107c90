"""The Hacker News plugin's reading of the viewer's votes, favorites and replies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import seenby
from seenby.testing import make_capture, parse_with
from seenby_plugins import hackernews

HN = "https://news.ycombinator.com/"


def _parse(capture: seenby.Capture) -> seenby.ParseResult:
    result = parse_with(hackernews, capture)
    assert result is not None
    return result


def _acts(result: seenby.ParseResult) -> set[tuple[str, str | None, bool, str]]:
    return {(i.kind, i.post_id, i.undone, i.source) for i in result.interactions}


def _click(action: str, post_id: str | None, page: str = f"{HN}news") -> seenby.Capture:
    body = {"action": action, "post_id": post_id} if post_id else None
    return make_capture(
        page, body, kind="dom", platform="hackernews", operation=action, page_url=page
    )


def test_vote_clicks_become_interactions() -> None:
    upvote = _parse(_click("upvote", "48350598"))
    assert upvote.interactions == [
        seenby.Interaction(
            platform="hackernews",
            kind="upvote",
            post_id="48350598",
            occurred_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
            source="dom",
        )
    ]
    assert upvote.operation == "upvote"
    assert _acts(_parse(_click("downvote", "48360777"))) == {("downvote", "48360777", False, "dom")}
    assert _acts(_parse(_click("unvote", "48360610"))) == {
        ("upvote", "48360610", True, "dom"),
        ("downvote", "48360610", True, "dom"),
    }
    assert _acts(_parse(_click("favorite", "48360123"))) == {("bookmark", "48360123", False, "dom")}
    assert _acts(_parse(_click("unfavorite", "48360123"))) == {
        ("bookmark", "48360123", True, "dom")
    }


def test_reply_click_takes_the_item_from_the_page() -> None:
    result = _parse(_click("reply", None, page=f"{HN}reply?id=48360455&goto=item%3Fid%3D48360123"))
    assert _acts(result) == {("reply", "48360455", False, "dom")}


def test_vote_and_comment_requests_as_action_captures() -> None:
    vote = make_capture(
        f"{HN}vote?id=48350598&how=up&auth=1759695089c912b2&goto=news",
        None,
        kind="action",
        platform="hackernews",
        operation="vote",
    )
    assert _acts(_parse(vote)) == {("upvote", "48350598", False, "action")}
    unfave = make_capture(
        f"{HN}fave?id=48360123&un=t&auth=9c1e", None, kind="action", platform="hackernews"
    )
    assert _acts(_parse(unfave)) == {("bookmark", "48360123", True, "action")}
    comment = make_capture(
        f"{HN}comment",
        None,
        kind="action",
        method="POST",
        platform="hackernews",
        request_body="parent=48360201&goto=item%3Fid%3D48360123&hmac=3e7a1c&text=Thanks%21",
        page_url=f"{HN}item?id=48360123",
    )
    assert _acts(_parse(comment)) == {("reply", "48360201", False, "action")}


def test_unknown_action_is_unrecognized() -> None:
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_with(hackernews, _click("flag", "48350598"))
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_with(hackernews, _click("upvote", None))
