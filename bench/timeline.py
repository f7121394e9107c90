"""The browsing both browser benchmarks do on the routed X page of the end-to-end tests:
keep the end of the timeline in view and load the next page, so each new page of
posts renders on screen (as when a user scrolls to the end of the feed)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

SCROLL_TO_END = (
    "() => document.querySelector('#timeline').lastElementChild.scrollIntoView({block: 'start'})"
)
RENDERED_POSTS = "() => document.querySelectorAll('article[data-testid=\"tweet\"]').length"


def browse_timeline(
    page: Page, pages: int, first_page_done: Callable[[], None] | None = None
) -> None:
    """Loads `pages` - 1 more timeline pages, then lets the last one settle.
    `first_page_done` is called once the first page had its time on screen."""
    for index in range(pages - 1):
        page.evaluate(SCROLL_TO_END)
        page.wait_for_timeout(400)
        if index == 0 and first_page_done is not None:
            first_page_done()
        page.evaluate("() => window.__e2e.loadMore()")
        page.wait_for_timeout(600)
    page.wait_for_timeout(1500)
