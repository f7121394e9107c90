"""Ingest benchmark: X timeline payloads posted over HTTP to a running `seenby serve`.

Target (issue #3): at least 20,000 posts/s parsed and stored on a 2-core machine.
Printed beside a naive baseline measured in the same run: `json.loads` plus one
INSERT per row into a DuckDB file, the way a first prototype would do it.

    .venv/bin/python bench/ingest.py [--posts 60000] [--per-request 8]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import Server, free_port  # noqa: E402  (the tests' real-server harness)

FIXTURE = ROOT / "tests" / "fixtures" / "x" / "UserTweets.twscrape_trimmed.json"
URL = "https://x.com/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets?variables=%7B%7D"
TWEET_ID = re.compile(r'"rest_id":\s*"(\d{15,20})"')


def timelines(count: int) -> tuple[list[str], int]:
    """``count`` distinct compact UserTweets payloads (the fixture with fresh tweet ids)."""
    text = json.dumps(json.loads(FIXTURE.read_text()), separators=(",", ":"))
    ids = sorted(set(TWEET_ID.findall(text)), key=len, reverse=True)
    pattern = re.compile("|".join(ids))
    payloads = []
    for copy in range(count):
        payloads.append(pattern.sub(lambda m, c=copy: str(int(m.group(0)) + c * 7919), text))
    return payloads, len(ids)


def capture_json(payload: str) -> str:
    return (
        '{"id":"%s","kind":"api","url":"%s","method":"GET","status":200,'
        '"page_url":"https://x.com/XDevelopers","captured_at":"2026-11-25T10:00:00Z",'
        '"operation":"UserTweets","body":%s}' % (uuid.uuid4(), URL, payload)
    )


def bench_server(payloads: list[str], per_request: int) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        from conftest import cli_env

        server = Server(data, free_port(), cli_env(data, SEENBY_PLUGINS=""))
        server.start()
        try:
            bodies = [
                ('{"captures":[' + ",".join(capture_json(p) for p in payloads[i : i + per_request])
                 + "]}").encode()
                for i in range(0, len(payloads), per_request)
            ]
            headers = {"authorization": f"Bearer {server.token}",
                       "content-type": "application/json"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
                client.post("/api/v1/captures", content=bodies[0]).raise_for_status()  # warm-up
                started = time.perf_counter()
                for body in bodies[1:]:
                    response = client.post("/api/v1/captures", content=body)
                    response.raise_for_status()
                elapsed = time.perf_counter() - started
            posts = server.sql("SELECT count(*) FROM posts")[0][0]
            parsed = server.sql("SELECT count(*) FROM captures WHERE parse_status='parsed'")[0][0]
            assert parsed == len(payloads), f"only {parsed} of {len(payloads)} captures parsed"
        finally:
            server.stop()
    return elapsed, posts, len(bodies) - 1


def naive_baseline(payloads: list[str]) -> tuple[float, int]:
    """json.loads + a Python walk + one INSERT per post and per metric row."""
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "naive.duckdb"))
        con.execute("CREATE TABLE posts (post_id VARCHAR PRIMARY KEY, author VARCHAR, text VARCHAR)")
        con.execute("CREATE TABLE metrics (post_id VARCHAR, likes BIGINT, views BIGINT)")
        rows = 0
        started = time.perf_counter()
        for payload in payloads:
            data = json.loads(payload)
            for tweet in _walk_tweets(data):
                legacy = tweet.get("legacy") or {}
                con.execute(
                    "INSERT OR REPLACE INTO posts VALUES (?, ?, ?)",
                    [tweet["rest_id"], legacy.get("user_id_str"), legacy.get("full_text")],
                )
                views = (tweet.get("views") or {}).get("count")
                con.execute(
                    "INSERT INTO metrics VALUES (?, ?, ?)",
                    [tweet["rest_id"], legacy.get("favorite_count"), int(views) if views else None],
                )
                rows += 1
        elapsed = time.perf_counter() - started
        con.close()
    return elapsed, rows


def _walk_tweets(value: object):
    if isinstance(value, dict):
        if value.get("__typename") == "Tweet" and "rest_id" in value:
            yield value
        for child in value.values():
            yield from _walk_tweets(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk_tweets(child)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=60_000)
    parser.add_argument("--per-request", type=int, default=8)
    parser.add_argument("--baseline-payloads", type=int, default=60)
    args = parser.parse_args()
    payloads, per_payload = timelines(max(2, args.posts // 14) + args.per_request)
    mb = sum(len(p) for p in payloads) / 1e6
    print(f"ingest benchmark: {len(payloads)} UserTweets payloads, {mb:.0f} MB, "
          f"{args.per_request} captures per request")
    elapsed, posts, requests = bench_server(payloads, args.per_request)
    measured_posts = posts * requests / (requests + 1)
    rate = measured_posts / elapsed
    print(f"seenby   : {measured_posts:,.0f} posts in {elapsed:.2f} s over {requests} requests "
          f"= {rate:,.0f} posts/s parsed and stored (target >= 20,000)")
    b_elapsed, b_rows = naive_baseline(payloads[: args.baseline_payloads])
    b_rate = b_rows / b_elapsed
    print(f"baseline : {b_rows:,} posts in {b_elapsed:.2f} s = {b_rate:,.0f} posts/s "
          "(json.loads + per-row INSERT)")
    print(f"speed-up : {rate / b_rate:,.1f}x; target {'met' if rate >= 20_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
