"""The X plugin's fast timeline reader (typed Structs) against its dict-based reader.

The fast reader must give byte-identical results, or give up so that the dict
reader answers: on every fixture, as JSON text or decoded, and on drifted copies."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

import seenby
import seenby_plugins.x as x_plugin
from seenby.testing import load_body, make_capture
from seenby_plugins.x import fast, schema, timeline, times

FIXTURES = Path(__file__).parent.parent / "fixtures" / "x"
GRAPHQL = "https://x.com/i/api/graphql/Q1MnNuM6DdwU1tlBdyG8iw/"
TIMELINES = {
    "UserTweets.twscrape_trimmed.json": "UserTweets",
    "TweetDetail.twscrape_trimmed.json": "TweetDetail",
    "HomeTimeline.synthetic.json": "HomeTimeline",
    "SearchTimeline.synthetic.json": "SearchTimeline",
}


def captures(operation: str, body: Any) -> list[seenby.Capture]:
    """The body decoded (as in tests) and as JSON text (as on the server)."""
    decoded = make_capture(GRAPHQL + operation, body, platform="x")
    raw = msgspec.structs.replace(decoded, body=None, body_json=msgspec.json.encode(body))
    return [decoded, raw]


def slow(capture: seenby.Capture, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The dict-based reader's answer (or its exception), as JSON."""
    with monkeypatch.context() as patch:
        patch.setattr(x_plugin, "read_timeline", lambda capture, operation: None)
        return outcome(capture)


def outcome(capture: seenby.Capture) -> bytes:
    try:
        return msgspec.json.encode(x_plugin.seenby_parse(capture=capture))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".encode()


@pytest.mark.parametrize(("name", "operation"), TIMELINES.items())
def test_fast_reader_reads_the_fixtures_as_the_dict_reader(
    name: str, operation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = load_body(FIXTURES / name)
    for capture in captures(operation, body):
        result = fast.read_timeline(capture, operation)
        assert result is not None, "the fast reader gave up on a fixture"
        assert result.posts and result.errors == []
        assert msgspec.json.encode(result) == slow(capture, monkeypatch)


def test_fast_reader_reads_the_older_user_timeline_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    body = load_body(FIXTURES / "UserTweets.twscrape_trimmed.json")
    user = body["data"]["user"]["result"]
    user["timeline_v2"] = user.pop("timeline")
    for capture in captures("Likes", body):
        assert fast.read_timeline(capture, "Likes") is not None
        assert outcome(capture) == slow(capture, monkeypatch)


def test_fast_reader_gives_up_where_the_dict_reader_searches() -> None:
    body = load_body(FIXTURES / "UserTweets.twscrape_trimmed.json")
    user = body["data"]["user"]
    user["result"] = {"legacy": {"instructions": []}, **user["result"]}  # searched first
    for capture in captures("UserTweets", body):
        assert fast.read_timeline(capture, "UserTweets") is None
        assert x_plugin.seenby_parse(capture=capture).posts == []  # type: ignore[union-attr]


JUNK: list[Any] = [None, 0, 7, 1.5, "", "x", "1.2K", True, [], {}, [1], {"a": 1}, "Tweet"]
TYPENAMES = [
    "Tweet",
    "TweetWithVisibilityResults",
    "TweetTombstone",
    "UserUnavailable",
    "TimelineTweet",
    "TimelineTimelineCursor",
    "TimelineTimelineModule",
    "Unknown",
    None,
]


def drift(value: Any, rng: random.Random, rate: float) -> Any:
    """Keys dropped or nulled, values of other types, names swapped, list items repeated."""
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, child in value.items():
            roll = rng.random()
            if roll < rate:
                continue
            if roll < 2 * rate:
                out[key] = None
            elif roll < 3 * rate:
                out[key] = copy.deepcopy(rng.choice(JUNK))
            elif roll < 4 * rate and key in ("__typename", "entryType", "itemType", "type"):
                out[key] = rng.choice(TYPENAMES)
            elif roll < 5 * rate and key == "legacy" and isinstance(child, dict):
                out[key] = None  # the 2026 shape: the fields at the top level
                for name, field in child.items():
                    out.setdefault(name, field)
            else:
                out[key] = drift(child, rng, rate)
        return out
    if isinstance(value, list):
        items = [drift(child, rng, rate) for child in value]
        if items and rng.random() < 3 * rate:
            items.insert(rng.randrange(len(items) + 1), copy.deepcopy(rng.choice(items)))
        return items
    return value


@pytest.mark.parametrize(("name", "operation"), TIMELINES.items())
def test_drifted_payloads_read_as_before(
    name: str, operation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = load_body(FIXTURES / name)
    fast_reads = 0
    for seed in range(40):
        rng = random.Random(seed)
        drifted = drift(body, rng, rate=rng.choice([0.002, 0.01, 0.03]))
        for capture in captures(operation, drifted):
            fast_reads += fast.read_timeline(capture, operation) is not None
            assert outcome(capture) == slow(capture, monkeypatch), f"seed {seed}"
    assert fast_reads > 0


@pytest.mark.parametrize(
    "text",
    [
        "Thu Apr 20 23:21:13 +0000 2023",
        "Thu Feb 30 23:21:13 +0000 2023",
        "Thu Apr 20 25:21:13 +0000 2023",
        " Apr 1 1:2:3 +0000 0099",
        "Thu Apr 20 23:21:13 +0100 2023",
        "Thu Apr  20 23:21:13 +0000 2023",
        "Thu Apr 2٠ 23:21:13 +0000 2023",
        "2023-04-20T23:21:13Z",
        "1681932073",
        "",
        "soon",
    ],
)
def test_x_time_fast_path_and_cache_agree_with_the_reader(text: str) -> None:
    times._RECENT.clear()
    expected = times._read(text)
    assert times.x_time(text) == expected
    assert times.x_time(text) == expected  # from the cache
    if expected is not None:
        assert expected.tzinfo is UTC and isinstance(expected, datetime)


def test_every_known_instruction_path_has_a_typed_body() -> None:
    assert set(schema.BODIES) == set(timeline.INSTRUCTION_PATHS)
