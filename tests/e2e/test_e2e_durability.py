"""Captures survive the server going away: the extension queues them (IndexedDB) and
sends them once the server is back, each stored exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Playwright

from .harness import paired_browser, start_server, wait_until

pytestmark = pytest.mark.e2e


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
            statuses = server.sql(
                "SELECT parse_status, count(*) FROM captures WHERE kind IN ('api', 'document')"
                " GROUP BY parse_status"
            )
            assert statuses == [["parsed", 4]]
            # The pages' posts are there: 7 tweets rendered per page, from the three pages.
            posts = server.sql("SELECT count(DISTINCT post_id) FROM posts WHERE platform = 'x'")
            assert posts[0][0] >= 3 * 7
    finally:
        if server.process and server.process.poll() is None:
            server.stop()
