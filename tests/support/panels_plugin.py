"""Dashboard panels for the dashboard tests: a table and a bar chart of the stored
``example`` posts (texts and authors as stored, so hostile ones reach the page), a line,
and one panel the dashboard must refuse (its y column does not exist)."""

from __future__ import annotations

from datetime import date

import seenby

TITLE = 'Likes <script>alert("title")</script>'


@seenby.hookimpl
def seenby_dashboard_panels(ctx: seenby.Context) -> list[seenby.Panel]:
    posts = ctx.query(
        "SELECT author_id, text, likes FROM posts_latest WHERE platform = 'example' "
        "ORDER BY likes DESC NULLS LAST, post_id"
    )
    return [
        seenby.Panel(title="Example posts", description="<b>every</b> post", frame=posts),
        seenby.Panel(title=TITLE, kind="bar", frame=posts, x="author_id", y="likes"),
        seenby.Panel(
            title="A week of likes",
            kind="line",
            columns=["day", "likes"],
            rows=[[date(2026, 11, day), day * 2] for day in range(1, 8)],
            x="day",
            y="likes",
        ),
        seenby.Panel(title="Broken chart", kind="bar", frame=posts, x="author_id", y="nope"),
    ]
