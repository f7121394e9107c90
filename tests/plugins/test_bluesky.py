"""The Bluesky plugin against a real getPostThread answer (MarshalX/atproto) and
synthetic ones written from the lexicons (see tests/fixtures/bluesky/NOTES.md)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

import seenby
import seenby_plugins.bluesky as plugin
from seenby.testing import make_capture, parse_with
from seenby_plugins.bluesky.declaration import PLATFORM

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bluesky"
PDS = "https://morel.us-east.host.bsky.network/xrpc/"

ALICE = "did:plc:4qxyb7mfv2gs3jq6vl5tzr2k"
BOB = "did:plc:n6kgr2oa5wtzq3ltyfd7hx4e"
CARA = "did:plc:yj3sbj4c2fpkwmrz5v6qlnda"
DAN = "did:plc:r5tz7clo2mhu4sxk3bwqaj6n"
ME = "did:plc:7hnv2ixk3ubzw4q5dpmq6yrc"
ALICE_ROOT = f"at://{ALICE}/app.bsky.feed.post/3lbq2hx7skc2v"
BOB_REPLY = f"at://{BOB}/app.bsky.feed.post/3lbq4tjz2dk2p"
ALICE_REPLY = f"at://{ALICE}/app.bsky.feed.post/3lbq5cfw7xs2k"
CARA_FERRY = f"at://{CARA}/app.bsky.feed.post/3lbpzq3mhyc2e"
DAN_QUOTE = f"at://{DAN}/app.bsky.feed.post/3lbq7mwnx5c2r"


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


def parse_action(url: str, request: Any, answer: Any) -> seenby.ParseResult:
    capture = make_capture(
        url, answer, kind="action", method="POST", request_body=request, platform="bluesky"
    )
    result = parse_with(plugin, capture)
    assert result is not None
    return result


def by_id(rows: list[Any], attribute: str) -> dict[str, Any]:
    return {getattr(row, attribute): row for row in rows}


def acts(result: seenby.ParseResult) -> set[tuple[Any, ...]]:
    return {(i.kind, i.post_id, i.account_id, i.undone, i.source) for i in result.interactions}


# --- real recorded payload ----------------------------------------------------


def test_post_thread_real_sample_quote_with_media() -> None:
    result = parse_read(
        "app.bsky.feed.getPostThread",
        load("MarshalX_atproto_thread_view_post_with_embed_media.getPostThread.json"),
    )
    assert result.operation == "getPostThread" and result.errors == []
    posts = by_id(result.posts, "post_id")
    focus = posts["at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22"]
    quoted_id = "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kahesw26il2z"
    assert (focus.kind, focus.quote_of_id, focus.text, focus.lang) == (
        "quote",
        quoted_id,
        None,
        "en",
    )
    assert focus.created_at == datetime(2023, 9, 28, 12, 49, 36, 735000, tzinfo=UTC)
    assert focus.url == "https://bsky.app/profile/test.marshal.dev/post/3kaheyt6vpc22"
    assert posts[quoted_id].text == "test"
    [author] = result.accounts
    assert (author.account_id, author.handle, author.display_name) == (
        "did:plc:kvwvcn5iqfooopmyzvb4qzba",
        "test.marshal.dev",
        "Python SDK",
    )
    assert author.followers is None  # feed and thread views carry no counts
    metrics = by_id(result.metrics, "post_id")[focus.post_id]
    assert (metrics.likes, metrics.replies, metrics.reposts, metrics.quotes, metrics.views) == (
        0,
        0,
        0,
        None,
        None,
    )
    assert result.interactions == [] and result.viewers == []


# --- documented shapes (synthetic) --------------------------------------------


def test_timeline_posts_replies_reposts_quotes_and_flags() -> None:
    result = parse_read("app.bsky.feed.getTimeline", load("synthetic_getTimeline.json"))
    assert result.errors == []
    posts = by_id(result.posts, "post_id")
    reply = posts[ALICE_REPLY]
    assert (reply.kind, reply.reply_to_id, reply.root_id) == ("reply", BOB_REPLY, ALICE_ROOT)
    assert reply.text == '"The Salt Archive". Subject to change by my editor, as everything is.'
    assert posts[BOB_REPLY].author_id == BOB  # reply context hydrated as its own post
    repost = posts[f"at://{BOB}/app.bsky.feed.repost/3lbq3ggkcfc2s"]
    assert (repost.kind, repost.author_id, repost.repost_of_id) == ("repost", BOB, CARA_FERRY)
    assert repost.created_at == datetime(2026, 11, 20, 8, 55, 12, 201000, tzinfo=UTC)
    quote = posts[DAN_QUOTE]
    assert (quote.kind, quote.quote_of_id) == ("quote", CARA_FERRY)
    root = by_id(result.metrics, "post_id")[ALICE_ROOT]
    assert (root.likes, root.replies, root.reposts, root.quotes, root.bookmarks, root.views) == (
        1843,
        97,
        211,
        12,
        64,
        None,
    )
    assert acts(result) == {
        ("like", ALICE_REPLY, ALICE, False, "flag"),
        ("repost", CARA_FERRY, CARA, False, "flag"),
        ("bookmark", CARA_FERRY, CARA, False, "flag"),
        ("follow", None, ALICE, False, "flag"),
    }
    assert result.viewers == []


def test_own_author_feed_reveals_the_viewer_through_their_repost() -> None:
    result = parse_read("app.bsky.feed.getAuthorFeed", load("synthetic_getAuthorFeed_own.json"))
    assert [(v.account_id, v.handle) for v in result.viewers] == [(ME, "jordan-reads.bsky.social")]
    posts = by_id(result.posts, "post_id")
    assert (
        posts[f"at://{ME}/app.bsky.feed.post/3lanm2q5ko22t"].kind == "post"
    )  # pinned: no row of its own
    # An AppView that leaves out the repost record's URI: a stable synthetic id.
    fallback = posts[f"{ALICE_ROOT}#repost-by-{ME}"]
    assert (fallback.kind, fallback.repost_of_id, fallback.author_id) == ("repost", ALICE_ROOT, ME)


def test_thread_with_parent_nested_replies_and_stubs() -> None:
    result = parse_read("app.bsky.feed.getPostThread", load("synthetic_getPostThread_replies.json"))
    assert result.errors == []
    posts = by_id(result.posts, "post_id")
    assert set(posts) == {
        BOB_REPLY,
        ALICE_ROOT,
        ALICE_REPLY,
        f"at://{CARA}/app.bsky.feed.post/3lbq5nq2mtk2d",
        f"at://{DAN}/app.bsky.feed.post/3lbq6pcx4lc2f",
    }  # the blocked and the deleted reply have no content
    dan = posts[f"at://{DAN}/app.bsky.feed.post/3lbq6pcx4lc2f"]
    assert (dan.reply_to_id, dan.root_id, dan.text) == (ALICE_REPLY, ALICE_ROOT, "Great title.")
    v2 = parse_read("app.bsky.unspecced.getPostThreadV2", load("synthetic_getPostThreadV2.json"))
    assert v2.operation == "getPostThreadV2" and v2.errors == []
    assert {p.post_id for p in v2.posts} == set(posts) - {
        f"at://{CARA}/app.bsky.feed.post/3lbq5nq2mtk2d"
    }


def test_deep_threads_do_not_recurse() -> None:
    post = load("synthetic_getTimeline.json")["feed"][3]["post"]
    node: dict[str, Any] = {"post": post}
    for depth in range(3000):
        node = {
            "post": dict(post, uri=f"at://{ALICE}/app.bsky.feed.post/deep{depth}"),
            "parent": node,
        }
    result = parse_read("app.bsky.feed.getPostThread", {"thread": node})
    assert len(result.posts) == 3001


def test_profiles_give_follower_counts() -> None:
    alice = parse_read("app.bsky.actor.getProfile", load("synthetic_getProfile.json"))
    [account] = alice.accounts
    assert (account.account_id, account.handle, account.display_name) == (
        ALICE,
        "alice-writes.bsky.social",
        "Alice Moreau",
    )
    assert (account.followers, account.following, account.posts_count, account.verified) == (
        48213,
        612,
        3904,
        True,
    )
    assert account.bio is not None and account.bio.startswith("Novelist.")
    assert acts(alice) == {("follow", None, ALICE, False, "flag")}
    many = by_id(
        parse_read("app.bsky.actor.getProfiles", load("synthetic_getProfiles.json")).accounts,
        "account_id",
    )
    assert (many[BOB].followers, many[BOB].verified) == (2290, False)
    assert (many[CARA].followers, many[CARA].verified) == (731, None)


def test_session_and_notifications_reveal_the_viewer() -> None:
    session = parse_read("com.atproto.server.getSession", load("synthetic_getSession.json"))
    assert session.viewers == [
        seenby.Viewer(platform="bluesky", account_id=ME, handle="jordan-reads.bsky.social")
    ]
    notes = parse_read(
        "app.bsky.notification.listNotifications", load("synthetic_listNotifications.json")
    )
    assert [v.account_id for v in notes.viewers] == [ME]
    [reply] = notes.posts
    assert (reply.author_id, reply.kind, reply.reply_to_id) == (
        CARA,
        "reply",
        f"at://{ME}/app.bsky.feed.post/3lanm2q5ko22t",
    )
    assert notes.metrics == []  # notifications carry no figures
    assert {a.handle for a in notes.accounts} == {
        "bobcodes.dev",
        "dan.example.org",
        "cara.bsky.social",
    }


def test_post_lists_bookmarks_and_follow_lists() -> None:
    feed = load("synthetic_getTimeline.json")["feed"]
    search = parse_read("app.bsky.feed.searchPosts", {"posts": [feed[2]["post"]], "hitsTotal": 1})
    assert [p.post_id for p in search.posts] == [CARA_FERRY, DAN_QUOTE]  # quoted first
    bookmarks = parse_read(
        "app.bsky.bookmark.getBookmarks",
        {
            "bookmarks": [
                {
                    "subject": {"uri": ALICE_ROOT, "cid": "x"},
                    "createdAt": "2026-11-21T00:00:00Z",
                    "item": feed[3]["post"],
                }
            ]
        },
    )
    assert ("bookmark", ALICE_ROOT, ALICE, False, "flag") in acts(bookmarks)
    follows = parse_read(
        "app.bsky.graph.getFollows",
        {"subject": feed[0]["post"]["author"], "follows": [feed[1]["post"]["author"]]},
    )
    assert {a.account_id for a in follows.accounts} == {ALICE, CARA}


def test_actions_become_interactions_that_dedupe_with_flags() -> None:
    actions = load("synthetic_actions.json")
    results = {
        name: parse_action(a["url"], a["request"], a["response"]) for name, a in actions.items()
    }
    for result in results.values():
        assert result.errors == []
    assert acts(results["like"]) == {("like", ALICE_REPLY, ALICE, False, "action")}
    assert results["like"].interactions[0].occurred_at == datetime(
        2026, 11, 20, 9, 35, 40, 118000, tzinfo=UTC
    )
    assert acts(results["repost"]) == {("repost", CARA_FERRY, CARA, False, "action")}
    assert acts(results["follow"]) == {("follow", None, ALICE, False, "action")}
    assert acts(results["reply"]) == {("reply", ALICE_REPLY, ALICE, False, "action")}
    [own_reply] = results["reply"].posts
    assert (own_reply.post_id, own_reply.author_id, own_reply.kind, own_reply.root_id) == (
        f"at://{ME}/app.bsky.feed.post/3lbq6azl2pk2w",
        ME,
        "reply",
        ALICE_ROOT,
    )
    assert acts(results["quote_via_applyWrites"]) == {("quote", CARA_FERRY, CARA, False, "action")}
    assert (
        results["quote_via_applyWrites"].posts[0].text == "Noted, leaving at 17:00 on Fridays then."
    )
    assert acts(results["bookmark"]) == {("bookmark", CARA_FERRY, CARA, False, "action")}
    assert acts(results["unbookmark"]) == {("bookmark", CARA_FERRY, CARA, True, "action")}
    # deleteRecord names the like record, not the post: the undo carries that record's
    # URI, which the like was recorded with (its answer, and the timeline's flag).
    like_record = f"at://{ME}/app.bsky.feed.like/3lbq6aa2fsk2n"
    [unlike] = results["unlike"].interactions
    assert (unlike.kind, unlike.post_id, unlike.account_id, unlike.undone, unlike.record_id) == (
        "like",
        None,
        None,
        True,
        like_record,
    )
    assert [i.record_id for i in results["like"].interactions] == [like_record]
    assert [v.account_id for v in results["unlike"].viewers] == [ME]
    for name in ("like", "repost", "follow", "reply", "quote_via_applyWrites"):
        assert [v.account_id for v in results[name].viewers] == [ME]
    # Same (kind, post, account) as the flags the timeline shows for the same acts.
    timeline = parse_read("app.bsky.feed.getTimeline", load("synthetic_getTimeline.json"))
    flagged = {(i.kind, i.post_id, i.account_id) for i in timeline.interactions}
    for name in ("like", "repost", "follow"):
        assert {(i.kind, i.post_id, i.account_id) for i in results[name].interactions} <= flagged
    records = {(i.kind, i.post_id): i.record_id for i in timeline.interactions}
    assert records[("like", ALICE_REPLY)] == like_record
    assert records[("repost", CARA_FERRY)] == results["repost"].interactions[0].record_id


def test_apply_writes_skips_gates_and_keeps_good_writes() -> None:
    action = load("synthetic_actions.json")["quote_via_applyWrites"]
    request = json.loads(json.dumps(action["request"]))
    post_write = request["writes"][0]
    request["writes"] = [
        {
            "$type": "com.atproto.repo.applyWrites#create",
            "collection": "app.bsky.feed.threadgate",
            "rkey": post_write["rkey"],
            "value": {"post": "x", "allow": [], "createdAt": "2026-11-20T12:01:09Z"},
        },
        {
            "$type": "com.atproto.repo.applyWrites#create",
            "collection": "app.bsky.feed.like",
            "rkey": "3lbqa4kzzzz2y",
            "value": {"subject": "not a strong ref"},
        },
        post_write,
    ]
    result = parse_action(action["url"], request, None)  # answer not recorded: URI from rkey
    assert [p.post_id for p in result.posts] == [f"at://{ME}/app.bsky.feed.post/3lbqa4kfx2c2y"]
    assert acts(result) == {("quote", CARA_FERRY, CARA, False, "action")}
    assert [e.split(":")[0] for e in result.errors] == ["write #1"]


# --- robustness -----------------------------------------------------------------


def test_unknown_shapes_are_unrecognized() -> None:
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_read(
            "app.bsky.feed.getTimeline", {"error": "InvalidToken", "message": "Token has expired"}
        )
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_read("app.bsky.feed.getTimeline", {"feed": [{"post": {"uri": 1}}, {"item": {}}]})
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_read(
            "app.bsky.feed.getPostThread", {"thread": {"$type": "app.bsky.feed.defs#somethingNew"}}
        )
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_read("app.bsky.actor.getProfile", {"handle": "no-did.example"})
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_action(
            PDS + "com.atproto.repo.createRecord",
            {"repo": ME, "collection": "app.bsky.graph.block", "record": {"subject": ALICE}},
            None,
        )
    with pytest.raises(seenby.UnrecognizedPayload):
        parse_action(PDS + "com.atproto.repo.uploadBlob", {}, None)


def test_one_corrupt_feed_item_keeps_the_others() -> None:
    body = load("synthetic_getTimeline.json")
    body["feed"].insert(
        1,
        {
            "post": {
                "uri": f"at://{BOB}/app.bsky.feed.post/3lbqzzz",
                "author": {"handle": "no-did"},
                "record": {},
            }
        },
    )
    body["feed"].append("not an item")
    result = parse_read("app.bsky.feed.getTimeline", body)
    assert DAN_QUOTE in by_id(result.posts, "post_id") and len(result.posts) == 6
    assert [e.split(":")[0] for e in result.errors] == ["feed item #1", "feed item #5"]


def test_other_platforms_and_impressions_are_ignored() -> None:
    url = PDS + "app.bsky.feed.getTimeline"
    body = load("synthetic_getTimeline.json")
    assert parse_with(plugin, make_capture(url, body, platform="mastodon")) is None
    assert (
        parse_with(plugin, make_capture(url, body, platform="bluesky", kind="impression")) is None
    )


def test_parsing_is_deterministic_and_reads_raw_json_bytes() -> None:
    raw = (FIXTURES / "synthetic_getTimeline.json").read_bytes()
    url = PDS + "app.bsky.feed.getTimeline"
    from_text = make_capture(url, json.loads(raw), platform="bluesky", operation="getTimeline")
    from_bytes = msgspec.structs.replace(from_text, body=None, body_json=raw)
    first, second, third = (parse_with(plugin, c) for c in (from_text, from_text, from_bytes))
    assert first == second == third
