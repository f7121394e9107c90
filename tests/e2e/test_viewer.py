"""The user's own handle, read from the page with the platform's ViewerHint (X: the
profile tab of the side bar), reaches the server as a `viewer` capture."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .harness import Browser, wait_until

pytestmark = pytest.mark.e2e


def test_the_page_tells_the_server_whose_account_it_is(browser: Browser, pages: list[Page]) -> None:
    page = browser.open("x")
    pages.append(page)
    # The routed page's profile tab: <a data-testid="AppTabBar_Profile_Link" href="/jordan_reads">
    handles = wait_until(
        page,
        lambda: browser.server.sql("SELECT handle FROM viewer_handles WHERE platform = 'x'"),
        what="the viewer's handle",
    )
    assert handles == [["jordan_reads"]]
    captures = browser.server.sql(
        "SELECT parse_status, body FROM captures WHERE kind = 'viewer' AND platform = 'x'"
    )
    assert captures and all(row == ["parsed", '{"handle":"jordan_reads"}'] for row in captures)
