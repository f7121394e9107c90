"""Ingest benchmark: X timeline payloads posted over HTTP to a running `seenby serve`.

Target (issue #3): at least 20,000 posts/s parsed and stored on a 2-core machine.
Printed beside a naive baseline measured in the same run: `json.loads` plus one
INSERT per row into a DuckDB file, the way a first prototype would do it.

Each request carries 25 captures (2.6 MB, about what the extension's 2 MiB batches
hold of X timelines). Timing starts once the server's parse worker runs, and every
timed request must have been parsed there (docs/architecture.md, "Parse workers").
The clock stops when a read sees every post, so the merge of the last rows is
counted. Throughput is measured with 1, 2 and 4 requests in flight:
one browser sends one batch at a time; several (or a bulk import) send more, and
the server commits requests that queue behind its writer together.

    .venv/bin/python bench/ingest.py [--posts 60000] [--per-request 25] [--in-flight 1 2 4]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import Server, free_port  # noqa: E402  (the tests' real-server harness)

FIXTURE = ROOT / "tests" / "fixtures" / "x" / "UserTweets.twscrape_trimmed.json"
URL = "https://x.com/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets?variables=%7B%7D"
POSTS_PER_PAYLOAD = 14
"""Posts the X parser reads from one copy of the fixture (tweets, quoted and reposted)."""
TWEET_ID = re.compile(r'"rest_id":\s*"(\d{15,20})"')


def load_timeline() -> tuple[str, list[str]]:
    """The compact UserTweets fixture and the tweet ids in it."""
    text = json.dumps(json.loads(FIXTURE.read_text()), separators=(",", ":"))
    return text, sorted(set(TWEET_ID.findall(text)), key=len, reverse=True)


def timelines(count: int) -> list[str]:
    """``count`` distinct payloads: the fixture with fresh tweet ids in each copy."""
    text, ids = load_timeline()
    pattern = re.compile("|".join(ids))
    return [
        pattern.sub(lambda m, c=copy: str(int(m.group(0)) + c * 7919), text)
        for copy in range(count)
    ]


def capture_json(payload: str) -> str:
    """One capture as the extension would send it, with the payload spliced in as-is."""
    head = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "kind": "api",
            "url": URL,
            "page_url": "https://x.com/XDevelopers",
            "captured_at": "2026-11-25T10:00:00Z",
            "operation": "UserTweets",
        }
    )
    return head[:-1] + ',"body":' + payload + "}"


def bench_server(
    payloads: list[str], per_request: int, concurrency: int, path: str
) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        from conftest import cli_env

        server = Server(data, free_port(), cli_env(data, SEENBY_PLUGINS=""))
        server.start()
        try:
            bodies = [
                (
                    '{"captures":['
                    + ",".join(capture_json(p) for p in payloads[i : i + per_request])
                    + "]}"
                ).encode()
                for i in range(0, len(payloads), per_request)
            ]
            headers = {
                "authorization": f"Bearer {server.token}",
                "content-type": "application/json",
            }
            wait_for_parse_worker(server)
            with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
                client.post(path, content=bodies[0]).raise_for_status()  # warm-up

            def sender(share: list[bytes]) -> None:
                with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
                    for body in share:
                        client.post(path, content=body).raise_for_status()

            shares = [bodies[1 + i :: concurrency] for i in range(concurrency)]
            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(sender, shares))
            # A read waits for every pending row to be merged: count that wait too.
            posts = server.sql("SELECT count(*) FROM posts")[0][0]
            elapsed = time.perf_counter() - started
            parsed = server.sql("SELECT count(*) FROM captures WHERE parse_status='parsed'")[0][0]
            assert parsed == len(payloads), f"only {parsed} of {len(payloads)} captures parsed"
            workers = server.request("GET", "/api/v1/status").json()["parse_workers"]
            assert workers is None or workers["parsed_in_server"] == 0, workers
        finally:
            server.stop()
    return elapsed, posts, len(bodies) - 1


def wait_for_parse_worker(server: Server) -> None:
    """Measure the steady state: the server's parse worker takes about a second to start
    (requests that come earlier are parsed in the server process)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = server.request("GET", "/api/v1/status").json()["parse_workers"]
        if workers is None or workers["running"] > 0:
            return
        time.sleep(0.1)
    raise RuntimeError("the server's parse worker did not start")


def naive_baseline(payloads: list[str]) -> tuple[float, int]:
    """json.loads + a Python walk + one INSERT per post and per metric row."""
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "naive.duckdb"))
        con.execute(
            "CREATE TABLE posts (post_id VARCHAR PRIMARY KEY, author VARCHAR, text VARCHAR)"
        )
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
    parser.add_argument("--per-request", type=int, default=25)
    parser.add_argument("--in-flight", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--baseline-payloads", type=int, default=60)
    args = parser.parse_args()
    payloads = timelines(max(2, args.posts // POSTS_PER_PAYLOAD) + args.per_request)
    mb = sum(len(p) for p in payloads) / 1e6
    print(
        f"ingest benchmark: {len(payloads)} UserTweets payloads ({POSTS_PER_PAYLOAD} posts each), "
        f"{mb:.0f} MB, {args.per_request} captures per request"
    )
    stored = "/api/v1/captures?overlays=false"
    runs = [(f"stored, {n} in flight", stored, n) for n in args.in_flight]
    runs.append(("+overlays, 1 in flight", "/api/v1/captures", 1))
    best = 0.0
    for label, path, in_flight in runs:
        elapsed, posts, requests = bench_server(payloads, args.per_request, in_flight, path)
        measured_posts = posts * requests / (requests + 1)  # the warm-up request is not timed
        rate = measured_posts / elapsed
        if path == stored:
            best = max(best, rate)
        print(
            f"seenby {label:22s}: {measured_posts:,.0f} posts in {elapsed:.2f} s over "
            f"{requests} requests = {rate:,.0f} posts/s"
        )
    b_elapsed, b_rows = naive_baseline(payloads[: args.baseline_payloads])
    b_rate = b_rows / b_elapsed
    print(
        f"baseline : {b_rows:,} posts in {b_elapsed:.2f} s = {b_rate:,.0f} posts/s "
        "(json.loads + per-row INSERT)"
    )
    print(
        f"speed-up : {best / b_rate:,.1f}x; parsed and stored up to {best:,.0f} posts/s against "
        f"the target of 20,000: {'met' if best >= 20_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
