"""The three analyses through a real server process: captures in, overlays out."""

from __future__ import annotations

from typing import Any

from feed import fixture_captures

from conftest import Server

ASK_HN = "48360123"


def test_overlays_carry_content_value_relationship_and_reply_ideas(make_server: Any) -> None:
    server: Server = make_server(plugins="")
    response = server.post_captures(*fixture_captures())
    assert response.status_code == 200, response.text
    # The capture response's own overlays already carry the content category.
    first = {o["post_id"]: o for o in response.json()["overlays"] if o["platform"] == "hackernews"}
    assert "Question to followers" in [b["text"] for b in first[ASK_HN]["badges"]]
    assert server.request("POST", "/api/v1/refresh").status_code == 200

    posts = [r[0] for r in server.sql("SELECT post_id FROM posts WHERE platform = 'hackernews'")]
    response = server.request(
        "POST", "/api/v1/overlays", json={"platform": "hackernews", "post_ids": posts}
    )
    assert response.status_code == 200, response.text
    overlays = {o["post_id"]: o for o in response.json()["overlays"]}
    assert all(o["errors"] == [] for o in overlays.values())

    ideas = [
        pid for pid, o in overlays.items() if any(b["text"] == "reply idea" for b in o["badges"])
    ]
    assert sorted(ideas) == sorted([ASK_HN, "48360610", "48360404"])  # the top 3 of the request
    ask = overlays[ASK_HN]
    texts = [b["text"] for b in ask["badges"]]
    assert "Question to followers" in texts
    assert "you ↔ @marlowe: 1 interaction, you → them, last today" in texts
    [idea] = [b for b in ask["badges"] if b["text"] == "reply idea"]
    assert idea["title"].startswith("Reply opportunity #1 of the posts in view (score 0.55)")
    [section] = [s for s in ask["sections"] if s["kind"] == "suggestions"]
    assert section["title"] == "Reply ideas"
    assert section["text"].startswith("Why this post: you and @marlowe have interacted 1 time;")
    assert len(section["suggestions"]) == 3
    for draft in section["suggestions"]:
        assert (
            "How do you keep a home lab running without it becoming a second job" in draft["text"]
        )
        assert draft["text"].endswith("?") and draft["reason"]
    own = overlays["48360455"]
    assert "1 to answer" in [b["text"] for b in own["badges"]]
