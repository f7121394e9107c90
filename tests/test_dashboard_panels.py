"""The dashboard's content against a real server: plugins' panels as tables and SVG
charts, every stored text escaped, and a plugin that fails or overruns isolated."""

from __future__ import annotations

import time

from conftest import Server, capture, run_cli
from dashboard_pages import Page, dashboard, login

PLUGINS = "example_plugin,panels_plugin,panels_broken,panels_slow"
HOSTILE_TEXT = "<script>alert(1)</script>"
HOSTILE_AUTHOR = '"><img src=x onerror=alert(2)>'
BAR_TITLE = 'Likes <script>alert("title")</script>'
HOOK = "seenby_dashboard_panels"
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
    "h1", "h2", "p", "div", "b", "span", "code", "table", "thead", "tbody", "tr", "th", "td",
    "details", "summary", "svg", "g", "text", "rect", "line", "polyline", "circle",
}  # fmt: skip
"""Every tag the page may hold: the renderer's own, none from the data."""


def seed(server: Server) -> None:
    posts = [
        {"id": "p1", "author": HOSTILE_AUTHOR, "handle": HOSTILE_AUTHOR, "text": HOSTILE_TEXT,
         "likes": 7},
        {"id": "p2", "author": "u2", "text": "two", "likes": 3},
    ]  # fmt: skip
    assert server.post_captures(capture(body={"posts": posts})).status_code == 200


def failures(page: Page) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["plugin"], r["hook"]): r for r in page.rows("Plugin failures")}


def test_stored_and_plugin_texts_are_escaped(make_server) -> None:
    server: Server = make_server(plugins="example_plugin,panels_plugin,panels_broken")
    seed(server)
    html = dashboard(server, login(server)).text
    page = Page(html)
    assert page.tags <= PAGE_TAGS, page.tags - PAGE_TAGS
    assert not [a for a in page.attributes if a.startswith("on")]
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;every&lt;/b&gt; post" in html  # a plugin's description
    # Escaped, they read as the text that was stored.
    assert page.rows("Example posts") == [
        {"author_id": HOSTILE_AUTHOR, "text": HOSTILE_TEXT, "likes": "7"},
        {"author_id": "u2", "text": "two", "likes": "3"},
    ]
    assert BAR_TITLE in [s.title for s in page.sections]
    error = failures(page)[("panels_broken", HOOK)]["error"]
    assert error.startswith("ValueError: panel bug <img src=x onerror=alert(3)>")


def test_charts_are_drawn_on_the_server(make_server) -> None:
    server: Server = make_server(plugins="example_plugin,panels_plugin")
    seed(server)
    html = dashboard(server, login(server)).text
    page = Page(html)
    bars = page.section(BAR_TITLE)
    assert '<rect class="bar"' in html
    # Each bar is labelled (escaped), and the chart's data is there as a table too.
    assert 'dominant-baseline="middle">&quot;&gt;&lt;img src=x onerror' in html
    assert [row[2] for row in bars.tables[0][1:]] == ["7", "3"]
    line = page.section("A week of likes")
    assert '<polyline class="line"' in html
    assert line.tables[0][1] == ["2026-11-01", "2"]
    assert len(line.tables[0]) == 8


def test_a_failing_or_slow_plugin_leaves_the_rest_of_the_page(make_server) -> None:
    server: Server = make_server(plugins=PLUGINS, SEENBY_DASHBOARD_BUDGET_MS="1000")
    seed(server)
    cookies = login(server)
    started = time.monotonic()
    first = dashboard(server, cookies)
    assert time.monotonic() - started < 2.9  # the slow plugin takes 3 s
    assert first.status_code == 200
    page = Page(first.text)
    titles = [s.title for s in page.sections]
    assert {"Example posts", BAR_TITLE, "A week of likes"} <= set(titles)
    assert "Too late" not in titles and "Broken chart" not in titles
    failed = failures(page)
    assert failed[("panels_broken", HOOK)]["error"].startswith("ValueError: panel bug")
    assert failed[("panels_slow", HOOK)]["error"] == "overran its time budget of 1000 ms"
    # One bad panel is left out, the plugin's others are shown.
    assert "'nope' is not a column" in failed[("panels_plugin", HOOK)]["error"]

    # Reloaded while the slow plugin still runs: it is not started a second time.
    again = failures(Page(dashboard(server, cookies).text))[("panels_slow", HOOK)]
    assert again["error"] == "still running from an earlier load: it overran its budget"
    assert again["times"] == "2"

    listed = run_cli(server.data_dir, "plugins", SEENBY_PLUGINS=PLUGINS).stdout
    assert "panels_broken in seenby_dashboard_panels (x2): ValueError: panel bug" in listed
    assert "panels_slow in seenby_dashboard_panels (x2)" in listed
    assert "panels_plugin in seenby_dashboard_panels" in listed


def test_the_overview_says_which_account_is_yours_on_each_site(make_server) -> None:
    """Which posts are "yours" depends on it: the page says whether Seenby knows."""
    server: Server = make_server(plugins="example_plugin")
    seed(server)

    def you() -> list[str]:
        return [row["you"] for row in Page(dashboard(server, login(server)).text).rows("Your data")]

    assert you() == ["not known yet"]
    server.post_captures(capture(kind="viewer", body={"handle": "Mia"}))
    assert you() == ["Mia (account not seen yet)"]
    mine = {"id": "p3", "author": "u3", "handle": "mia", "text": "mine", "likes": 1}
    server.post_captures(capture(body={"posts": [mine]}))
    assert you() == ["mia"]
