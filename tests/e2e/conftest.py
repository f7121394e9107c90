"""Fixtures of the end-to-end tests: the built extension in Debian's headless Chromium,
paired through its popup with a real `seenby serve`, browsing routed copies of the sites.

One server and one browser serve the whole session (starting Chromium and pairing
costs seconds); each test reads its own post ids from the shared database. The
durability test starts its own pair (it stops its server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright, sync_playwright

from .harness import CHROMIUM, Browser, Server, build_extension, paired_browser, start_server


@pytest.fixture(scope="session")
def extension_dir() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (`make test` installs Debian's chromium package)")
    return build_extension()


@pytest.fixture(scope="session")
def playwright_session(extension_dir: Path) -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("e2e-data"))
    yield server
    if server.process and server.process.poll() is None:
        server.stop()


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright, e2e_server: Server) -> Iterator[Browser]:
    with paired_browser(playwright_session, e2e_server) as paired:
        yield paired


@pytest.fixture
def pages(browser: Browser) -> Iterator[list[Page]]:
    """Pages a test opens; closed after it, so each test starts from its own tabs."""
    opened: list[Page] = []
    yield opened
    for page in opened:
        page.close()
