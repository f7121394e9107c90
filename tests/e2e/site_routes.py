"""The five sites, served at their real URLs through Playwright request routing.

Each site answers its page (tests/e2e/sites/<site>/), its scripts and styles, the
API the page reads (with the recorded payloads from tests/fixtures/) and the like
request the page sends. Nothing leaves the machine: every request of a site's hosts
is answered here, unknown paths with a 404.

Every answered request is logged in `Site.requests`, so a test can compare what a
page fetched with what the server stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import BrowserContext, Request, Route

HERE = Path(__file__).resolve().parent
PAGES = HERE / "sites"
FIXTURES = HERE.parent / "fixtures"

Answer = tuple[int, str, str | bytes]  # status, content type, body
Handler = Callable[[Request], Answer | None]

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)


def page_file(site: str, name: str) -> str:
    return (PAGES / site / name).read_text(encoding="utf-8")


def fixture_text(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def as_json(value: Any) -> Answer:
    return 200, JSON, json.dumps(value)


@dataclass
class Site:
    """One site: the hosts it owns, its start page and how it answers requests."""

    name: str
    start_url: str
    hosts: list[str]
    answer: Handler
    cors_origin: str | None = None
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)

    def install(self, context: BrowserContext) -> None:
        for host in self.hosts:
            context.route(f"https://{host}/**", self._handle)

    def served(self, method: str, pattern: str) -> list[str]:
        """URLs answered for `method` whose URL matches the regex `pattern`."""
        return [url for m, url, _ in self.requests if m == method and re.search(pattern, url)]

    def _handle(self, route: Route, request: Request) -> None:
        headers = {"cache-control": "no-store"}
        if self.cors_origin:
            headers.update(
                {
                    "access-control-allow-origin": self.cors_origin,
                    "access-control-allow-credentials": "true",
                    "access-control-allow-headers": "*, authorization, content-type, atproto-proxy, atproto-accept-labelers",
                    "access-control-allow-methods": "GET, POST, OPTIONS",
                }
            )
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers=headers)
            return
        self.requests.append((request.method, request.url, request.post_data))
        answer = self.answer(request)
        status, content_type, body = answer if answer else (404, "text/plain", "not found")
        headers["content-type"] = content_type
        route.fulfill(status=status, headers=headers, body=body)


def _path(request: Request) -> str:
    return urlsplit(request.url).path


def _query(request: Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


# --- X ---------------------------------------------------------------------------

X_TIMELINE = fixture_text("x/HomeTimeline.synthetic.json")
X_IDS = sorted(set(re.findall(r'"rest_id":\s*"(\d{15,20})"', X_TIMELINE)))
X_ID = re.compile(r"(?<!\d)(" + "|".join(X_IDS) + r")(?!\d)")
X_PAGE_SHIFT = 1000


def x_timeline_page(page: int) -> str:
    """The recorded home timeline; page n > 0 is a copy whose tweet and user ids are
    shifted by n * 1000, so every page brings posts the server has not seen."""
    if page == 0:
        return X_TIMELINE
    return X_ID.sub(lambda m: str(int(m.group(1)) + page * X_PAGE_SHIFT), X_TIMELINE)


def x_page_number(request: Request) -> int:
    variables = json.loads(_query(request).get("variables", ["{}"])[0])
    cursor = str(variables.get("cursor") or "page-0")
    return int(cursor.rsplit("-", 1)[1])


def _answer_x(request: Request) -> Answer | None:
    path = _path(request)
    if request.url.startswith("https://abs.twimg.com/"):
        if path.endswith("main.e2e.js"):
            return 200, JS, page_file("x", "main.js")
        if path.endswith("main.e2e.css"):
            return 200, CSS, page_file("x", "main.css")
        return None
    if path in ("/home", "/"):
        return 200, HTML, page_file("x", "home.html")
    if re.fullmatch(r"/i/api/graphql/[A-Za-z0-9_-]+/HomeTimeline", path):
        return 200, JSON, x_timeline_page(x_page_number(request))
    if re.fullmatch(r"/i/api/graphql/[A-Za-z0-9_-]+/FavoriteTweet", path):
        return as_json({"data": {"favorite_tweet": "Done"}})
    return None


# --- Mastodon --------------------------------------------------------------------

MASTODON_PAGES = {
    None: "mastodon/synthetic_home_boost_quote.json",
    "page-1": "mastodon/extracted_GET_api_v1_timelines_home.json",
}


def _answer_mastodon(request: Request) -> Answer | None:
    path = _path(request)
    if path == "/home":
        return 200, HTML, page_file("mastodon", "home.html")
    if path == "/packs/js/application.e2e.js":
        return 200, JS, page_file("mastodon", "application.js")
    if path == "/packs/css/application.e2e.css":
        return 200, CSS, page_file("mastodon", "application.css")
    if path == "/api/v1/timelines/home":
        page = MASTODON_PAGES.get(_query(request).get("max_id", [None])[0])
        return (200, JSON, fixture_text(page)) if page else as_json([])
    favourite = re.fullmatch(r"/api/v1/statuses/(\d+)/favourite", path)
    if favourite and request.method == "POST":
        statuses = json.loads(fixture_text(MASTODON_PAGES[None]))
        for item in statuses:
            status = item["reblog"] or item
            if status["id"] == favourite.group(1):
                return as_json(
                    status
                    | {"favourited": True, "favourites_count": status["favourites_count"] + 1}
                )
        return 404, JSON, json.dumps({"error": "Record not found"})
    return None


# --- Bluesky ---------------------------------------------------------------------

BLUESKY_PDS = "morel.us-east.host.bsky.network"


def _answer_bluesky(request: Request) -> Answer | None:
    path = _path(request)
    host = urlsplit(request.url).hostname
    if host == "bsky.app":
        if path == "/":
            return 200, HTML, page_file("bluesky", "index.html")
        if path == "/static/js/main.e2e.js":
            return 200, JS, page_file("bluesky", "main.js")
        if path == "/static/css/main.e2e.css":
            return 200, CSS, page_file("bluesky", "main.css")
        return None
    if path == "/xrpc/app.bsky.feed.getTimeline":
        if "cursor" in _query(request):
            return as_json({"feed": []})
        return 200, JSON, fixture_text("bluesky/synthetic_getTimeline.json")
    if path == "/xrpc/com.atproto.repo.createRecord" and request.method == "POST":
        actions = json.loads(fixture_text("bluesky/synthetic_actions.json"))
        return as_json(actions["like"]["response"])
    return None


# --- Reddit ----------------------------------------------------------------------


def _answer_reddit(request: Request) -> Answer | None:
    path = _path(request)
    if request.url.startswith("https://www.redditstatic.com/"):
        if path.endswith("/app.js"):
            return 200, JS, page_file("reddit", "app.js")
        if path.endswith("/app.css"):
            return 200, CSS, page_file("reddit", "app.css")
        return None
    if path == "/r/popular/":
        return 200, HTML, page_file("reddit", "popular.html")
    if path == "/r/popular/hot.json":
        if "after" in _query(request):
            return as_json({"kind": "Listing", "data": {"after": None, "children": []}})
        return 200, JSON, fixture_text("reddit/praw_popular_hot_trimmed.json")
    if path == "/svc/shreddit/graphql" and request.method == "POST":
        return as_json({"data": {"updatePostVoteState": {"ok": True, "errors": None}}})
    return None


# --- Hacker News -----------------------------------------------------------------


def _answer_hackernews(request: Request) -> Answer | None:
    path = _path(request)
    if path in ("/", "/news"):
        return 200, HTML, fixture_text("hackernews/easyhn_news.html")
    if path == "/hn.js":
        return 200, JS, page_file("hackernews", "hn.js")
    if path == "/news.css":
        return 200, CSS, page_file("hackernews", "news.css")
    if path == "/y18.svg":
        return 200, "image/svg+xml", page_file("hackernews", "y18.svg")
    if path == "/vote":
        return 200, "image/gif", GIF
    return None


def make_sites() -> dict[str, Site]:
    """Fresh sites (with empty request logs) for one browser context."""
    return {
        "x": Site("x", "https://x.com/home", ["x.com", "abs.twimg.com"], _answer_x),
        "mastodon": Site(
            "mastodon", "https://mastodon.social/home", ["mastodon.social"], _answer_mastodon
        ),
        "bluesky": Site(
            "bluesky",
            "https://bsky.app/",
            ["bsky.app", BLUESKY_PDS],
            _answer_bluesky,
            cors_origin="https://bsky.app",
        ),
        "reddit": Site(
            "reddit",
            "https://www.reddit.com/r/popular/",
            ["www.reddit.com", "www.redditstatic.com"],
            _answer_reddit,
        ),
        "hackernews": Site(
            "hackernews",
            "https://news.ycombinator.com/news",
            ["news.ycombinator.com"],
            _answer_hackernews,
        ),
    }
