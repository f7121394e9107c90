"""What the content scripts cost the page's main thread in all, with nothing measuring
inside the browser: no trace, no User Timing, the build users get.

The page's renderer main thread runs on the CPU for some time during the same browsing
as bench/overlay_latency.py (the routed X page, a real `seenby serve`, a new timeline
page every second, each rendering on screen). Linux counts that time per thread
(/proc/<pid>/task/<tid>/schedstat, in ns). The run is done with the extension as users
get it, and with the same build minus its content scripts; the difference is what the
content scripts cost the page: their scripts in both worlds (the capture path included),
the garbage they leave, the browser's work for their IntersectionObservers, and the
style, layout and paint of the frames their badges need. The two kinds of run
alternate; the medians are compared.

overlay_latency.py splits the content script's own time by feature (from a trace);
this one says what all of it adds up to. Its figure is not the target's: it includes
the browser's drawing of our badges, which no content script can avoid (see
docs/architecture.md, "What the content script costs the page").

    .venv/bin/python bench/page_cost.py [--rounds 4] [--pages 12]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import Page, Playwright, sync_playwright  # noqa: E402

from e2e.harness import CHROMIUM, Server, build_extension, paired_browser, start_server  # noqa: E402
from timeline import RENDERED_POSTS, browse_timeline  # noqa: E402

BUSY_MS = 300
SPIN = f"() => {{ const t = performance.now(); while (performance.now() - t < {BUSY_MS}); }}"


def thread_cpu_ns(pid: int) -> int:
    """CPU time of the process's main thread (for a renderer, its main thread)."""
    return int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[0])


def renderer_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"--type=renderer" in command and b"--extension-process" not in command:
            pids.append(int(entry))
    return pids


def page_renderer(page: Page) -> int:
    """The renderer process of `page`: the one whose main thread runs while the page spins."""
    before = {pid: thread_cpu_ns(pid) for pid in renderer_pids()}
    page.evaluate(SPIN)
    alive = {pid: ns for pid, ns in before.items() if Path(f"/proc/{pid}").exists()}
    grown = {pid: thread_cpu_ns(pid) - ns for pid, ns in alive.items()}
    pid, ns = max(grown.items(), key=lambda item: item[1])
    if ns < BUSY_MS * 1e6 / 3:
        raise RuntimeError(f"no renderer ran the page's {BUSY_MS} ms of script: {grown}")
    return pid


def without_content_scripts(build: Path, into: Path) -> Path:
    """A copy of `build` whose manifest declares no content scripts."""
    shutil.copytree(build, into)
    manifest = json.loads((into / "manifest.json").read_text())
    manifest["content_scripts"] = []
    (into / "manifest.json").write_text(json.dumps(manifest))
    return into


def one_run(
    playwright: Playwright, server: Server, extension: Path, pages: int
) -> tuple[float, int]:
    """Main-thread ms while `pages` - 1 timeline pages load after the first, and the
    posts they rendered."""
    with paired_browser(playwright, server, extension) as browser:
        page = browser.open("x")
        page.wait_for_timeout(1500)  # start-up done: the first page's badges and captures
        pid = page_renderer(page)
        page.wait_for_timeout(300)
        posts_before, cpu_before = page.evaluate(RENDERED_POSTS), thread_cpu_ns(pid)
        browse_timeline(page, pages)
        cpu_ms = (thread_cpu_ns(pid) - cpu_before) / 1e6
        return cpu_ms, page.evaluate(RENDERED_POSTS) - posts_before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="runs of each kind")
    parser.add_argument("--pages", type=int, default=12, help="timeline pages per run")
    args = parser.parse_args()
    if not CHROMIUM.exists() or not Path("/proc/self/task").exists():
        print("page cost: skipped, needs Debian's Chromium and Linux's /proc")
        return 0
    runs: dict[str, list[float]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory(prefix="seenby-bench-") as data:
        kinds = {
            "with": build_extension(),
            "without": without_content_scripts(build_extension(), Path(data) / "no-content"),
        }
        server = start_server(Path(data) / "server")
        try:
            with sync_playwright() as playwright:
                for round_ in range(args.rounds):
                    order = ["with", "without"] if round_ % 2 == 0 else ["without", "with"]
                    for kind in order:
                        cpu_ms, posts = one_run(playwright, server, kinds[kind], args.pages)
                        runs[kind].append(cpu_ms / posts * 20)
                        print(f"  {kind:7} content scripts: {cpu_ms:6.1f} ms over {posts} posts")
        finally:
            server.stop()
    with_ms, without_ms = statistics.median(runs["with"]), statistics.median(runs["without"])
    print("Page's main-thread CPU per 20 posts rendered (untraced; medians of the runs above)")
    print(f"  with Seenby's content scripts     {with_ms:6.2f} ms")
    print(f"  without them                      {without_ms:6.2f} ms")
    print(f"  = what the content scripts cost  {with_ms - without_ms:6.2f} ms per 20 posts")
    print("    (scripts, capture path, observers, and the frames that draw the badges)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
