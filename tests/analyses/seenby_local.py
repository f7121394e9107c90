"""An in-process Seenby (real Store, real plugins, real DuckDB file) for analysis tests."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from seenby_server.config import Paths, ServerSettings
from seenby_server.plugins import load_plugins
from seenby_server.service import Seenby
from seenby_server.store import Store

MINE = ("audience:", "momentum:")
"""Other analyses may fail on their own; these tests check these two."""
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

X_USER_TWEETS = (
    "x/UserTweets.twscrape_trimmed.json",
    "https://x.com/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets?variables=%7B%7D",
)
REDDIT_HOT = ("reddit/praw_popular_hot_trimmed.json", "https://www.reddit.com/r/popular/hot.json")
HN_NEWS = ("hackernews/easyhn_news.html", "https://news.ycombinator.com/news")
FACEBOOK_STORY = (
    "facebook/garcon_real-page-a-text-story-with-image.html",
    "https://www.facebook.com/100028295814975/posts/1053189635634220",
)
BLUESKY_OWN = (
    "bluesky/synthetic_getAuthorFeed_own.json",
    "https://morel.us-east.host.bsky.network/xrpc/app.bsky.feed.getAuthorFeed?limit=30",
)


def fixture_capture(
    fixture: tuple[str, str], body: Any = None, captured_at: datetime | None = None
) -> dict[str, Any]:
    name, url = fixture
    text = (FIXTURES / name).read_text(encoding="utf-8")
    document = not name.endswith(".json")
    return {
        "id": str(uuid.uuid4()),
        "kind": "document" if document else "api",
        "url": url,
        "method": "GET",
        "status": 200,
        "page_url": url,
        "captured_at": (captured_at or datetime.now(UTC)).isoformat(),
        "body": body if body is not None else (text if document else json.loads(text)),
    }


class Local:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(data_dir / "seenby.duckdb")
        self.service = Seenby(ServerSettings(paths=Paths(data_dir)), self.store, load_plugins())

    def ingest(self, *captures: dict[str, Any]) -> Any:
        body = msgspec.json.encode({"captures": list(captures)})
        return asyncio.run(self.service.ingest(body))

    def refresh(self) -> Any:
        report = self.service.refresher.run_once()
        mine = [f for f in report.failures if f.startswith(MINE)]
        assert mine == [], mine
        return report

    def overlay(self, platform: str, post_id: str) -> Any:
        [overlay] = self.service.overlays.build(platform, [post_id])
        mine = [e for e in overlay.errors if e.startswith(MINE)]
        assert mine == [], mine
        return overlay

    def close(self) -> None:
        self.service.close()
