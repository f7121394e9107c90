"""Screenshots of the overlays with a panel open, and of the dashboard.

Every test run takes them (into a temporary folder) and checks the panel is fully
visible. `make screenshots` runs this file alone with only the built-in plugins and
SEENBY_SCREENSHOTS=docs/screenshots, which refreshes the pictures in the README.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .harness import ROOT, Browser, badge_texts, dashboard_from_popup, wait_until

pytestmark = pytest.mark.e2e

PLACEHOLDERS = ("Seenby …", "no data yet", "offline")


def screenshot_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SEENBY_SCREENSHOTS") or tmp_path)
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("site", ["x", "hackernews", "mastodon"])
def test_screenshot_with_a_panel_open(browser: Browser, site: str, tmp_path: Path) -> None:
    folder = screenshot_folder(tmp_path)
    page = browser.open(site)
    try:
        filled = wait_until(
            page,
            lambda: [
                post_id
                for post_id, texts in badge_texts(page).items()
                if any(text and not text.startswith(PLACEHOLDERS) for text in texts)
            ],
            what="a filled badge",
        )
        badge = page.locator(f'seenby-badge[data-seenby-post-id="{filled[0]}"] button.badge')
        badge.click()
        panel = page.locator(f'seenby-badge[data-seenby-post-id="{filled[0]}"] .panel')
        panel.wait_for()
        page.wait_for_timeout(200)  # let the panel's own layout settle before the picture
        page.screenshot(path=str(folder / f"{site}.png"))
        assert panel.inner_text().strip()
        # The whole panel must be visible: no ancestor of the badge may clip it. A panel in
        # the top layer (an open popover) is clipped by no ancestor, whatever their boxes:
        # there, every point of it must be on screen and on top of the page.
        clipped_by = panel.evaluate(
            """(panel) => {
              const box = panel.getBoundingClientRect();
              const host = panel.getRootNode().host;
              const clipping = [];
              if (panel.matches(":popover-open")) {
                // 10 px in: the rounded corners let the page through.
                const xs = [box.left + 10, (box.left + box.right) / 2, box.right - 10];
                const ys = [box.top + 10, (box.top + box.bottom) / 2, box.bottom - 10];
                for (const x of xs) for (const y of ys) {
                  const hit = panel.getRootNode().elementFromPoint(x, y);
                  if (!hit || !panel.contains(hit)) clipping.push(`hidden at ${x},${y}`);
                }
                return clipping;
              }
              for (let el = host.parentElement; el; el = el.parentElement) {
                if (getComputedStyle(el).overflow === "visible") continue;
                const r = el.getBoundingClientRect();
                const inside = box.left >= r.left && box.right <= r.right
                  && box.top >= r.top && box.bottom <= r.bottom;
                if (!inside) clipping.push(`${el.tagName.toLowerCase()}.${el.className}`);
              }
              return clipping;
            }"""
        )
        assert clipped_by == []
        # Opening the panel (which takes the focus) scrolled none of the site's containers:
        # a scrolled clipping cell hides the post's own text (Hacker News' title).
        scrolled = panel.evaluate(
            """(panel) => {
              const scrolled = [];
              let el = panel.getRootNode().host.parentElement;
              for (; el && el !== document.scrollingElement; el = el.parentElement) {
                if (el.scrollTop !== 0 || el.scrollLeft !== 0) scrolled.push(el.tagName.toLowerCase());
              }
              return scrolled;
            }"""
        )
        assert scrolled == []
    finally:
        page.close()


def test_screenshot_of_the_dashboard(browser: Browser, tmp_path: Path) -> None:
    """After the sites above were browsed: the dashboard as the popup's button opens it."""
    # The derived tables (relationships, estimates) as the server's schedule would have them.
    assert browser.server.request("POST", "/api/v1/refresh").status_code == 200
    with dashboard_from_popup(browser) as (_, tab):
        path = screenshot_folder(tmp_path) / "dashboard.png"
        tab.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
        # Figures from what was browsed: the sites' posts are counted.
        assert tab.locator("main").inner_text().count("posts") > 0
