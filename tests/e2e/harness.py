"""The end-to-end harness: build the extension, start Chromium with it, pair it through
its popup with a real `seenby serve`, and read what it drew on a page.

Shared by the e2e tests (tests/e2e/conftest.py) and bench/overlay_latency.py. The
browser is Debian's /usr/bin/chromium; nothing here ever downloads one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Playwright, Worker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import Server, cli_env, free_port, run_cli  # noqa: E402  (the tests' server harness)

from .site_routes import Site, make_sites  # noqa: E402

EXTENSION = ROOT / "extension"
DIST = EXTENSION / "dist" / "chromium"
DIST_PERF = EXTENSION / "dist" / "chromium-perf"
"""The benchmark's build: DIST with the content script's User Timing measures on."""
CHROMIUM = Path("/usr/bin/chromium")
E2E_SUPPORT = HERE / "support"
PLUGINS = os.environ.get("SEENBY_E2E_PLUGINS", "example_plugin,annotate_figures")
"""Test plugins added to the built-in ones; `make screenshots` sets none, so the
pictures show only what users see."""
BUILD_INPUTS = ("src", "scripts", "static", "package.json", "package-lock.json", "hosts.json")

T = TypeVar("T")


# --- the extension ---------------------------------------------------------------


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in BUILD_INPUTS:
        path = EXTENSION / name
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                newest = max(newest, file.stat().st_mtime)
    return newest


def build_extension(perf: bool = False) -> Path:
    """dist/chromium (`perf`: dist/chromium-perf), built with `npm ci && npm run build`
    (`build:perf`) when missing or older than its sources."""
    dist = DIST_PERF if perf else DIST
    manifest = dist / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return dist
    if not (EXTENSION / "package.json").exists():
        raise RuntimeError("extension/package.json is missing: nothing to build")
    lock = EXTENSION / "package-lock.json"
    modules = EXTENSION / "node_modules" / ".package-lock.json"
    steps = [["npm", "run", "build:perf" if perf else "build"]]
    if not modules.exists() or (lock.exists() and lock.stat().st_mtime > modules.stat().st_mtime):
        steps.insert(0, ["npm", "ci", "--no-audit", "--no-fund"])
    for step in steps:
        done = subprocess.run(step, cwd=EXTENSION, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(step)} failed:\n{done.stdout}\n{done.stderr}")
    if not manifest.exists():
        raise RuntimeError(f"the build made no {manifest}")
    return dist


# --- the server ------------------------------------------------------------------


def start_server(data_dir: Path, port: int | None = None, plugins: str = PLUGINS) -> Server:
    """A real `seenby serve` with the e2e analysis plugins (tests/e2e/support) loaded."""
    env = cli_env(data_dir, SEENBY_PLUGINS=plugins)
    env["PYTHONPATH"] = os.pathsep.join([str(E2E_SUPPORT), env["PYTHONPATH"]])
    server = Server(data_dir, port or free_port(), env)
    server.start()
    return server


def pairing_code(server: Server) -> str:
    done = run_cli(server.data_dir, "pair")
    assert done.returncode == 0, done.stderr
    codes = [word for word in done.stdout.split() if len(word) == 9 and word[4] == "-"]
    assert codes, f"no pairing code in: {done.stdout!r}"
    return codes[0]


# --- the browser -----------------------------------------------------------------


def launch(playwright: Playwright, profile_dir: Path, extension: Path = DIST) -> BrowserContext:
    return playwright.chromium.launch_persistent_context(
        str(profile_dir),
        executable_path=str(CHROMIUM),
        headless=True,
        viewport={"width": 1280, "height": 720},
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--disable-extensions-except={extension}",
            f"--load-extension={extension}",
        ],
    )


def extension_worker(context: BrowserContext) -> Worker:
    """The extension's service worker, once it runs (the browser starts it by itself)."""
    workers = context.service_workers
    return workers[0] if workers else context.wait_for_event("serviceworker", timeout=20_000)


def extension_id(context: BrowserContext) -> str:
    return urlsplit(extension_worker(context).url).hostname or ""


QUEUED_JS = """
() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("seenby-queue");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const db = opening.result;
    const reading = db.transaction("captures").objectStore("captures").getAll();
    reading.onerror = () => reject(reading.error);
    reading.onsuccess = () => {
      db.close();
      resolve(reading.result.map((record) => [record.capture.id, record.capture.kind, record.attempts]));
    };
  };
})
"""


def queued_captures(context: BrowserContext) -> list[tuple[str, str, int]]:
    """(id, kind, attempts) of each capture waiting in the extension's IndexedDB queue."""
    rows: list[list[Any]] = extension_worker(context).evaluate(QUEUED_JS)
    return [(str(capture_id), str(kind), int(attempts)) for capture_id, kind, attempts in rows]


POPUP_FILL_JS = """
([server, code]) => {
  const set = (selector, value) => {
    const input = document.querySelector(selector);
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  document.querySelector("#pairing").open = true;
  set("#server", server);
  set("#code", code);
  document.querySelector("#pair").click();
}
"""
POPUP_READ_JS = "[document.querySelector('#pair-message').textContent, document.querySelector('#status').textContent]"


def pair_in_tab(context: BrowserContext, ext_id: str, server: Server) -> str | None:
    """Pair through popup.html opened in a tab; None when it worked, else the popup's message."""
    popup = context.new_page()
    try:
        popup.goto(f"chrome-extension://{ext_id}/popup.html")
        popup.locator("#status").filter(has_text="Not paired").wait_for()
        popup.locator("#server").fill(server.url)
        popup.locator("#code").fill(pairing_code(server))
        popup.get_by_role("button", name="Pair").click()
        message = popup.locator("#pair-message")
        wait_until(
            popup, lambda: message.text_content() not in ("", "Pairing…"), what="the popup's answer"
        )
        if message.text_content() != "Paired.":
            return message.text_content()
        popup.locator("#status").filter(has_text=re.compile(r"^Connected$")).wait_for(
            timeout=15_000
        )
        return None
    finally:
        popup.close()


class ActionPopup:
    """The toolbar popup itself (chrome.action.openPopup), driven over CDP: Playwright does
    not attach to it because it is not a tab."""

    def __init__(self, context: BrowserContext, ext_id: str) -> None:
        self.page = context.pages[0] if context.pages else context.new_page()
        worker = context.service_workers[0]
        worker.evaluate("() => chrome.action.openPopup()")
        self.cdp = context.new_cdp_session(self.page)
        url = f"chrome-extension://{ext_id}/popup.html"
        target = wait_until(
            self.page,
            lambda: next(
                (t for t in self.cdp.send("Target.getTargets")["targetInfos"] if t["url"] == url),
                None,
            ),
            what="the toolbar popup",
        )
        self.answers: dict[int, Any] = {}
        self.cdp.on("Target.receivedMessageFromTarget", self._received)
        self.session = self.cdp.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": False}
        )["sessionId"]
        self.next_id = 0

    def _received(self, event: dict[str, Any]) -> None:
        message = json.loads(event["message"])
        if "id" in message:
            self.answers[message["id"]] = message

    def evaluate(self, expression: str) -> Any:
        self.next_id += 1
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        message = {"id": self.next_id, "method": "Runtime.evaluate", "params": params}
        self.cdp.send(
            "Target.sendMessageToTarget",
            {"sessionId": self.session, "message": json.dumps(message)},
        )
        answer = wait_until(
            self.page, lambda: self.answers.pop(self.next_id, None), what="the popup"
        )
        return answer["result"]["result"].get("value")


def pair_in_action_popup(context: BrowserContext, ext_id: str, server: Server) -> None:
    popup = ActionPopup(context, ext_id)
    wait_until(
        popup.page,
        lambda: popup.evaluate("document.querySelector('#status').textContent") == "Not paired",
    )
    popup.evaluate(f"({POPUP_FILL_JS})({json.dumps([server.url, pairing_code(server)])})")
    message, status = wait_until(
        popup.page,
        lambda: (
            (read := popup.evaluate(POPUP_READ_JS))
            and read[0] == "Paired."
            and read[1] == "Connected"
            and read
        ),
        what="the toolbar popup to say Paired. and Connected",
    )
    assert (message, status) == ("Paired.", "Connected")


@dataclass
class Pairing:
    """How pairing went: through popup.html in a tab (what the tests ask for first), or,
    when that is refused, through the toolbar popup."""

    tab_error: str | None


def pair_through_popup(context: BrowserContext, ext_id: str, server: Server) -> Pairing:
    """Fill the popup's server address and pairing code, press Pair, wait for "Connected"."""
    tab_error = pair_in_tab(context, ext_id, server)
    if tab_error is not None:
        pair_in_action_popup(context, ext_id, server)
    return Pairing(tab_error)


@dataclass
class Browser:
    """A Chromium profile with the extension paired to one server, and the routed sites."""

    context: BrowserContext
    ext_id: str
    sites: dict[str, Site]
    server: Server
    pairing: Pairing

    def open(self, site: str, before_load: Callable[[Page], None] | None = None) -> Page:
        """A new tab on the site's start page, after the page's first data is rendered.
        `before_load` gets the tab before it loads the page."""
        page = self.context.new_page()
        if before_load is not None:
            before_load(page)
        page.goto(self.sites[site].start_url)
        page.wait_for_function("() => window.__e2e && window.__e2e.pages > 0")
        page.evaluate("() => window.__e2e.ready")
        return page


@contextmanager
def profile_browser(
    playwright: Playwright,
    server: Server,
    profile: Path,
    *,
    pair: bool = True,
    extension: Path = DIST,
) -> Iterator[Browser]:
    """Chromium on the profile directory `profile` with the `extension` build and the
    routed sites; paired with `server` through the popup, or (`pair=False`) as the
    profile already is."""
    context = launch(playwright, profile, extension)
    try:
        ext_id = extension_id(context)
        sites = make_sites()
        for site in sites.values():
            site.install(context)
        pairing = pair_through_popup(context, ext_id, server) if pair else Pairing(None)
        yield Browser(context, ext_id, sites, server, pairing)
    finally:
        context.close()


@contextmanager
def paired_browser(
    playwright: Playwright, server: Server, extension: Path = DIST
) -> Iterator[Browser]:
    with (
        tempfile.TemporaryDirectory(prefix="seenby-e2e-profile-") as profile,
        profile_browser(playwright, server, Path(profile), extension=extension) as browser,
    ):
        yield browser


@contextmanager
def dashboard_from_popup(browser: Browser) -> Iterator[tuple[Page, Page]]:
    """The popup, and the tab its "Open the dashboard" opened once the page shows."""
    popup = browser.context.new_page()
    try:
        popup.goto(f"chrome-extension://{browser.ext_id}/popup.html")
        popup.locator("#status").filter(has_text=re.compile(r"^Connected$")).wait_for()
        with browser.context.expect_page() as opened:
            popup.get_by_role("button", name="Open the dashboard").click()
        tab = opened.value
        try:
            tab.get_by_role("heading", name="Your data").wait_for(timeout=15_000)
            yield popup, tab
        finally:
            tab.close()
    finally:
        popup.close()


# --- waiting and reading ---------------------------------------------------------


def wait_until(
    page: Page, probe: Callable[[], T | None], timeout: float = 15.0, what: str = ""
) -> T:
    """Poll `probe` until it returns something truthy. Waits with page.wait_for_timeout,
    not time.sleep, so Playwright keeps answering the routed requests meanwhile."""
    waited = 0.0
    while True:
        value = probe()
        if value:
            return value
        if waited >= timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or probe}")
        page.wait_for_timeout(100)
        waited += 0.1


BADGES_JS = """
() => {
  const overlays = {};
  for (const host of document.querySelectorAll("seenby-badge[data-seenby-post-id]")) {
    const button = host.shadowRoot && host.shadowRoot.querySelector("button.badge");
    if (!button) continue;
    const texts = button.textContent.split(" · ").map((text) => text.trim()).filter(Boolean);
    (overlays[host.getAttribute("data-seenby-post-id")] ??= []).push(...texts);
  }
  return overlays;
}
"""


def badge_texts(page: Page) -> dict[str, list[str]]:
    """Post id → the texts of the badges the extension drew for it (button.badge in the
    badge host's open shadow root shows them joined by " · ")."""
    result: dict[str, Any] = page.evaluate(BADGES_JS)
    return result
