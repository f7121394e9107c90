"""Relationships and attention on real fixture data, through a real server process.

The Bluesky user (jordan-reads) likes, follows and answers alice-writes through
the recorded action payloads; alice then answers the user's own post. Hacker
News shows the same from recorded pages alone: kestrel_dev answered fjord_runner,
tarn answered kestrel_dev and kestrel_dev upvoted tarn.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from feed import PDS, ingest

from conftest import FIXTURES, Server, capture

ALICE = "did:plc:4qxyb7mfv2gs3jq6vl5tzr2k"
OWN_POST = "at://did:plc:7hnv2ixk3ubzw4q5dpmq6yrc/app.bsky.feed.post/3lanm2q5ko22t"
ALICE_ANSWER = f"at://{ALICE}/app.bsky.feed.post/3lbzq4kq2rc2a"


def load(name: str) -> Any:
    return json.loads((FIXTURES / "bluesky" / name).read_text(encoding="utf-8"))


def action(name: str) -> dict[str, Any]:
    recorded = load("synthetic_actions.json")[name]
    return capture(
        recorded["url"],
        recorded["response"],
        kind="action",
        method="POST",
        request_body=recorded["request"],
        page_url="https://bsky.app/",
    )


def alice_answers_own_post(when: datetime) -> dict[str, Any]:
    """The recorded timeline item of alice's post, turned into her reply to the user's post."""
    timeline = load("synthetic_getTimeline.json")
    item = copy.deepcopy(timeline["feed"][3])
    post = item["post"]
    post["uri"] = ALICE_ANSWER
    post["record"]["text"] = "Adding one: The Overstory, if you have not read it yet."
    post["record"]["createdAt"] = when.isoformat().replace("+00:00", "Z")
    ref = {"uri": OWN_POST, "cid": "bafyreiown"}
    post["record"]["reply"] = {"root": ref, "parent": ref}
    return capture(PDS + "app.bsky.feed.getTimeline?limit=1", {"feed": [item]})


def overlays(server: Server, platform: str, post_ids: list[str]) -> dict[str, Any]:
    response = server.request(
        "POST", "/api/v1/overlays", json={"platform": platform, "post_ids": post_ids}
    )
    assert response.status_code == 200, response.text
    return {o["post_id"]: o for o in response.json()["overlays"]}


def test_relationship_summary_after_actions_and_replies(make_server: Any) -> None:
    server: Server = make_server(plugins="")
    assert set(ingest(server).values()) <= {"parsed", "partial"}
    three_days_ago = datetime.now(UTC) - timedelta(days=3, hours=2)
    response = server.post_captures(
        action("like"), action("follow"), action("reply"), alice_answers_own_post(three_days_ago)
    )
    assert response.status_code == 200, response.text
    assert server.request("POST", "/api/v1/refresh").status_code == 200

    [row] = server.sql(
        "SELECT gave_likes, gave_replies, gave_follows, received_replies, interactions, mutual, "
        "in_circle FROM relationships_people WHERE platform = 'bluesky' AND author_id = ?",
        [ALICE],
    )
    # One like (the action and the timeline's flag are one act), the reply (the action and
    # the user's own reply post are one act), the follow; alice's answer to the user's post.
    assert row == [1, 1, 1, 1, 4, True, True]

    alice_post = f"at://{ALICE}/app.bsky.feed.post/3lbq2hx7skc2v"
    overlay = overlays(server, "bluesky", [alice_post])[alice_post]
    [badge] = [b for b in overlay["badges"] if b["text"].startswith("you ↔")]
    assert badge["text"] == "you ↔ @alice-writes.bsky.social: 4 interactions, mutual, last today"
    assert "You gave: 1 like, 1 reply (quotes included), 0 reposts, a follow" in badge["title"]
    [section] = [
        s for s in overlay["sections"] if s["title"] == "You and @alice-writes.bsky.social"
    ]
    assert "You received: 1 reply or quotes of your posts, 0 mentions." in section["items"]
    assert any(
        i.startswith("Close circle: #1 by a recency-weighted score") for i in section["items"]
    )
    [attention] = [s for s in overlay["sections"] if s["title"] == "Your attention"]
    assert attention["kind"] == "sparkline" and attention["values"]
    assert re.search(r"\d+% of your \d+ interactions went to your top 5 people", attention["text"])
    assert "Backstrom" in attention["text"]


def test_hacker_news_pages_alone_give_a_mutual_relationship(make_server: Any) -> None:
    server: Server = make_server(plugins="")
    ingest(server)
    server.request("POST", "/api/v1/refresh")
    rows = server.sql(
        "SELECT author_id, gave_likes, gave_replies, received_replies, mutual, reciprocity "
        "FROM relationships_people WHERE platform = 'hackernews' ORDER BY author_id"
    )
    by_author = {r[0]: r[1:] for r in rows}
    assert by_author["tarn"] == [1, 0, 1, True, 1.0]  # upvoted tarn; tarn answered kestrel_dev
    assert by_author["fjord_runner"] == [0, 1, 0, False, 0.0]  # kestrel_dev answered fjord_runner
    weeks = server.sql(
        "SELECT modality, interactions, people, top5_share FROM relationships_attention "
        "WHERE platform = 'hackernews' AND modality = 'communication'"
    )
    assert sum(w[1] for w in weeks) == sum(sum(v[:2]) for v in by_author.values())
    assert all(w[3] == 1.0 for w in weeks)  # fewer than 5 people: all attention to the top 5


def test_a_bluesky_unlike_marks_the_stored_like_undone(server: Server) -> None:
    """deleteRecord names only the like record; the like was stored with that record's
    URI, from its createRecord answer or from a timeline's ``viewer.like``."""
    liked = "SELECT undone, record_id IS NOT NULL FROM interactions WHERE kind = 'like'"
    server.post_captures(action("like"))
    assert server.sql(liked) == [[False, True]]
    server.post_captures(action("unlike"))
    assert server.sql(liked) == [[True, True]]
    # Liked again (a new record, seen as the timeline's flag), then undone in one request.
    url = "https://bsky.social/xrpc/app.bsky.feed.getTimeline?limit=30"
    server.post_captures(
        capture(url, load("synthetic_getTimeline.json"), page_url="https://bsky.app/")
    )
    assert server.sql(liked) == [[False, True]]
    server.post_captures(action("like"), action("unlike"))
    assert server.sql(liked) == [[True, True]]
