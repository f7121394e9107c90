"""The Hacker News plugin against real saved pages (easyhn) and synthetic logged-in pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

import seenby
from seenby.testing import load_body, make_capture, parse_with
from seenby_plugins import hackernews

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hackernews"
HN = "https://news.ycombinator.com/"


def _platform() -> seenby.Platform:
    (platform,) = hackernews.seenby_platforms()
    return platform


def _page(name: str, url: str, operation: str | None = None) -> seenby.Capture:
    return make_capture(
        url,
        load_body(FIXTURES / name),
        kind="document",
        platform="hackernews",
        operation=operation,
    )


def _parse(capture: seenby.Capture) -> seenby.ParseResult:
    result = parse_with(hackernews, capture)
    assert result is not None
    return result


def _posts(result: seenby.ParseResult) -> dict[str, seenby.Post]:
    return {post.post_id: post for post in result.posts}


def _metrics(result: seenby.ParseResult) -> dict[str, seenby.PostMetrics]:
    return {metrics.post_id: metrics for metrics in result.metrics}


def _acts(result: seenby.ParseResult) -> set[tuple[str, str | None, bool, str]]:
    return {(i.kind, i.post_id, i.undone, i.source) for i in result.interactions}


# --- declaration ---------------------------------------------------------------------------


def _all_patterns(platform: seenby.Platform) -> list[str]:
    patterns = [rule.url_pattern for rule in platform.documents]
    patterns += [rule.url_pattern for rule in platform.actions]
    patterns += [rule.post_id_pattern for rule in platform.dom_actions if rule.post_id_pattern]
    assert platform.locator is not None and platform.locator.id_pattern is not None
    assert platform.viewer is not None and platform.viewer.pattern is not None
    return [*patterns, platform.locator.id_pattern, platform.viewer.pattern]


def test_declaration_names_the_platform_and_its_rules() -> None:
    platform = _platform()
    assert platform.name == "hackernews"
    assert platform.hosts == ["news.ycombinator.com"]
    assert platform.api == []
    assert {rule.operation for rule in platform.documents} == {
        "StoryList",
        "Item",
        "User",
        "Threads",
    }
    assert {rule.action for rule in platform.dom_actions} == {
        "upvote",
        "downvote",
        "unvote",
        "favorite",
        "unfavorite",
        "reply",
    }


@pytest.mark.parametrize(
    ("url", "operation"),
    [
        (HN, "StoryList"),
        (f"{HN}news", "StoryList"),
        (f"{HN}news?p=2", "StoryList"),
        (f"{HN}newest", "StoryList"),
        (f"{HN}ask", "StoryList"),
        (f"{HN}show", "StoryList"),
        (f"{HN}front?day=2026-05-31", "StoryList"),
        (f"{HN}item?id=48350598", "Item"),
        (f"{HN}item?id=48350598#48351450", "Item"),
        (f"{HN}user?id=pg", "User"),
        (f"{HN}threads?id=kestrel_dev", "Threads"),
    ],
)
def test_document_rules_match_hn_pages(url: str, operation: str) -> None:
    matching = [r.operation for r in _platform().documents if re.search(r.url_pattern, url)]
    assert matching == [operation]


@pytest.mark.parametrize(
    "url",
    [
        f"{HN}vote?id=48350598&how=up&auth=abc&goto=news",
        f"{HN}login?goto=news",
        f"{HN}newsguidelines.html",
        "https://news.ycombinator.com.evil.example/news",
        "https://www.ycombinator.com/companies",
        "https://hn.algolia.com/?q=rust",
    ],
)
def test_document_rules_ignore_other_urls(url: str) -> None:
    assert not [r for r in _platform().documents if re.search(r.url_pattern, url)]


def test_action_rules_match_vote_fave_and_comment_requests() -> None:
    actions = {rule.action: rule for rule in _platform().actions}
    assert re.search(actions["vote"].url_pattern, f"{HN}vote?id=1&how=up&auth=x&goto=news")
    assert re.search(actions["favorite"].url_pattern, f"{HN}fave?id=1&auth=x")
    assert re.search(actions["reply"].url_pattern, f"{HN}comment")
    assert not re.search(actions["vote"].url_pattern, f"{HN}item?id=1")


def test_locator_and_dom_rules_yield_the_parsers_ids() -> None:
    platform = _platform()
    locator = platform.locator
    assert locator is not None and locator.id_pattern is not None
    html = (FIXTURES / "easyhn_news.html").read_text()
    row_ids = re.findall(r'<tr class="athing submission" id="(\d+)"', html)
    located = []
    for value in row_ids:
        match = re.search(locator.id_pattern, value)
        assert match is not None
        located.append(locator.id_template.format(id=match.group(1), host="news.ycombinator.com"))
    parsed = [post.post_id for post in _parse(_page("easyhn_news.html", f"{HN}news")).posts]
    assert located == parsed
    rules = {rule.action: rule for rule in platform.dom_actions}
    upvote = rules["upvote"]
    assert upvote.post_id_attribute == "id" and upvote.post_id_pattern is not None
    voted = re.search(upvote.post_id_pattern, "up_48350598")
    assert voted is not None and voted.group(1) == "48350598"
    favorite = rules["favorite"].post_id_pattern
    assert favorite is not None
    faved = re.search(favorite, "fave?id=48360123&auth=9c1e")
    assert faved is not None and faved.group(1) == "48360123"
    assert platform.viewer is not None and platform.viewer.pattern is not None
    me = re.search(platform.viewer.pattern, "user?id=kestrel_dev")
    assert me is not None and me.group(1) == "kestrel_dev"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_patterns_compile_in_javascript() -> None:
    script = "for (const p of JSON.parse(process.argv[1])) new RegExp(p);"
    patterns = json.dumps(_all_patterns(_platform()))
    subprocess.run(["node", "-e", script, patterns], check=True)


# --- pages ---------------------------------------------------------------------------------


def test_front_page_stories_scores_and_comment_counts() -> None:
    result = _parse(_page("easyhn_news.html", f"{HN}news", "StoryList"))
    assert result.operation == "StoryList"
    assert result.errors == []
    assert len(result.posts) == 30
    first = result.posts[0]
    assert first.post_id == "48350598"
    assert first.title == "Chuwi Minibook X"
    assert first.author_id == "thcipriani"
    assert first.kind == "link"
    assert first.url == "https://news.ycombinator.com/item?id=48350598"
    assert first.created_at == datetime(2026, 5, 31, 22, 59, 50, tzinfo=UTC)
    assert first.promoted is False
    metrics = _metrics(result)
    assert metrics["48350598"].score == 148
    assert metrics["48350598"].replies == 124
    assert metrics["48345840"].score == 587
    assert metrics["48345840"].replies == 329
    assert metrics["48350598"].likes is None and metrics["48350598"].views is None
    last = result.posts[-1]
    assert (last.post_id, last.author_id) == ("48346693", "Dzheky")
    assert last.title == "Odysseus – self-hosted AI workspace"
    # "discuss" is HN's label for a story nobody has commented on yet.
    assert [m.post_id for m in result.metrics if m.replies == 0] == ["48352500", "48316350"]
    accounts = {account.account_id: account for account in result.accounts}
    assert accounts["thcipriani"].handle == "thcipriani"
    assert accounts["thcipriani"].url == "https://news.ycombinator.com/user?id=thcipriani"
    assert accounts["thcipriani"].followers is None
    assert result.viewers == [] and result.interactions == []


def test_user_page_gives_the_profile_without_follower_counts() -> None:
    result = _parse(_page("easyhn_user.html", f"{HN}user?id=pg"))
    assert result.operation == "User"
    (account,) = result.accounts
    assert account.account_id == "pg"
    assert account.handle == "pg"
    assert account.created_at == datetime(2006, 10, 9, 18, 21, 32, tzinfo=UTC)
    assert account.bio == "Bug fixer."
    # Karma (157316 on this page) is not a follower count and has no column.
    assert account.followers is None and account.following is None
    assert account.posts_count is None
    assert result.posts == []


def test_item_page_builds_the_comment_tree_from_indentation() -> None:
    result = _parse(_page("synthetic_item_logged_in.html", f"{HN}item?id=48360123", "Item"))
    assert result.errors == []
    posts = _posts(result)
    story = posts["48360123"]
    assert story.kind == "post"
    assert story.title == (
        "Ask HN: How do you keep a home lab running without it becoming a second job?"
    )
    assert story.text is not None and story.text.startswith("I run a small Proxmox cluster")
    assert "\n\nWhat do you automate" in story.text
    assert story.author_id == "marlowe"
    expected_parents = {
        "48360201": "48360123",
        "48360455": "48360201",
        "48360610": "48360455",
        "48360777": "48360610",
        "48360300": "48360123",
        "48360333": "48360300",
        "48360404": "48360123",
    }
    assert {pid: posts[pid].reply_to_id for pid in expected_parents} == expected_parents
    assert {posts[pid].root_id for pid in expected_parents} == {"48360123"}
    assert {posts[pid].kind for pid in expected_parents} == {"comment"}
    first = posts["48360201"]
    assert first.author_id == "fjord_runner"
    assert first.created_at == datetime(2026, 6, 2, 14, 31, 40, tzinfo=UTC)
    assert first.text is not None and first.text.startswith("Pin everything")
    assert "\n\nThe rule that saved me" in first.text
    assert posts["48360610"].text == (
        "Not the OP, but I snapshot the VM with qm snapshot first and roll back if anything "
        "looks off. Cheaper than a staging copy."
    )
    assert posts["48360300"].author_id is None  # a deleted comment keeps its place in the tree
    metrics = _metrics(result)
    assert (metrics["48360123"].score, metrics["48360123"].replies) == (212, 7)
    assert metrics["48360201"].replies == 3  # n="4" counts the comment itself
    assert metrics["48360201"].score is None  # others' comment points are not shown
    assert metrics["48360455"].score == 5  # the viewer sees their own comment's points
    assert metrics["48360404"].replies == 0


def test_logged_in_pages_reveal_the_viewer_and_their_votes() -> None:
    result = _parse(_page("synthetic_item_logged_in.html", f"{HN}item?id=48360123"))
    assert result.viewers == [
        seenby.Viewer(platform="hackernews", account_id="kestrel_dev", handle="kestrel_dev")
    ]
    assert _acts(result) == {
        ("upvote", "48360123", False, "flag"),
        ("bookmark", "48360123", False, "flag"),
        ("upvote", "48360610", False, "flag"),
        ("downvote", "48360777", False, "flag"),
    }
    assert {i.account_id for i in result.interactions} == {None}


def test_story_list_with_job_ask_and_voted_story() -> None:
    result = _parse(_page("synthetic_newest_logged_in.html", f"{HN}newest", "StoryList"))
    posts = _posts(result)
    metrics = _metrics(result)
    job = posts["48360888"]
    assert (job.author_id, job.promoted, job.kind) == (None, True, "link")
    assert job.title == "Fathom (YC S19) is hiring a senior Rust engineer"
    assert "48360888" not in metrics  # a job shows no figure at all, so no snapshot
    ask = posts["48360123"]
    assert (ask.kind, ask.text, ask.promoted) == ("post", None, False)
    assert (metrics["48360990"].score, metrics["48360990"].replies) == (3, 0)
    assert metrics["48360870"].replies == 1
    assert _acts(result) == {("upvote", "48360123", False, "flag")}
    assert [v.account_id for v in result.viewers] == ["kestrel_dev"]


def test_threads_page_takes_parents_and_story_from_links() -> None:
    result = _parse(_page("synthetic_threads_logged_in.html", f"{HN}threads?id=kestrel_dev"))
    assert result.operation == "Threads"
    posts = _posts(result)
    assert (posts["48360455"].reply_to_id, posts["48360455"].root_id) == ("48360201", "48360123")
    assert (posts["48360610"].reply_to_id, posts["48360610"].root_id) == ("48360455", "48360123")


def test_a_later_page_of_a_thread_takes_parents_from_links() -> None:
    html = (FIXTURES / "synthetic_item_logged_in.html").read_text()
    start = html.index('<tr class="athing comtr" id="48360201">')
    end = html.index('<tr class="athing comtr" id="48360610">')
    page_two = html[:start] + html[end:]  # as if 48360201 and 48360455 were on page one
    capture = make_capture(
        f"{HN}item?id=48360123", page_two, kind="document", platform="hackernews"
    )
    result = _parse(capture)
    posts = _posts(result)
    assert (posts["48360610"].reply_to_id, posts["48360610"].root_id) == ("48360455", "48360123")
    assert posts["48360777"].reply_to_id == "48360610"


def test_one_broken_row_is_reported_and_the_rest_kept() -> None:
    html = (FIXTURES / "easyhn_news.html").read_text()
    broken = html.replace('id="48345840"', 'id="48345840x"', 1)
    result = _parse(make_capture(f"{HN}news", broken, kind="document", platform="hackernews"))
    assert len(result.posts) == 29
    assert "48345840" not in _posts(result)
    assert len(result.errors) == 1 and "48345840x" in result.errors[0]


def test_a_page_that_is_not_hn_is_unrecognized() -> None:
    capture = make_capture(
        f"{HN}news",
        "<html><body><h1>Sorry.</h1> We're having some trouble serving your request.</body></html>",
        kind="document",
        platform="hackernews",
    )
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_with(hackernews, capture)


def test_an_api_capture_is_unrecognized() -> None:
    capture = make_capture(f"{HN}news", {"hits": []}, platform="hackernews")
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_with(hackernews, capture)


# --- contract ------------------------------------------------------------------------------


def test_other_platforms_and_impressions_are_not_ours() -> None:
    other = make_capture(f"{HN}news", "<html></html>", kind="document", platform="reddit")
    assert hackernews.seenby_parse(other) is None
    impression = make_capture(f"{HN}news", None, kind="impression", platform="hackernews")
    assert hackernews.seenby_parse(impression) is None


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("easyhn_news.html", f"{HN}news"),
        ("easyhn_user.html", f"{HN}user?id=pg"),
        ("synthetic_item_logged_in.html", f"{HN}item?id=48360123"),
        ("synthetic_newest_logged_in.html", f"{HN}newest"),
        ("synthetic_threads_logged_in.html", f"{HN}threads?id=kestrel_dev"),
    ],
)
def test_parsing_is_deterministic(name: str, url: str) -> None:
    assert _parse(_page(name, url)) == _parse(_page(name, url))
