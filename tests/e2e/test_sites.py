"""Each site end to end, in real headless Chromium with the built extension.

The page loads its data the way the site does (X: fetch of a GraphQL GET, Mastodon:
XMLHttpRequest, Bluesky: fetch to the user's PDS, Reddit: fetch of a JSON Listing,
Hacker News: a server-rendered page) and the assertions read the real server's
DuckDB: captures parsed, posts with the payload's figures, overlays drawn on the
right posts, impressions with their dwell time, and a like click as an interaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page

from .harness import Browser, Server, badge_texts, wait_until

pytestmark = pytest.mark.e2e

LOADING = "Seenby …"
"""The placeholder a badge shows until its overlay arrives."""


@dataclass(frozen=True)
class Case:
    site: str
    platform: str
    capture: tuple[str, str]
    """(kind, operation) of the capture the page's data arrives in."""
    post_id: str
    """A post in the payload, as the parser names it."""
    dom_id: str
    """The same post's id as the locator reads it from the page."""
    figures: dict[str, Any]
    """posts_latest columns of that post, from the recorded payload."""
    badge: str
    """The badge a test plugin gives that post; '{likes} likes' or '{score} points'."""
    badge_figure: str
    """The figure every post's badge on the page shows."""
    post_selector: str
    """CSS of that post's element in the page."""
    like_selector: str
    """CSS of its like (upvote) control, inside the post."""
    interaction: tuple[str, str]
    """(kind, source) of the interaction the like click makes."""


CASES = {
    "x": Case(
        site="x",
        platform="x",
        capture=("api", "HomeTimeline"),
        post_id="2088150020013584384",
        dom_id="2088150020013584384",
        figures={
            "author_handle": "weichen_dev",
            "likes": 58,
            "replies": 41,
            "reposts": 3,
            "views": 8870,
        },
        badge="58 likes",
        badge_figure="likes",
        post_selector='article[data-testid="tweet"]:has(a[href="/weichen_dev/status/2088150020013584384"])',
        like_selector='[data-testid="like"]',
        interaction=("like", "action"),
    ),
    "mastodon": Case(
        site="mastodon",
        platform="mastodon",
        capture=("api", "HomeTimeline"),
        post_id="mastodon.social:113514400012345678",
        dom_id="mastodon.social:113514400012345678",
        figures={"author_handle": "mia@fosstodon.org", "likes": 211, "replies": 19, "reposts": 64},
        badge="211 likes",
        badge_figure="likes",
        post_selector='div.status[data-id="113514400012345678"]',
        like_selector='button[title="Favorite"]',
        interaction=("like", "action"),
    ),
    "bluesky": Case(
        site="bluesky",
        platform="bluesky",
        capture=("api", "getTimeline"),
        post_id="at://did:plc:r5tz7clo2mhu4sxk3bwqaj6n/app.bsky.feed.post/3lbq7mwnx5c2r",
        # The page shows the handle, not the DID: the locator reads <handle>/post/<rkey>,
        # an alias the Bluesky parser declares and the server resolves to the AT-URI.
        dom_id="dan.example.org/post/3lbq7mwnx5c2r",
        figures={"author_handle": "dan.example.org", "likes": 77, "replies": 12, "reposts": 5},
        badge="77 likes",
        badge_figure="likes",
        post_selector='[data-testid^="feedItem-by-"]:has(a[href$="/post/3lbq7mwnx5c2r"])',
        like_selector='[data-testid="likeBtn"]',
        interaction=("like", "action"),
    ),
    "reddit": Case(
        site="reddit",
        platform="reddit",
        capture=("api", "Listing"),
        post_id="t3_1skl1i1",
        dom_id="t3_1skl1i1",
        figures={
            "author_handle": "PrinceFlynn",
            "score": 714,
            "replies": 428,
            "upvote_ratio": 0.84,
        },
        badge="714 points",
        badge_figure="score",
        post_selector="shreddit-post#t3_1skl1i1",
        like_selector="button[upvote]",
        interaction=("upvote", "action"),
    ),
    "hackernews": Case(
        site="hackernews",
        platform="hackernews",
        capture=("document", "StoryList"),
        post_id="48345840",
        dom_id="48345840",
        figures={"author_handle": "HypnoticOcelot", "score": 587, "replies": 329},
        badge="587 points",
        badge_figure="score",
        post_selector='tr.athing[id="48345840"]',
        like_selector="a#up_48345840",
        interaction=("upvote", "dom"),
    ),
}


@pytest.fixture(scope="module", params=list(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


OPENED_AT: dict[str, datetime] = {}
"""When each site's page was opened: other tests of the session (screenshots) may have
loaded the same URLs before, and their captures are not this test's."""


@pytest.fixture(scope="module")
def site_page(browser: Browser, case: Case) -> Iterator[Page]:
    """The site's start page, opened once for all checks of that site."""
    OPENED_AT[case.site] = datetime.now(UTC)
    page = browser.open(case.site)
    yield page
    page.close()


def locator_of(server: Server, platform: str) -> dict[str, Any]:
    rules = server.request("GET", "/api/v1/rules").json()
    return next(p["locator"] for p in rules["platforms"] if p["name"] == platform)


def scroll_to_post(page: Page, case: Case) -> None:
    page.locator(case.post_selector).first.evaluate(
        "(post) => post.scrollIntoView({block: 'center'})"
    )


def test_captures_are_stored_and_parsed(browser: Browser, case: Case, site_page: Page) -> None:
    server = browser.server
    kind, operation = case.capture
    fetched = site_page.evaluate("() => window.__e2e.fetched")
    urls = fetched[:1] if fetched else [site_page.url]

    def stored() -> list[list[Any]]:
        return server.sql(
            "SELECT url, parse_status, parse_error FROM captures"
            " WHERE platform = ? AND kind = ? AND operation = ? AND url = ? AND captured_at >= ?::TIMESTAMPTZ",
            [case.platform, kind, operation, urls[0], OPENED_AT[case.site].isoformat()],
        )

    rows = wait_until(site_page, stored, what=f"a {kind} capture of {urls[0]}")
    assert [row[1:] for row in rows] == [["parsed", None]]
    columns = ", ".join(case.figures)
    figures = server.sql(
        f"SELECT {columns} FROM posts_latest WHERE platform = ? AND post_id = ?",
        [case.platform, case.post_id],
    )
    assert figures == [list(case.figures.values())]


def test_overlays_are_drawn_on_the_right_posts(
    browser: Browser, case: Case, site_page: Page
) -> None:
    server = browser.server
    # The extension works on what is visible only: bring the post on screen.
    scroll_to_post(site_page, case)
    # Wait until no badge on the page is a placeholder any more.
    badges = wait_until(
        site_page,
        lambda: (
            texts
            if (texts := badge_texts(site_page)).get(case.dom_id)
            and all(LOADING not in t for t in texts.values())
            else None
        ),
        what=f"the badges (that of {case.dom_id} among them) to be filled",
    )
    assert case.badge in badges[case.dom_id]
    # Every badge host sits inside the post whose id it carries...
    misplaced = site_page.evaluate(
        """(locator) => [...document.querySelectorAll("[data-seenby-post-id]")].filter((host) => {
            const post = host.closest(locator.post_selector);
            if (!post) return true;
            const source = locator.id_selector ? post.querySelector(locator.id_selector) : post;
            let id = source && source.getAttribute(locator.id_attribute);
            if (id && locator.id_pattern) { const m = new RegExp(locator.id_pattern).exec(id); id = m && m[1]; }
            id = locator.id_template.replace("{id}", id).replace("{host}", location.host);
            return id !== host.getAttribute("data-seenby-post-id");
        }).map((host) => host.getAttribute("data-seenby-post-id"))""",
        locator_of(server, case.platform),
    )
    assert misplaced == []
    # ...and shows that post's own figure, not a neighbour's.
    column = case.badge_figure
    # By the id the page shows: the parser's post id, or an alias of it (Bluesky's pages
    # show <handle>/post/<rkey>, the parser names the post by its AT-URI).
    figures = dict(
        server.sql(
            f"SELECT post_id, {column} FROM posts_latest WHERE platform = ? AND {column} IS NOT NULL"
            f" UNION ALL SELECT a.alias, p.{column} FROM post_aliases a JOIN posts_latest p"
            " ON p.platform = a.platform AND p.post_id = a.post_id"
            f" WHERE a.platform = ? AND p.{column} IS NOT NULL",
            [case.platform, case.platform],
        )
    )
    unit = "likes" if column == "likes" else "points"
    wrong = {
        post_id: texts
        for post_id, texts in badges.items()
        if post_id in figures and f"{figures[post_id]} {unit}" not in texts
    }
    assert wrong == {}
    assert len([p for p in badges if p in figures]) >= 3
    # The page's scripts share the content script's performance timeline: the build
    # users get leaves nothing there that tells a page Seenby runs (src/content/perf.ts).
    timeline_names = site_page.evaluate(
        "() => performance.getEntries().map((entry) => entry.name)"
        ".filter((name) => /seenby/i.test(name) && !/^https?:/.test(name))"
    )
    assert timeline_names == []


def test_impressions_are_recorded(browser: Browser, case: Case, site_page: Page) -> None:
    # Centre the post, keep it on screen past the 900 ms threshold, then scroll it away.
    scroll_to_post(site_page, case)
    site_page.wait_for_timeout(1300)
    site_page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")

    def recorded() -> list[list[Any]]:
        return browser.server.sql(
            "SELECT dwell_ms FROM impressions WHERE platform = ? AND post_id = ?",
            [case.platform, case.post_id],
        )

    rows = wait_until(site_page, recorded, what=f"an impression of {case.post_id}")
    assert max(row[0] for row in rows) >= 900


def test_like_click_is_recorded_as_an_interaction(
    browser: Browser, case: Case, site_page: Page
) -> None:
    # Click the control near its left edge (the icon), beside any badge drawn inside it:
    # whether badges belong inside a site's controls is test_badges_stay_out_of_controls.
    control = site_page.locator(case.post_selector).first.locator(case.like_selector).first
    box = control.bounding_box()
    control.click(position={"x": 3, "y": box["height"] / 2} if box else None)
    wait_until(
        site_page,
        lambda: site_page.evaluate("() => window.__e2e.liked.length") > 0,
        what="the page's like request to finish",
    )

    def recorded() -> list[list[Any]]:
        return browser.server.sql(
            "SELECT kind, source, undone FROM interactions"
            " WHERE platform = ? AND post_id = ? AND source <> 'flag'",
            [case.platform, case.post_id],
        )

    rows = wait_until(site_page, recorded, what=f"an interaction on {case.post_id}")
    assert [case.interaction[0], case.interaction[1], False] in rows


def test_badges_stay_out_of_the_sites_controls(
    browser: Browser, case: Case, site_page: Page
) -> None:
    """A badge inside a site's button takes the clicks meant for that button (the badge
    stops them from reaching the site) and nests a button in a button. (Inside a link is
    allowed: badge.ts cancels the link's navigation on purpose.)"""
    scroll_to_post(site_page, case)
    wait_until(site_page, lambda: badge_texts(site_page), what="badges on the page")
    inside = site_page.evaluate(
        """() => [...document.querySelectorAll("seenby-badge")]
            .map((host) => [host.getAttribute("data-seenby-post-id"), host.parentElement.closest("button, [role='button']")])
            .filter(([, control]) => control)
            .map(([id, control]) => `${id} inside ${control.outerHTML.slice(0, 80)}`)"""
    )
    assert inside == []
