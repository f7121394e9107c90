"""The Mastodon plugin against real recorded payloads (Mastodon.py cassettes) and
synthetic ones written from docs (see tests/fixtures/mastodon/NOTES.md)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

import seenby
import seenby_plugins.mastodon as plugin
from seenby.testing import make_capture, parse_with
from seenby_plugins.mastodon.declaration import PLATFORM
from seenby_plugins.mastodon.rows import html_to_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mastodon"
LOCAL = "localhost:3000"
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


def parse_action(url: str, request: Any, answer: Any) -> seenby.ParseResult:
    capture = make_capture(
        url, answer, kind="action", method="POST", request_body=request, platform="mastodon"
    )
    result = parse_with(plugin, capture)
    assert result is not None
    return result


def by_id(rows: list[Any], attribute: str) -> dict[str, Any]:
    return {getattr(row, attribute): row for row in rows}


# --- real recorded payloads ---------------------------------------------------


def test_home_timeline_real_sample() -> None:
    result = parse_read(
        f"http://{LOCAL}/api/v1/timelines/home", load("extracted_GET_api_v1_timelines_home.json")
    )
    assert result.operation == "HomeTimeline" and result.errors == []
    assert len(result.posts) == 13 and len(result.metrics) == 13
    posts = by_id(result.posts, "post_id")
    toot = posts[f"{LOCAL}:117020593473214477"]
    assert toot.text == "Toot!"
    assert toot.author_id == f"{LOCAL}:117020565966271181"
    assert toot.created_at == datetime(2026, 8, 1, 13, 55, 51, 777000, tzinfo=UTC)
    assert toot.url == "http://localhost:3000/@mastodonpy_test/117020593473214477"
    assert (toot.kind, toot.lang, toot.community) == ("post", "en", "localhost")
    assert posts[f"{LOCAL}:117020592137523525"].text == "you can't say that on television"
    assert posts[f"{LOCAL}:117020592129111851"].text == "@mastodonpy_test todo funny text here"
    accounts = by_id(result.accounts, "account_id")
    me = accounts[f"{LOCAL}:117020565966271181"]
    assert (me.handle, me.display_name, me.bio) == (
        "mastodonpy_test@localhost",
        "John Lennon",
        "I walk funny",
    )
    assert (me.followers, me.following, me.posts_count) == (0, 1, 10)
    assert accounts[f"{LOCAL}:117020565693913441"].followers == 1
    assert accounts[f"{LOCAL}:117020565693913441"].display_name is None  # "" on the wire
    boosted = by_id(result.metrics, "post_id")[f"{LOCAL}:117020585762235614"]
    assert (boosted.likes, boosted.replies, boosted.reposts, boosted.quotes, boosted.views) == (
        0,
        0,
        1,
        0,
        None,
    )
    assert [(i.kind, i.post_id, i.account_id, i.source) for i in result.interactions] == [
        ("repost", f"{LOCAL}:117020585762235614", f"{LOCAL}:117020565966271181", "flag"),
        ("repost", f"{LOCAL}:117020585724931720", f"{LOCAL}:117020565966271181", "flag"),
    ]


def test_notifications_real_sample() -> None:
    result = parse_read(
        f"http://{LOCAL}/api/v1/notifications", load("extracted_GET_api_v1_notifications.json")
    )
    assert result.operation == "Notifications" and result.errors == []
    [mention] = result.posts
    assert mention.post_id == f"{LOCAL}:117020576916218297"
    assert mention.text == "@mastodonpy_test hello!"
    assert mention.author_id == f"{LOCAL}:117020565693913441"
    assert result.viewers == []  # a mention does not say which account is the user's


@pytest.mark.parametrize(
    "cassette", ["Mastodon.py_test_home_tl.yaml", "Mastodon.py_test_notifications.yaml"]
)
def test_recorded_sessions_replay(cassette: str) -> None:
    """Every request of a recorded session, fed as the extension would: reads by
    their rule, POST /api/v1/statuses as an action, the rest not captured."""
    session = yaml.safe_load((FIXTURES / cassette).read_text(encoding="utf-8"))
    outcomes: list[tuple[str | None, str | int | None]] = []
    for exchange in session["interactions"]:
        request, answer = exchange["request"], exchange["response"]["body"]["string"]
        url, method = request["uri"], request["method"]
        if method == "POST" and url.endswith("/api/v1/statuses"):
            result = parse_action(url, request["body"], answer)
            assert result.interactions == [] and result.posts[0].kind == "post"
            [viewer] = result.viewers  # whoever posts is the user of that session
            outcomes.append((f"post by {viewer.handle}", result.posts[0].text))
        elif method == "GET" and read_operation(url):
            result = parse_read(url, json.loads(answer))
            assert result.errors == []
            outcomes.append((result.operation, len(result.posts)))
        else:
            outcomes.append((f"{method} not captured", None))
    if cassette.startswith("Mastodon.py_test_home_tl"):
        assert outcomes == [
            ("post by mastodonpy_test@localhost", "Toot!"),
            ("HomeTimeline", 13),
            ("DELETE not captured", None),
        ]
    else:
        assert outcomes == [
            ("post by admin@localhost", "@mastodonpy_test hello!"),
            ("Notifications", 1),
            ("Notification", 1),
            ("GET not captured", None),  # /api/v1/notifications/unread_count
            ("Notification", 1),
            ("DELETE not captured", None),
        ]


# --- documented shapes (synthetic) --------------------------------------------


def test_boost_and_quote_are_their_own_posts() -> None:
    result = parse_read(
        f"https://{SOCIAL}/api/v1/timelines/home", load("synthetic_home_boost_quote.json")
    )
    posts = by_id(result.posts, "post_id")
    boost = posts[f"{SOCIAL}:113515002938475610"]
    assert (boost.kind, boost.author_id) == ("repost", f"{SOCIAL}:110002938475610293")
    assert boost.repost_of_id == f"{SOCIAL}:113512784455501234"
    original = posts[f"{SOCIAL}:113512784455501234"]
    assert original.text == (
        "Postmortem for Tuesday's outage is up. tl;dr: a retry storm, a cache that forgot how "
        "to expire, and me at 3am.\n\nhttps://blog.example.org/postmortem-nov"
    )
    assert original.community == "hachyderm.io"
    metrics = by_id(result.metrics, "post_id")
    assert f"{SOCIAL}:113515002938475610" not in metrics  # a boost's own figures are zeros
    assert (metrics[original.post_id].likes, metrics[original.post_id].reposts) == (932, 377)
    quote = posts[f"{SOCIAL}:113515800011122233"]
    assert (quote.kind, quote.quote_of_id) == ("quote", f"{SOCIAL}:113514400012345678")
    quoted = posts[f"{SOCIAL}:113514400012345678"]
    assert quoted.title == "hot take"  # the content warning
    assert (
        quoted.text == "Unpopular opinion: error messages are documentation.\nWrite them like it."
    )
    accounts = by_id(result.accounts, "account_id")
    assert accounts[f"{SOCIAL}:109283746519203847"].handle == "ana@hachyderm.io"
    assert accounts[f"{SOCIAL}:109283746519203847"].followers == 15820
    flags = {(i.kind, i.post_id, i.account_id, i.source) for i in result.interactions}
    assert flags == {
        ("like", original.post_id, f"{SOCIAL}:109283746519203847", "flag"),
        ("bookmark", original.post_id, f"{SOCIAL}:109283746519203847", "flag"),
    }


def test_thread_context_links_replies_to_parent_and_root() -> None:
    url = f"https://{SOCIAL}/api/v1/statuses/113516100000000002/context"
    result = parse_read(url, load("synthetic_status_context.json"))
    posts = by_id(result.posts, "post_id")
    root = posts[f"{SOCIAL}:113516000000000001"]
    assert (root.kind, root.root_id) == ("post", None)
    reply = posts[f"{SOCIAL}:113516200000000003"]
    assert reply.kind == "reply"
    assert reply.reply_to_id == f"{SOCIAL}:113516100000000002"
    assert reply.root_id == root.post_id
    assert posts[f"{SOCIAL}:113516300000000004"].reply_to_id == reply.post_id


def test_notifications_reveal_the_viewer() -> None:
    v1 = parse_read(
        f"https://{SOCIAL}/api/v1/notifications", load("synthetic_notifications_v1.json")
    )
    v2 = parse_read(
        f"https://{SOCIAL}/api/v2/notifications", load("synthetic_notifications_v2_grouped.json")
    )
    for result in (v1, v2):
        assert [(v.account_id, v.handle) for v in result.viewers] == [
            (f"{SOCIAL}:109348573209184756", "riverbank@mastodon.social")
        ]
        assert {a.handle for a in result.accounts} >= {"ana@hachyderm.io", "mia@fosstodon.org"}
        assert result.posts[0].text == "The heron is back on the canal."


def test_verify_credentials_and_relationships() -> None:
    me = parse_read(
        f"https://{SOCIAL}/api/v1/accounts/verify_credentials",
        load("synthetic_verify_credentials.json"),
    )
    assert me.viewers == [
        seenby.Viewer(
            platform="mastodon",
            account_id=f"{SOCIAL}:109348573209184756",
            handle="riverbank@mastodon.social",
        )
    ]
    assert (me.accounts[0].followers, me.accounts[0].bio) == (412, "Birds, bikes and bread.")
    rel = parse_read(
        f"https://{SOCIAL}/api/v1/accounts/relationships?id[]=1",
        load("synthetic_relationships.json"),
    )
    assert [(i.kind, i.account_id, i.post_id, i.source) for i in rel.interactions] == [
        ("follow", f"{SOCIAL}:109283746519203847", None, "flag")
    ]


def test_actions_become_interactions_that_dedupe_with_flags() -> None:
    actions = load("synthetic_actions.json")
    seen = {}
    for name, action in actions.items():
        result = parse_action(action["url"], action["request"], action["response"])
        assert result.errors == []
        seen[name] = [
            (i.kind, i.post_id, i.account_id, i.undone, i.source) for i in result.interactions
        ]
    ana_post, ana = f"{SOCIAL}:113512784455501234", f"{SOCIAL}:109283746519203847"
    assert seen["favourite"] == [("like", ana_post, ana, False, "action")]
    assert seen["unfavourite"] == [("like", ana_post, ana, True, "action")]
    assert seen["reblog"] == [("repost", ana_post, ana, False, "action")]
    assert seen["bookmark_no_answer"] == [
        ("bookmark", f"{SOCIAL}:113514400012345678", None, False, "action")
    ]
    assert seen["follow"] == [("follow", None, f"{SOCIAL}:109876543210987654", False, "action")]
    assert seen["unfollow"] == [("follow", None, f"{SOCIAL}:109876543210987654", True, "action")]
    assert seen["reply"] == [("reply", ana_post, ana, False, "action")]
    assert seen["quote"] == [("quote", ana_post, ana, False, "action")]
    # The flag seen on the timeline has the same (kind, post, account) as the like action.
    timeline = parse_read(
        f"https://{SOCIAL}/api/v1/timelines/home", load("synthetic_home_boost_quote.json")
    )
    assert ("like", ana_post, ana) in {
        (i.kind, i.post_id, i.account_id) for i in timeline.interactions
    }


def test_reblog_answer_names_the_viewer_and_adds_the_boost() -> None:
    action = load("synthetic_actions.json")["reblog"]
    result = parse_action(action["url"], action["request"], action["response"])
    assert result.operation == "reblog"
    assert [v.account_id for v in result.viewers] == [f"{SOCIAL}:109348573209184756"]
    boost = by_id(result.posts, "post_id")[f"{SOCIAL}:113515900000000042"]
    assert boost.repost_of_id == f"{SOCIAL}:113512784455501234"


# --- robustness -----------------------------------------------------------------


def test_unknown_shapes_are_unrecognized() -> None:
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_read(
            f"https://{SOCIAL}/api/v1/timelines/home",
            {"error": "This method requires an authenticated user"},
        )
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_read(f"https://{SOCIAL}/api/v1/timelines/home", [{"unexpected": 1}, {"also": 2}])
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_read(f"https://{SOCIAL}/api/v1/statuses/1/context", {"ancestors": []})
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_action(f"https://{SOCIAL}/api/v1/statuses/1/translate", None, {})
    stray = make_capture(f"https://{SOCIAL}/api/v1/instance", {}, platform="mastodon")
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_with(plugin, stray)


def test_one_corrupt_status_keeps_the_others() -> None:
    body = load("extracted_GET_api_v1_timelines_home.json")
    body[3] = {"id": "117020590477318485", "content": "<p>no account</p>"}
    body[5] = "not a status"
    result = parse_read(f"http://{LOCAL}/api/v1/timelines/home", body)
    assert len(result.posts) == 11
    assert [e.split(":")[0] for e in result.errors] == ["status #3", "status #5"]


def test_other_platforms_and_impressions_are_ignored() -> None:
    body = load("extracted_GET_api_v1_timelines_home.json")
    url = f"http://{LOCAL}/api/v1/timelines/home"
    assert parse_with(plugin, make_capture(url, body, platform="bluesky")) is None
    assert (
        parse_with(plugin, make_capture(url, body, platform="mastodon", kind="impression")) is None
    )


def test_parsing_is_deterministic_and_reads_raw_json_bytes() -> None:
    raw = (FIXTURES / "extracted_GET_api_v1_timelines_home.json").read_bytes()
    url = f"http://{LOCAL}/api/v1/timelines/home"
    from_text = make_capture(url, json.loads(raw), platform="mastodon", operation="HomeTimeline")
    from_bytes = msgspec.structs.replace(from_text, body=None, body_json=raw)
    first, second, third = (parse_with(plugin, c) for c in (from_text, from_text, from_bytes))
    assert first == second == third


def test_html_to_text() -> None:
    assert html_to_text("<p>a &amp; b<br>c</p><p>d</p>") == "a & b\nc\n\nd"
    assert html_to_text("") is None and html_to_text(None) is None
