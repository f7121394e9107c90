"""The audience plugin's dashboard panel: the user's recent posts, how many people saw
them, and how many people typically guess would (Bernstein et al., CHI 2013)."""

from __future__ import annotations

import polars as pl

import seenby
from seenby_plugins.audience import model
from seenby_plugins.audience.present import SITE, compact
from seenby_plugins.audience.priors import GUESS_SHARE, RESEARCH

RECENT = 20

OWN_POSTS_SQL = f"""
SELECT {", ".join(model.FEATURE_COLUMNS)}, coalesce(text, title, '') AS post, first_seen_at
FROM my_posts
WHERE kind IS DISTINCT FROM 'repost'
ORDER BY coalesce(created_at, first_seen_at) DESC
LIMIT ?
"""
COLUMNS = ["posted", "platform", "post", "audience", "you'd guess", "basis"]


def two_digits(value: float) -> int:
    return round(float(f"{value:.2g}"))


def recent_posts(ctx: seenby.Context, fitted: pl.DataFrame) -> seenby.Panel:
    """The user's 20 newest posts with their audience: the site's views where it shows
    them, else the model's estimate (as in the post's badge)."""
    posts = ctx.query(OWN_POSTS_SQL, [RECENT])
    rows = []
    for post in model.predict(model.features(posts), fitted).iter_rows(named=True):
        if post["views"] is not None:
            audience, basis = post["views"], SITE
        else:
            # Two significant digits, as in the badge: more would claim a precision the
            # estimate does not have.
            audience = two_digits(post["est"])
            basis = f"estimate, 80% interval {compact(post['lo'])}–{compact(post['hi'])}"
        rows.append(
            [
                post["created_at"] or post["first_seen_at"],
                post["platform"],
                post["post"][:100],
                audience,
                two_digits(audience * GUESS_SHARE),
                basis,
            ]
        )
    return seenby.Panel(
        title="Your recent posts: who saw them, and who you'd guess",
        description=(
            f"People typically guess only about {GUESS_SHARE:.0%} of their real audience "
            f"({RESEARCH}): your posts likely reach nearly four times as many people as you "
            "imagine. The audience is the views the site showed where it shows them, else "
            "the estimate in the post's badge."
        ),
        columns=COLUMNS,
        rows=rows,
    )
