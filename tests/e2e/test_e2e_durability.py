"""Captures survive the server going away, and the browser closing meanwhile: the
extension queues them (IndexedDB) and sends them once the server is back, each stored
exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Playwright

from .harness import (
    Server,
    paired_browser,
    profile_browser,
    queued_captures,
    start_server,
    wait_until,
)

pytestmark = pytest.mark.e2e


def assert_pages_parsed(server: Server) -> None:
    """The three X timeline pages and the Hacker News page are parsed, and their posts
    stored (7 tweets rendered per page)."""
    statuses = server.sql(
        "SELECT parse_status, count(*) FROM captures WHERE kind IN ('api', 'document')"
        " GROUP BY parse_status"
    )
    assert statuses == [["parsed", 4]]
    posts = server.sql("SELECT count(DISTINCT post_id) FROM posts WHERE platform = 'x'")
    assert posts[0][0] >= 3 * 7


def test_browsing_while_the_server_is_down_loses_and_duplicates_nothing(
    playwright_session: Playwright, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    server = start_server(data_dir)
    try:
        with paired_browser(playwright_session, server) as browser:

            def timeline_captures() -> list[list[Any]]:
                return server.sql(
                    "SELECT url, count(*) FROM captures WHERE platform = 'x'"
                    " AND operation = 'HomeTimeline' GROUP BY url ORDER BY url"
                )

            x = browser.open("x")
            wait_until(x, lambda: len(timeline_captures()) == 1, what="the first page stored")

            server.stop()
            # Keep browsing: two more timeline pages and a Hacker News page while it is down.
            x.evaluate("() => window.__e2e.loadMore()")
            x.evaluate("() => window.__e2e.loadMore()")
            hn = browser.open("hackernews")
            x.bring_to_front()
            # Let the extension fail at least once, so the captures wait in its queue.
            x.wait_for_timeout(2500)

            server = start_server(data_dir, port=server.port)
            fetched = sorted(x.evaluate("() => window.__e2e.fetched"))
            assert len(fetched) == 3
            assert sorted(browser.sites["x"].served("GET", r"/HomeTimeline\?")) == fetched
            stored = wait_until(
                x,
                lambda: rows if len(rows := timeline_captures()) >= 3 else None,
                timeout=40,
                what="the queued timeline pages to arrive",
            )
            documents = wait_until(
                hn,
                lambda: server.sql(
                    "SELECT url, count(*) FROM captures WHERE platform = 'hackernews' GROUP BY url"
                ),
                timeout=20,
                what="the queued Hacker News page to arrive",
            )
            # A little longer: a replay after the restart must not add a second copy.
            x.wait_for_timeout(2000)
            assert timeline_captures() == [[url, 1] for url in fetched]
            assert stored == [[url, 1] for url in fetched]
            assert documents == [["https://news.ycombinator.com/news", 1]]
            assert_pages_parsed(server)
    finally:
        if server.process and server.process.poll() is None:
            server.stop()


def test_captures_queued_when_the_browser_closed_are_sent_after_it_restarts(
    playwright_session: Playwright, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    profile = tmp_path / "profile"  # one Chromium profile for both sessions
    server = start_server(data_dir)
    try:
        with profile_browser(playwright_session, server, profile) as browser:
            server.stop()
            # Browse while the server is down: three timeline pages and a Hacker News page.
            x = browser.open("x")
            x.evaluate("() => window.__e2e.loadMore()")
            x.evaluate("() => window.__e2e.loadMore()")
            hn = browser.open("hackernews")
            fetched = sorted(x.evaluate("() => window.__e2e.fetched"))
            assert len(fetched) == 3
            hn.wait_for_timeout(1000)
            # Closing the tabs sends their impressions; then nothing adds to the queue.
            x.close()
            hn.close()
            blank = (
                browser.context.pages[0] if browser.context.pages else browser.context.new_page()
            )
            seen: list[list[tuple[str, str, int]]] = []

            def settled_queue() -> list[tuple[str, str, int]] | None:
                """The queue once it holds every capture, each tried (and failed) at
                least once, and stays the same for a second."""
                rows = sorted(queued_captures(browser.context))
                seen.append(rows)
                kinds = [kind for _, kind, _ in rows]
                complete = kinds.count("api") == 3 and kinds.count("document") == 1
                tried = all(attempts > 0 for _, _, attempts in rows)
                ids = [capture_id for capture_id, _, _ in rows]
                stable = len(seen) > 10 and [c for c, _, _ in seen[-11]] == ids
                return rows if complete and tried and stable else None

            queued = wait_until(
                blank, settled_queue, timeout=30, what="every capture to wait in the queue"
            )
            assert queued
            # The browser closes here, with everything still queued.

        server = start_server(data_dir, port=server.port)  # same data, port and token
        queued_ids = sorted(capture_id for capture_id, _, _ in queued)
        with profile_browser(playwright_session, server, profile, pair=False) as browser:
            # No site is opened: the extension resumes sending when the browser starts.
            page = browser.context.pages[0] if browser.context.pages else browser.context.new_page()

            def stored() -> list[list[Any]]:
                return server.sql("SELECT id, count(*) FROM captures GROUP BY id ORDER BY id")

            rows = wait_until(
                page,
                lambda: found if len(found := stored()) >= len(queued_ids) else None,
                timeout=40,
                what="the captures queued before the restart to arrive",
            )
            # A little longer: a replay must not add a second copy.
            page.wait_for_timeout(2000)
            assert stored() == rows == [[capture_id, 1] for capture_id in queued_ids]
            wait_until(
                page, lambda: queued_captures(browser.context) == [], what="the queue to empty"
            )
            timelines = server.sql(
                "SELECT url FROM captures WHERE platform = 'x' AND operation = 'HomeTimeline'"
                " ORDER BY url"
            )
            assert [url for (url,) in timelines] == fetched
            assert_pages_parsed(server)
    finally:
        if server.process and server.process.poll() is None:
            server.stop()
