"""The built-in plugins' dashboard panels and the page's own numbers, on the recorded
fixtures of every platform, through a real server process."""

from __future__ import annotations

from typing import Any

from feed import ingest

from conftest import Server
from dashboard_pages import Page, dashboard, login

PEOPLE = "People you interact with most"
ATTENTION = "How much of your attention goes to your top 5 people"
OWN_POSTS = "Your recent posts: who saw them, and who you'd guess"


def test_the_page_shows_the_stored_numbers(make_server: Any) -> None:
    server: Server = make_server(plugins="")
    ingest(server)
    assert server.request("POST", "/api/v1/refresh").json()["failures"] == []
    page = Page(dashboard(server, login(server)).text)

    shown = {row["platform"]: row for row in page.rows("Your data")}
    for table in ("posts", "accounts", "captures", "impressions"):
        for platform, count in server.sql(f"SELECT platform, count(*) FROM {table} GROUP BY ALL"):
            assert shown[platform][table] == f"{count:,}", (table, platform)
    [[posts]] = server.sql("SELECT count(*) FROM posts")
    assert f"{posts:,}posts" in "".join(page.section("Your data").text)

    [[captures, problems]] = server.sql(
        "SELECT count(*), count(*) FILTER (parse_status IN ('error', 'unrecognized', 'partial')) "
        "FROM captures"
    )
    parsing = "".join(page.section("Parsing").text)
    assert f"{problems} of {captures} captures could not be fully read" in parsing
    assert [row["status"] for row in page.rows("Parsing")] == ["partial"] * problems


def test_people_you_interact_with_most(make_server: Any) -> None:
    """kestrel_dev, the Hacker News user, upvoted tarn, who answered them; kestrel_dev
    answered fjord_runner (see test_relationships.py)."""
    server: Server = make_server(plugins="")
    ingest(server)
    server.request("POST", "/api/v1/refresh")
    page = Page(dashboard(server, login(server)).text)
    people = {row["person"]: row for row in page.rows(PEOPLE)}
    assert len(people) == min(15, server.sql(
        "SELECT count(*) FROM relationships_people WHERE interactions > 0")[0][0])  # fmt: skip
    tarn = people["@tarn"]
    assert (tarn["platform"], tarn["you gave"], tarn["you received"]) == ("hackernews", "1", "1")
    assert (tarn["interactions"], tarn["direction"]) == ("2", "both ways")
    assert people["@fjord_runner"]["direction"] == "you → them"
    attention = page.section(ATTENTION)
    [[weeks]] = server.sql(
        "SELECT count(DISTINCT week) FROM relationships_attention WHERE modality = 'communication'"
    )
    assert weeks > 0 and len(attention.tables[0]) == weeks + 1  # the chart's data
    assert "polyline" in page.tags


def test_your_recent_posts_with_their_audience_and_the_guess(make_server: Any) -> None:
    server: Server = make_server(plugins="")
    ingest(server)
    server.request("POST", "/api/v1/refresh")
    page = Page(dashboard(server, login(server)).text)
    rows = page.rows(OWN_POSTS)
    [[own]] = server.sql("SELECT count(*) FROM my_posts WHERE kind IS DISTINCT FROM 'repost'")
    assert len(rows) == min(20, own) and rows
    with_views = server.sql("SELECT platform, views FROM my_posts WHERE views IS NOT NULL")
    assert with_views, "the fixtures have an own post with views (LinkedIn)"
    for platform, views in with_views:
        [row] = [r for r in rows if r["platform"] == platform and r["audience"] == f"{views:,}"]
        assert row["you'd guess"] == f"{round(float(f'{views * 0.27:.2g}')):,}"
        assert row["basis"] == "views shown by the site"
    estimated = [r for r in rows if r["basis"].startswith("estimate, 80% interval ")]
    assert estimated
    for row in estimated:
        audience, guess = (int(row[c].replace(",", "")) for c in ("audience", "you'd guess"))
        assert audience == round(float(f"{audience:.2g}"))  # two significant digits
        assert abs(guess - audience * 0.27) <= 0.5 + 0.02 * audience  # both rounded
