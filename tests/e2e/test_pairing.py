"""Pairing through the extension's popup, as a user does it: server address, the code
`seenby pair` printed, Pair, then "Connected"."""

from __future__ import annotations

import re

import pytest

from .harness import Browser

pytestmark = pytest.mark.e2e


def test_pairing_through_the_popup_opened_in_a_tab(browser: Browser) -> None:
    # The session's browser paired through popup.html in a tab; when the extension refused
    # that, it paired through the toolbar popup instead so the other tests could run.
    assert browser.pairing.tab_error is None, (
        f"popup.html opened in a tab could not pair: {browser.pairing.tab_error!r}"
    )


def test_popup_shows_the_connection_and_the_sites(browser: Browser) -> None:
    popup = browser.context.new_page()
    try:
        popup.goto(f"chrome-extension://{browser.ext_id}/popup.html")
        popup.locator("#status").filter(has_text=re.compile(r"^Connected$")).wait_for()
        sites = popup.locator("#sites").inner_text()
        for label in ("X (Twitter)", "Mastodon", "Bluesky", "Reddit", "Hacker News"):
            assert label in sites
    finally:
        popup.close()
