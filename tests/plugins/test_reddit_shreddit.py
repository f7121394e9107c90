"""The Reddit plugin against new Reddit's server-rendered shreddit markup (synthetic, see NOTES.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import seenby
from seenby.testing import load_body, make_capture, parse_with
from seenby_plugins import reddit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reddit"
WWW = "https://www.reddit.com"
THREAD = "/r/Python/comments/1skq2vd/whats_your_goto_tool_for_profiling_async_python/"


def _parse(capture: seenby.Capture) -> seenby.ParseResult:
    result = parse_with(reddit, capture)
    assert result is not None
    return result


def _api(name: str, url: str, operation: str | None = None) -> seenby.Capture:
    return make_capture(url, load_body(FIXTURES / name), platform="reddit", operation=operation)


def _posts(result: seenby.ParseResult) -> dict[str, seenby.Post]:
    return {post.post_id: post for post in result.posts}


def _metrics(result: seenby.ParseResult) -> dict[str, seenby.PostMetrics]:
    return {metrics.post_id: metrics for metrics in result.metrics}


def test_shreddit_page_posts_and_ad() -> None:
    html = load_body(FIXTURES / "synthetic_shreddit_subreddit_page.html")
    result = _parse(
        make_capture(
            f"{WWW}/r/Python/", html, kind="document", platform="reddit", operation="ShredditPage"
        )
    )
    assert result.operation == "ShredditPage"
    posts = _posts(result)
    assert list(posts) == ["t3_1skq2vd", "t3_1skm4tq", "t3_1skad77"]
    text_post = posts["t3_1skq2vd"]
    assert text_post.author_id == "pyfan_2026"
    assert text_post.community == "Python"
    assert text_post.created_at == datetime(2026, 4, 14, 20, 53, 20, tzinfo=UTC)
    assert text_post.text == (
        "I have an aiohttp service whose p99 latency doubled after a refactor. cProfile output "
        "is useless with the event loop in the way.\n\nWhat do you use to see where the time goes?"
    )
    assert text_post.url == f"{WWW}{THREAD}"
    assert posts["t3_1skm4tq"].kind == "link"
    assert (posts["t3_1skad77"].promoted, posts["t3_1skad77"].author_id) == (True, "FathomDB")
    metrics = _metrics(result)
    assert (metrics["t3_1skq2vd"].score, metrics["t3_1skq2vd"].replies) == (412, 57)
    assert metrics["t3_1skq2vd"].upvote_ratio is None
    assert metrics["t3_1skm4tq"].upvote_ratio == 0.93
    # The fourth post rendered without an id: reported, not stored under a made-up id.
    assert result.errors == ["<shreddit-post>: missing or malformed t3 id ''"]


def test_shreddit_comment_partial_nests_replies() -> None:
    url = f"{WWW}/svc/shreddit/comments/r/Python/t3_1skq2vd"
    result = _parse(_api("synthetic_shreddit_comments_partial.html", url, "ShredditPartial"))
    posts = _posts(result)
    relations = {pid: (p.reply_to_id, p.root_id) for pid, p in posts.items()}
    assert relations == {
        "t1_o1a2b3c": ("t3_1skq2vd", "t3_1skq2vd"),
        "t1_o1a2d4e": ("t1_o1a2b3c", "t3_1skq2vd"),
        "t1_o1a2f5g": ("t1_o1a2b3c", "t3_1skq2vd"),
        "t1_o1a2h6i": ("t1_o1a2f5g", "t3_1skq2vd"),
        "t1_o1a3k8l": ("t3_1skq2vd", "t3_1skq2vd"),
    }
    assert posts["t1_o1a2d4e"].text == (
        "Thanks, the --idle flag was exactly what I was missing.\n\n"
        "Found a sync DNS lookup in the hot path."
    )
    # The parent's own body, not its replies' bodies.
    assert posts["t1_o1a2b3c"].text is not None and "Thanks" not in posts["t1_o1a2b3c"].text
    assert posts["t1_o1a2f5g"].author_id is None
    assert posts["t1_o1a2b3c"].community == "Python"
    assert _metrics(result)["t1_o1a2b3c"].score == 128


def test_html_without_shreddit_elements_is_unrecognized() -> None:
    capture = make_capture(
        f"{WWW}/r/Python/", "<html><body>blocked</body></html>", kind="document", platform="reddit"
    )
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_with(reddit, capture)
