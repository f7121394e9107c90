"""The popup's "Open the dashboard": a new tab logged in to the dashboard, as a user
gets it with one click after pairing."""

from __future__ import annotations

import re

import pytest

from .harness import Browser

pytestmark = pytest.mark.e2e


def test_the_popup_opens_the_dashboard_in_a_new_tab(browser: Browser) -> None:
    popup = browser.context.new_page()
    try:
        popup.goto(f"chrome-extension://{browser.ext_id}/popup.html")
        popup.locator("#status").filter(has_text=re.compile(r"^Connected$")).wait_for()
        with browser.context.expect_page() as opened:
            popup.get_by_role("button", name="Open the dashboard").click()
        tab = opened.value
        try:
            tab.get_by_role("heading", name="Your data").wait_for(timeout=15_000)
            # Logged in by the one-time link, which the redirect took out of the address.
            assert tab.url == f"{browser.server.url}/dashboard"
            assert tab.get_by_role("heading", name="Plugin failures").is_visible()
        finally:
            tab.close()
        assert popup.locator("#dashboard-message").text_content() == ""
    finally:
        popup.close()
