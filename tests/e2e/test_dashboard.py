"""The popup's "Open the dashboard": a new tab logged in to the dashboard, as a user
gets it with one click after pairing."""

from __future__ import annotations

import pytest

from .harness import Browser, dashboard_from_popup

pytestmark = pytest.mark.e2e


def test_the_popup_opens_the_dashboard_in_a_new_tab(browser: Browser) -> None:
    with dashboard_from_popup(browser) as (popup, tab):
        # Logged in by the one-time link, which the redirect took out of the address.
        assert tab.url == f"{browser.server.url}/dashboard"
        assert tab.get_by_role("heading", name="Plugin failures").is_visible()
        assert popup.locator("#dashboard-message").text_content() == ""
