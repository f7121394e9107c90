"""The Bluesky declaration: rules match realistic URLs, regexes are
portable (Python and JavaScript), the locator reads a post's record key."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import seenby
import seenby_plugins.bluesky as plugin
from seenby.testing import make_capture, parse_with
from seenby_plugins.bluesky.declaration import PLATFORM

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bluesky"
PDS = "https://morel.us-east.host.bsky.network/xrpc/"

ALICE = "did:plc:4qxyb7mfv2gs3jq6vl5tzr2k"
ALICE_ROOT = f"at://{ALICE}/app.bsky.feed.post/3lbq2hx7skc2v"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def read_operation(url: str) -> str | None:
    return next((r.operation for r in PLATFORM.api if re.match(r.url_pattern, url)), None)


def parse_read(nsid: str, body: Any, host: str = PDS) -> seenby.ParseResult:
    url = f"{host}{nsid}?limit=30"
    result = parse_with(
        plugin, make_capture(url, body, platform="bluesky", operation=read_operation(url))
    )
    assert result is not None
    return result


# --- declaration -------------------------------------------------------------


def test_declaration_regexes_are_portable_and_compile() -> None:
    assert PLATFORM.locator is not None and PLATFORM.locator.id_pattern
    patterns = [r.url_pattern for r in PLATFORM.api] + [r.url_pattern for r in PLATFORM.actions]
    patterns += [r.body_pattern for r in PLATFORM.actions if r.body_pattern]
    patterns.append(PLATFORM.locator.id_pattern)
    for pattern in patterns:
        re.compile(pattern)
        assert "(?P" not in pattern and "(?i" not in pattern
    assert PLATFORM.name == "bluesky"


@pytest.mark.parametrize(
    ("url", "operation"),
    [
        (PDS + "app.bsky.feed.getTimeline?limit=30", "getTimeline"),
        (
            "https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed?actor=bsky.app&filter=posts_and_author_threads",
            "getAuthorFeed",
        ),
        (
            PDS
            + "app.bsky.feed.getFeed?feed=at%3A%2F%2Fdid%3Aplc%3Az7%2Fapp.bsky.feed.generator%2Fh",
            "getFeed",
        ),
        (
            PDS
            + "app.bsky.feed.getPostThread?uri=at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F3l",
            "getPostThread",
        ),
        (
            PDS
            + "app.bsky.unspecced.getPostThreadV2?anchor=at%3A%2F%2Fx&branchingFactor=1&below=10",
            "getPostThreadV2",
        ),
        (
            "https://api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=alice-writes.bsky.social",
            "getProfile",
        ),
        (
            PDS + "app.bsky.actor.getProfiles?actors=did%3Aplc%3Aa&actors=did%3Aplc%3Ab",
            "getProfiles",
        ),
        (PDS + "app.bsky.notification.listNotifications?limit=40", "listNotifications"),
        ("https://bsky.social/xrpc/com.atproto.server.getSession", "getSession"),
    ],
)
def test_read_rules_match_realistic_urls(url: str, operation: str) -> None:
    assert read_operation(url) == operation


@pytest.mark.parametrize(
    "url",
    [
        PDS + "app.bsky.feed.getTimelineX",
        PDS + "app.bsky.actor.getPreferences",
        PDS + "com.atproto.repo.createRecord",
        "https://bsky.app/profile/alice-writes.bsky.social/post/3lbq2hx7skc2v",
    ],
)
def test_read_rules_skip_unrelated_urls(url: str) -> None:
    assert read_operation(url) is None


def test_action_rules_pick_the_record_collection() -> None:
    def action(url: str, body: str) -> str | None:
        for rule in PLATFORM.actions:
            if re.match(rule.url_pattern, url) and (
                rule.body_pattern is None or re.search(rule.body_pattern, body)
            ):
                return f"{rule.action}{' undo' if rule.undo else ''}"
        return None

    create, delete = PDS + "com.atproto.repo.createRecord", PDS + "com.atproto.repo.deleteRecord"
    for name, request in load("synthetic_actions.json").items():
        body = json.dumps(request["request"])
        expected = {"reply": "post", "quote_via_applyWrites": "post", "unlike": "like undo"}.get(
            name, name
        )
        assert action(request["url"], body) == expected.replace("unbookmark", "bookmark undo")
    assert action(create, '{"collection": "app.bsky.graph.block", "record": {}}') is None
    assert (
        action(delete, '{"repo":"did:plc:x","collection":"app.bsky.graph.follow","rkey":"3l"}')
        == "follow undo"
    )


def test_locator_reads_an_alias_the_parser_declares() -> None:
    """The page links posts by handle, not DID: the locator yields ``handle/post/rkey``,
    which the parser declares as an alias of the AT-URI post_id (resolved by the server)."""
    locator = PLATFORM.locator
    assert locator is not None and locator.id_pattern
    href = "/profile/alice-writes.bsky.social/post/3lbq2hx7skc2v"
    match = re.search(locator.id_pattern, href)
    assert match is not None
    page_id = locator.id_template.format(id=match.group(1), host="bsky.app")
    result = parse_read("app.bsky.feed.getTimeline", load("synthetic_getTimeline.json"))
    [post] = [p for p in result.posts if page_id in p.aliases]
    assert post.post_id == ALICE_ROOT
    assert post.url is not None and post.url.endswith(href)
    assert f"{post.author_id}/post/3lbq2hx7skc2v" in post.aliases
