"""Overlays from analysis plugins, their isolation, and the other public hooks."""

from __future__ import annotations

import time

from conftest import Server, capture, run_cli

PLUGINS = "example_plugin,annotate_likes,annotate_broken,annotate_slow,commands_plugin"


def seed(server: Server) -> None:
    body = {
        "me": "u9",
        "posts": [
            {"id": "p1", "author": "u1", "text": "<img src=x onerror=alert(1)>", "likes": 7},
            {"id": "p2", "author": "u2", "text": "two", "likes": 0},
        ],
    }
    assert server.post_captures(capture(body=body)).status_code == 200


def test_failing_and_slow_plugins_do_not_stop_the_others(make_server) -> None:
    server: Server = make_server(plugins=PLUGINS)
    seed(server)
    response = server.request(
        "POST", "/api/v1/overlays", json={"platform": "example", "post_ids": ["p2", "p1", "zz"]}
    )
    assert response.status_code == 200
    overlays = response.json()["overlays"]
    assert [o["post_id"] for o in overlays] == ["p2", "p1", "zz"]
    p2, p1, unknown = overlays
    # Built-in analyses add their own items; these are the test plugin's.
    assert {"text": "7 likes", "title": "1 viewers known", "tone": "neutral"} in p1["badges"]
    assert {"title": "Text", "text": "<img src=x onerror=alert(1)>"}.items() <= next(
        s for s in p1["sections"] if s["title"] == "Text"
    ).items()
    assert "0 likes" in [b["text"] for b in p2["badges"]]
    assert any("annotate_broken: failed" in e for e in p1["errors"])
    assert any("annotate_slow: overran" in e for e in p1["errors"])
    assert unknown == {
        "platform": "example",
        "post_id": "zz",
        "known": False,
        "badges": [],
        "sections": [],
        "errors": [],
    }
    plugins = run_cli(server.data_dir, "plugins", SEENBY_PLUGINS=PLUGINS)
    assert "annotate_broken in seenby_annotate" in plugins.stdout
    assert "ValueError: analysis bug" in plugins.stdout
    assert "annotate_slow in seenby_annotate" in plugins.stdout
    status = run_cli(server.data_dir, "status", SEENBY_PLUGINS=PLUGINS)
    assert "annotate_broken in seenby_annotate" in status.stdout


def test_capture_response_overlays_include_plugin_items(make_server) -> None:
    server: Server = make_server(plugins="example_plugin,annotate_likes")
    body = {"posts": [{"id": "p1", "author": "u1", "likes": 3}]}
    overlays = server.post_captures(capture(body=body)).json()["overlays"]
    assert "3 likes" in [b["text"] for b in overlays[0]["badges"]]


def test_rules_serve_every_platform_declaration(server: Server) -> None:
    rules = server.request("GET", "/api/v1/rules").json()
    example = next(p for p in rules["platforms"] if p["name"] == "example")
    assert example["hosts"] == ["example.test", "*.example.test"]
    assert example["api"][0]["operation"] == "Feed"
    assert example["locator"]["id_attribute"] == "data-id"
    assert len(rules["version"]) == 16


def test_plugin_tables_are_migrated_once_and_commands_registered(make_server) -> None:
    server: Server = make_server(plugins="example_plugin,commands_plugin")
    assert server.sql(
        "SELECT version FROM schema_migrations WHERE owner = 'commands_plugin_scores' ORDER BY 1"
    ) == [[1], [2]]
    assert server.sql(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'commands_plugin_scores' ORDER BY ordinal_position"
    ) == [["post_id"], ["score"], ["note"]]
    server.stop()
    again = make_server(plugins="example_plugin,commands_plugin", port=server.port)
    assert again.sql("SELECT count(*) FROM schema_migrations WHERE owner LIKE 'commands%'") == [[2]]
    hello = run_cli(server.data_dir, "hello", SEENBY_PLUGINS="commands_plugin")
    assert hello.stdout.strip() == "hello from a plugin"


def test_openapi_schema_is_served(server: Server) -> None:
    schema = server.request("GET", "/schema/openapi.json").json()
    assert "/api/v1/captures" in schema["paths"]
    assert "/api/v1/pair" in schema["paths"]


def test_overlays_answer_for_an_alias_with_the_id_asked(make_server) -> None:
    """A page that can only show another id for a post (Bluesky's handle/post/rkey) gets
    the post's overlay, under the id it asked with."""
    server: Server = make_server(plugins="example_plugin,annotate_likes")
    body = {"posts": [{"id": "at://did:x/p/1", "author": "u1", "likes": 9, "alias": "ana/post/1"}]}
    server.post_captures(capture(body=body))
    overlays = server.request(
        "POST",
        "/api/v1/overlays",
        json={"platform": "example", "post_ids": ["ana/post/1", "at://did:x/p/1", "nope"]},
    ).json()["overlays"]
    assert [(o["post_id"], o["known"]) for o in overlays] == [
        ("ana/post/1", True),
        ("at://did:x/p/1", True),
        ("nope", False),
    ]
    assert "9 likes" in [b["text"] for b in overlays[0]["badges"]]
    assert "9 likes" in [b["text"] for b in overlays[1]["badges"]]
    assert server.sql("SELECT alias, post_id FROM post_aliases") == [
        ["ana/post/1", "at://did:x/p/1"]
    ]


def test_refresh_fills_plugin_tables_after_new_data(make_server) -> None:
    """Heavy work runs in the background refresh; overlays only read its table."""
    server: Server = make_server(plugins="example_plugin,refresh_plugin,greedy_plugin")
    body = {
        "posts": [{"id": "a", "author": "u1", "likes": 3}, {"id": "b", "author": "u1", "likes": 4}]
    }
    server.post_captures(capture(body=body))
    refreshed = run_cli(server.data_dir, "refresh", SEENBY_PLUGINS="")
    assert refreshed.returncode == 1  # the greedy plugin failed
    assert "refresh_plugin" in refreshed.stdout
    assert "may only write its own tables" in refreshed.stderr
    assert server.sql("SELECT author_id, likes FROM refresh_plugin_author_likes") == [["u1", 7]]
    assert server.sql("SELECT count(*) FROM posts") == [[2]]
    overlays = server.request(
        "POST", "/api/v1/overlays", json={"platform": "example", "post_ids": ["a"]}
    ).json()["overlays"]
    assert "author total 7 likes" in [b["text"] for b in overlays[0]["badges"]]
    status = server.request("GET", "/api/v1/status").json()
    assert "refresh_plugin" in status["refresh"]["plugins"]
    assert "greedy_plugin" not in status["refresh"]["plugins"]


def test_refresh_runs_by_itself_after_captures(make_server) -> None:
    server: Server = make_server(
        plugins="example_plugin,refresh_plugin", SEENBY_REFRESH_INTERVAL="0.1"
    )
    server.post_captures(capture(body={"posts": [{"id": "a", "author": "u1", "likes": 5}]}))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.sql("SELECT likes FROM refresh_plugin_author_likes") == [[5]]:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the background refresh did not run after new captures")


def overlay_badges(server: Server, *post_ids: str) -> dict[str, str]:
    """Each post's badges, texts and titles in one string."""
    overlays = server.request(
        "POST", "/api/v1/overlays", json={"platform": "example", "post_ids": list(post_ids)}
    ).json()["overlays"]
    return {
        o["post_id"]: " | ".join(f"{b['text']}: {b['title']}" for b in o["badges"])
        for o in overlays
    }


def test_prefetched_rows_reach_the_plugins_overlay_hooks(make_server) -> None:
    server: Server = make_server(plugins="example_plugin,prefetch_plugin")
    body = {
        "posts": [
            {"id": "p1", "author": "u1", "text": "one"},
            {"id": "at://did:x/p/2", "author": "u2", "text": "two", "alias": "ana/post/2"},
        ]
    }
    server.post_captures(capture(body=body))
    badges = overlay_badges(server, "p1", "ana/post/2")
    assert "text read ahead: one" in badges["p1"]
    assert "its text was read ahead" in badges["p1"]  # the suggestion hook got it too
    # Asked by its alias: the stored post's row is read when the hook asks for it.
    assert "text read ahead: two" in badges["ana/post/2"]
    assert "its text was read ahead" not in badges["ana/post/2"]  # its stored id was not


def test_a_failing_prefetch_is_recorded_and_the_hooks_read_for_themselves(make_server) -> None:
    plugins = "example_plugin,prefetch_plugin"
    server: Server = make_server(plugins=plugins)
    server.post_captures(capture(body={"posts": [{"id": "p1", "author": "u1", "text": "one"}]}))
    badges = overlay_badges(server, "p1", "boom")
    assert "text read late: one" in badges["p1"]
    assert "its text was read ahead" not in badges["p1"]
    listed = run_cli(server.data_dir, "plugins", SEENBY_PLUGINS=plugins).stdout
    assert "prefetch_plugin in seenby_prefetch" in listed
    assert "prefetch failed on purpose" in listed
