"""The capture contract, against a real server process and DuckDB file."""

from __future__ import annotations

import json

import pytest

from conftest import Server, capture


def feed(*posts: dict) -> dict:
    return {"posts": list(posts)}


POST_A = {
    "id": "a1",
    "author": "u1",
    "handle": "ana",
    "followers": 1200,
    "text": "hello",
    "likes": 5,
    "replies": 2,
    "views": 900,
    "created_at": "2026-11-20T10:00:00Z",
}
POST_B = {"id": "b2", "author": "u2", "handle": "ben", "followers": 40, "text": "hi", "likes": 1}


def test_mixed_batch_keeps_good_captures_and_names_each_bad_one(server: Server) -> None:
    good = capture(body=feed(POST_A))
    also_good = capture(body=feed(POST_B))
    no_url = {k: v for k, v in capture().items() if k != "url"}
    bad_kind = capture(kind="telepathy")
    naive_time = capture(captured_at="2026-11-25T10:00:00")
    response = server.post_captures(good, no_url, bad_kind, also_good, naive_time)
    assert response.status_code == 200
    result = response.json()
    assert result["accepted"] == 2
    assert result["duplicates"] == 0
    errors = {r["index"]: r["error"] for r in result["rejected"]}
    assert set(errors) == {1, 2, 4}
    assert "url" in errors[1]
    assert "kind" in errors[2]
    assert "timezone" in errors[4]
    rows = server.sql(
        "SELECT post_id, author_handle, author_followers, text, likes, replies, views "
        "FROM posts_latest ORDER BY post_id"
    )
    assert rows == [["a1", "ana", 1200, "hello", 5, 2, 900], ["b2", "ben", 40, "hi", 1, None, None]]


def test_resent_id_is_a_duplicate_and_stored_once(server: Server) -> None:
    item = capture(body=feed(POST_A))
    first = server.post_captures(item).json()
    again = server.post_captures(item, item).json()
    assert (first["accepted"], first["duplicates"]) == (1, 0)
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    assert server.sql("SELECT count(*) FROM captures") == [[1]]
    assert server.sql("SELECT count(*) FROM post_metrics") == [[1]]


def test_oversized_request_gets_413_with_the_limit(make_server) -> None:
    server = make_server("--max-body-mb", "0.01")
    big = capture(body={"posts": [], "padding": "x" * 20_000})
    response = server.post_captures(big)
    assert response.status_code == 413
    assert "10485 bytes" in response.json()["error"]
    assert server.sql("SELECT count(*) FROM captures") == [[0]]


def test_chunked_oversized_request_also_gets_413(make_server) -> None:
    server = make_server("--max-body-mb", "0.01")
    payload = b'{"captures": [' + b" " * 20_000 + b"]}"
    response = server.request(
        "POST",
        "/api/v1/captures",
        content=iter([payload[:5000], payload[5000:]]),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "limit" in response.json()["error"]


def test_platform_is_inferred_from_the_url_when_absent(server: Server) -> None:
    inferred = capture(url="https://cdn.example.test/api/feed?x=1", body=feed(POST_A))
    named = capture(url="https://elsewhere.invalid/feed", body=feed(POST_B), platform="example")
    unknown = capture(url="https://nowhere.invalid/feed", page_url="https://nowhere.invalid/")
    result = server.post_captures(inferred, named, unknown).json()
    assert result["accepted"] == 3
    rows = server.sql(
        "SELECT id, platform, parse_status FROM captures ORDER BY platform NULLS LAST"
    )
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id[inferred["id"]] == ["example", "parsed"]
    assert by_id[named["id"]] == ["example", "parsed"]
    assert by_id[unknown["id"]] == [None, "unhandled"]


def test_body_that_is_not_a_batch_is_a_400_naming_the_problem(server: Server) -> None:
    not_json = server.request("POST", "/api/v1/captures", content=b"{nope")
    assert not_json.status_code == 400
    assert "captures" in not_json.json()["error"]
    wrong_shape = server.request("POST", "/api/v1/captures", json={"items": []})
    assert wrong_shape.status_code == 400
    assert "captures" in wrong_shape.json()["error"]


def test_batch_of_only_bad_captures_is_422(server: Server) -> None:
    response = server.post_captures({"id": "x"})
    assert response.status_code == 422
    assert response.json()["rejected"][0]["index"] == 0


def test_parser_failure_keeps_raw_capture_with_error(server: Server) -> None:
    crash = capture(body={"explode": True})
    weird = capture(body={"weird": 1})
    partial = capture(body=feed(POST_A, {"text": "no id"}))
    result = server.post_captures(crash, weird, partial).json()
    assert result["accepted"] == 3
    assert result["statuses"] == {
        crash["id"]: "error",
        weird["id"]: "unrecognized",
        partial["id"]: "partial",
    }
    rows = dict(
        (r[0], r[1:])
        for r in server.sql("SELECT id, parse_status, parse_error, body FROM captures")
    )
    assert "parser bug triggered on purpose" in rows[crash["id"]][1]
    assert '"explode":true' in rows[crash["id"]][2].replace(" ", "")
    assert "no 'posts' key" in rows[weird["id"]][1]
    assert server.sql("SELECT post_id FROM posts") == [["a1"]]
    status = server.request("GET", "/api/v1/status").json()
    failed = {(p["operation"], p["status"]) for p in status["parsing"]}
    assert ("Feed", "partial") in failed and ("api", "error") in failed


@pytest.mark.parametrize(
    ("flaw", "error"),
    [
        ("unwritable", "writing parsed rows failed"),  # the tables refuse the rows
        ("mistyped", "its rows do not fit the tables"),  # a number where text goes
    ],
)
def test_rows_that_cannot_be_stored_fail_only_their_capture(
    server: Server, flaw: str, error: str
) -> None:
    """That capture is kept raw (for ``seenby reparse``) and marked error; the rows of
    the other captures of the request still land."""
    bad = capture(body={"posts": [POST_A], flaw: True})
    good = capture(body=feed(POST_B))
    result = server.post_captures(bad, good).json()
    assert result["accepted"] == 2
    assert result["statuses"] == {bad["id"]: "error", good["id"]: "parsed"}
    rows = server.sql(
        "SELECT id, parse_status, parse_error, body IS NOT NULL, rows_merged FROM captures"
    )
    by_id = {r[0]: r[1:] for r in rows}
    status, message, body_kept, merged = by_id[bad["id"]]
    assert status == "error" and error in message
    assert body_kept and merged
    assert by_id[good["id"]] == ["parsed", None, True, True]
    assert server.sql("SELECT post_id FROM posts") == [["b2"]]


def test_refused_rows_show_in_the_captures_table_when_overlays_are_not_asked(
    server: Server,
) -> None:
    """Without overlays the answer comes before the merge; the capture row tells the end."""
    bad = capture(body={"posts": [POST_A], "unwritable": True})
    response = server.request(
        "POST", "/api/v1/captures?overlays=false", json={"captures": [bad]}
    ).json()
    assert response["statuses"] == {bad["id"]: "parsed"}
    assert server.sql("SELECT parse_status, rows_merged FROM captures") == [["error", True]]


def test_impressions_are_stored(server: Server) -> None:
    seen = capture(
        kind="impression", url="https://example.test/home", body={"post_id": "a1", "dwell_ms": 1450}
    )
    bad = capture(kind="impression", url="https://example.test/home", body={"dwell_ms": 3})
    result = server.post_captures(seen, bad).json()
    assert result["accepted"] == 1
    assert "post_id" in result["rejected"][0]["error"]
    assert server.sql("SELECT platform, post_id, dwell_ms FROM impressions") == [
        ["example", "a1", 1450]
    ]


def test_capture_response_carries_overlays_for_parsed_posts(server: Server) -> None:
    result = server.post_captures(capture(body=feed(POST_A, POST_B))).json()
    assert [(o["platform"], o["post_id"], o["known"]) for o in result["overlays"]] == [
        ("example", "a1", True),
        ("example", "b2", True),
    ]


def test_overlays_can_be_skipped_for_bulk_imports(server: Server) -> None:
    response = server.request(
        "POST", "/api/v1/captures?overlays=false", json={"captures": [capture(body=feed(POST_A))]}
    )
    assert response.status_code == 200
    assert (response.json()["accepted"], response.json()["overlays"]) == (1, [])
    assert server.sql("SELECT post_id FROM posts") == [["a1"]]


def test_text_bodies_are_kept_verbatim(server: Server) -> None:
    html = '<html><body><p>caf\u00e9 &amp; "quotes"</p></body></html>'
    item = capture(kind="document", url="https://example.test/page", body=html)
    assert server.post_captures(item).json()["accepted"] == 1
    assert server.sql("SELECT body, body_is_json FROM captures") == [[html, False]]


def test_large_bodies_are_stored_compressed_and_read_back_byte_for_byte(server: Server) -> None:
    """Bodies of 4 KB or more go to body_zstd; SQL reads them back exactly as sent."""
    posts = [dict(POST_A, id=f"z{i}", text=f"caf\u00e9 \u2728 {i} " * 20) for i in range(30)]
    big = json.dumps(feed(*posts), ensure_ascii=False, indent=1)
    assert len(big.encode()) > 4096
    small_capture = capture(body=feed(POST_B))
    big_capture = capture(body={"placeholder": True})
    envelope = json.dumps({"captures": [small_capture, big_capture]})
    envelope = envelope.replace('{"placeholder": true}', big)  # the body's exact bytes
    response = server.request(
        "POST",
        "/api/v1/captures",
        content=envelope.encode(),
        headers={"content-type": "application/json"},
    )
    assert response.json()["accepted"] == 2
    stored = server.sql(
        "SELECT id, body IS NULL, zstd_decompress(body_zstd), body_is_json FROM captures"
    )
    assert sorted(stored) == sorted(
        [[small_capture["id"], False, None, True], [big_capture["id"], True, big, True]]
    )
    assert server.sql("SELECT count(*) FROM posts_latest WHERE text LIKE 'caf\u00e9%'") == [[30]]


def test_the_handle_a_page_shows_names_the_users_own_account(server: Server) -> None:
    """`viewer` captures carry the handle the extension read with the platform's
    ViewerHint; the account it names becomes the user's, whichever comes first."""
    hint = capture(kind="viewer", body={"handle": "ANA"})
    assert server.post_captures(hint).json()["statuses"] == {hint["id"]: "parsed"}
    assert server.sql("SELECT platform, handle FROM viewer_handles") == [["example", "ANA"]]
    assert server.sql("SELECT count(*) FROM viewers") == [[0]]  # no such account known yet
    server.post_captures(capture(body=feed(POST_A, POST_B)))
    assert server.sql("SELECT platform, account_id, handle FROM viewers") == [
        ["example", "u1", "ana"]
    ]
    assert server.sql("SELECT post_id, is_own FROM posts_latest ORDER BY post_id") == [
        ["a1", True],
        ["b2", False],
    ]
    # The account known first, then the handle.
    server.post_captures(capture(kind="viewer", body={"handle": "ben"}))
    assert server.sql("SELECT account_id FROM viewers ORDER BY account_id") == [["u1"], ["u2"]]


def test_a_viewer_capture_without_a_handle_is_refused(server: Server) -> None:
    response = server.post_captures(
        capture(kind="viewer", body={"name": "ana"}),
        capture(kind="viewer", body="ana"),
        capture(kind="viewer", body={"handle": "ana"}, url="https://unknown.test/", page_url=None),
    )
    assert response.status_code == 422
    errors = [r["error"] for r in response.json()["rejected"]]
    assert "viewer body: Object missing required field `handle`" in errors[0]
    assert (
        errors[1:] == ['a viewer capture\'s body must be {"handle": …} and its platform known'] * 2
    )


def test_viewer_and_flag_interactions_land(server: Server) -> None:
    body = {"me": "u1", "posts": [dict(POST_A), dict(POST_B, liked=True)]}
    server.post_captures(capture(body=body))
    assert server.sql("SELECT post_id, is_own FROM posts_latest ORDER BY post_id") == [
        ["a1", True],
        ["b2", False],
    ]
    assert server.sql("SELECT kind, post_id, account_id, source FROM interactions") == [
        ["like", "b2", "u2", "flag"]
    ]
