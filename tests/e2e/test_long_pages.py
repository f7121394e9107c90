"""A long session on a site that keeps every post in the page: past 150 posts the
extension watches only the posts around the viewport (extension/src/content/
watch-window.ts), and still badges, fills and times every post the user scrolls to,
also after a jump from one end of the page to the other."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page

from .harness import Browser, badge_texts, wait_until

pytestmark = pytest.mark.e2e

WATCH_ALL_UP_TO = 150
"""extension/src/content/watch-window.ts: beyond this many posts, only a window is watched."""
TWEETS = 'article[data-testid="tweet"]'
LOADING = "Seenby …"


def post_ids(page: Page) -> list[str]:
    """The id of each post's badge, in page order ("" for a post with no badge yet)."""
    ids: list[str] = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].map((post) =>
            post.querySelector("seenby-badge")?.getAttribute("data-seenby-post-id") ?? "")""",
        TWEETS,
    )
    return ids


def show(page: Page, index: int) -> None:
    page.evaluate(
        "([selector, index]) => document.querySelectorAll(selector)[index]"
        ".scrollIntoView({block: 'center'})",
        [TWEETS, index],
    )


def impressions_since(browser: Browser, post_id: str, since: datetime) -> int:
    rows = browser.server.sql(
        "SELECT count(*) FROM impressions WHERE platform = 'x' AND post_id = ?"
        " AND seen_at >= ?::TIMESTAMPTZ",
        [post_id, since.isoformat()],
    )
    return int(rows[0][0])


def test_every_post_scrolled_to_is_badged_and_timed_on_a_long_page(
    browser: Browser, pages: list[Page]
) -> None:
    started_at = datetime.now(UTC)
    page = browser.open("x")
    pages.append(page)
    page.wait_for_selector(TWEETS)
    # Scroll to the end and load the next page, as X's infinite scroll does.
    while page.locator(TWEETS).count() <= WATCH_ALL_UP_TO + 20:
        page.evaluate(
            "() => document.querySelector('#timeline').lastElementChild"
            ".scrollIntoView({block: 'start'})"
        )
        page.evaluate("() => window.__e2e.loadMore()")
        page.wait_for_timeout(150)
    count = page.locator(TWEETS).count()

    # The last post: badged and filled although the page is far past the window's size.
    show(page, count - 1)
    last_id = wait_until(page, lambda: post_ids(page)[-1], what="the last post's badge")
    texts = wait_until(
        page,
        lambda: [t for t in badge_texts(page).get(last_id, []) if LOADING not in t],
        what=f"the badge of {last_id} to be filled",
    )
    assert any("likes" in text for text in texts), texts
    page.wait_for_timeout(1300)

    # A jump to the top: the posts there are watched again and their dwell is timed.
    jumped_at = datetime.now(UTC)
    page.evaluate("() => window.scrollTo(0, 0)")
    first_id = post_ids(page)[0]
    assert first_id
    wait_until(
        page,
        lambda: impressions_since(browser, last_id, started_at),
        what=f"the impression of {last_id}, which the jump ended",
    )
    page.wait_for_timeout(1300)
    show(page, count - 1)  # and back to the end: the first post's dwell ends
    wait_until(
        page,
        lambda: impressions_since(browser, first_id, jumped_at),
        what=f"an impression of {first_id} after the jump",
    )
    # Every post the user saw on the way has its badge.
    assert all(post_ids(page)[-5:]) and all(post_ids(page)[:5])
