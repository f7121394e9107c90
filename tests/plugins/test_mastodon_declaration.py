"""The Mastodon declaration: rules match realistic URLs, regexes are
portable (Python and JavaScript), the locator finds the parser's post ids."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import seenby
import seenby_plugins.mastodon as plugin
from seenby.testing import make_capture, parse_with
from seenby_plugins.mastodon.declaration import PLATFORM

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mastodon"
SOCIAL = "mastodon.social"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def read_operation(url: str) -> str | None:
    """The operation of the first API rule matching ``url``, as the extension picks it."""
    return next((r.operation for r in PLATFORM.api if re.match(r.url_pattern, url)), None)


def parse_read(url: str, body: Any) -> seenby.ParseResult:
    capture = make_capture(url, body, platform="mastodon", operation=read_operation(url))
    result = parse_with(plugin, capture)
    assert result is not None
    return result


# --- declaration -------------------------------------------------------------


def test_declaration_regexes_are_portable_and_compile() -> None:
    patterns = [r.url_pattern for r in PLATFORM.api] + [r.url_pattern for r in PLATFORM.actions]
    patterns += [r.body_pattern for r in PLATFORM.actions if r.body_pattern]
    assert PLATFORM.locator is not None and PLATFORM.locator.id_pattern
    patterns.append(PLATFORM.locator.id_pattern)
    for pattern in patterns:
        re.compile(pattern)
        assert "(?P" not in pattern and "(?i" not in pattern and '\\"' not in pattern
    assert PLATFORM.name == "mastodon" and PLATFORM.any_host


@pytest.mark.parametrize(
    ("url", "operation"),
    [
        ("https://mastodon.social/api/v1/timelines/home?max_id=113515002938475610", "HomeTimeline"),
        ("https://hachyderm.io/api/v1/timelines/public?local=true", "PublicTimeline"),
        ("https://fosstodon.org/api/v1/timelines/tag/rust?limit=40", "TagTimeline"),
        ("https://mas.to/api/v1/timelines/list/4211", "ListTimeline"),
        (
            "https://mastodon.social/api/v1/accounts/109283746519203847/statuses?exclude_replies=true",
            "AccountStatuses",
        ),
        ("https://mastodon.social/api/v1/statuses/113512784455501234", "Status"),
        ("https://mastodon.social/api/v1/statuses/113512784455501234/context", "StatusContext"),
        ("https://mastodon.social/api/v1/notifications?exclude_types[]=follow", "Notifications"),
        (
            "https://mastodon.social/api/v2/notifications?grouped_types[]=favourite",
            "GroupedNotifications",
        ),
        ("https://mastodon.social/api/v1/accounts/verify_credentials", "VerifyCredentials"),
        (
            "https://mastodon.social/api/v1/accounts/relationships?id[]=1&with_suspended=true",
            "Relationships",
        ),
        ("https://mastodon.social/api/v1/accounts/109283746519203847", "Account"),
        ("https://mastodon.social/api/v2/search?q=heron&type=statuses", "Search"),
    ],
)
def test_read_rules_match_realistic_urls(url: str, operation: str) -> None:
    assert read_operation(url) == operation


@pytest.mark.parametrize(
    "url",
    [
        "https://mastodon.social/api/v1/statuses",  # the POST that creates a status
        "https://mastodon.social/api/v1/timelines/homepage",
        "https://mastodon.social/api/v1/notifications/unread_count",
        "https://mastodon.social/api/v1/instance",
        "https://example.com/home",
        "https://mastodon.social/@riverbank/113500012340000000",
    ],
)
def test_read_rules_skip_unrelated_urls(url: str) -> None:
    assert read_operation(url) is None


def test_action_rules_tell_replies_quotes_and_likes_apart() -> None:
    def action(url: str, body: str) -> str | None:
        for rule in PLATFORM.actions:
            if re.match(rule.url_pattern, url) and (
                rule.body_pattern is None or re.search(rule.body_pattern, body)
            ):
                return f"{rule.action}{' undo' if rule.undo else ''}"
        return None

    statuses = "https://mastodon.social/api/v1/statuses"
    assert action(statuses, '{"status":"hi","in_reply_to_id":"113512784455501234"}') == "reply"
    assert action(statuses, "status=hi&in_reply_to_id=113512784455501234") == "reply"
    assert action(statuses, '{"status":"hi","quoted_status_id":"113512784455501234"}') == "quote"
    assert action(statuses, '{"status":"hi","in_reply_to_id":null}') == "post"
    assert action(statuses + "/113512784455501234/favourite", "") == "like"
    assert action(statuses + "/113512784455501234/unreblog", "") == "repost undo"
    assert action("https://mastodon.social/api/v1/accounts/1093/unfollow", "") == "follow undo"


def test_locator_id_gives_the_parsers_post_id() -> None:
    locator = PLATFORM.locator
    assert locator is not None and locator.id_pattern
    markup = '<div class="status status-public" data-id="113512784455501234" tabindex="-1">'
    value = re.search(r'data-id="([^"]*)"', markup)
    assert value is not None
    match = re.search(locator.id_pattern, value.group(1))
    assert match is not None
    dom_id = locator.id_template.format(id=match.group(1), host=SOCIAL)
    result = parse_read(
        f"https://{SOCIAL}/api/v1/timelines/home", load("synthetic_home_boost_quote.json")
    )
    assert dom_id in {post.post_id for post in result.posts}
