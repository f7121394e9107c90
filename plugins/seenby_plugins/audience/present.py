"""Words and numbers shown to the user: the badge, its title and the panel section."""

from __future__ import annotations

import math
from typing import Any

import seenby
from seenby_plugins.audience.priors import GUESS_SHARE, NO_FOLLOWERS, RESEARCH, level_prior

SITE = "views shown by the site"
PRIOR_ONLY = "research prior only"


def compact(value: float, exact: bool = False) -> str:
    """1234 → "1.2k", 2525462 → "2.5M"; estimates keep two significant digits."""
    if value < 1:
        return "<1"
    if not exact and value >= 1:
        value = float(f"{value:.2g}")
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            scaled = value / size
            return (
                f"{scaled:.1f}".rstrip("0").rstrip(".") + suffix
                if scaled < 10
                else (f"{scaled:.0f}{suffix}")
            )
    return f"{value:.0f}"


def people(value: float) -> str:
    """A count for sentences: 2 significant digits, thousands separated."""
    return f"{float(f'{value:.2g}'):,.0f}" if value >= 1 else "fewer than 1"


def basis(row: dict[str, Any]) -> str:
    """Where the number comes from, for one featured and predicted post."""
    if row["views"] is not None:
        return SITE
    if not row["n_total"]:
        return PRIOR_ONLY
    what = (
        "feedback (followers unknown)"
        if row["grp"].endswith(NO_FOLLOWERS)
        else ("followers and feedback")
    )
    text = f"model from {what}, calibrated on {row['n_total']:,} posts you have seen with views"
    if row["n"]:
        return text + f" ({row['n']:,} on this site)"
    return text + " on other sites; this site's level is the research prior"


def share_of_followers(audience: float, followers: int | None) -> str | None:
    if not followers:
        return None
    share = audience / followers
    if share >= 1:
        return f"{share:.1f}× followers"
    percent = share * 100
    return f"{percent:.1g}% of followers" if percent < 1 else f"{percent:.0f}% of followers"


def annotation(row: dict[str, Any]) -> seenby.Annotation:
    source = basis(row)
    followers = row["author_followers"]
    if row["views"] is not None:
        est = lo = hi = float(row["views"])
        text = f"seen by {compact(est, exact=True)}"
        detail = f"{row['views']:,} views shown by the site"
    else:
        est, lo, hi = row["est"], row["lo"], row["hi"]
        text = f"seen by ~{compact(est)} ({compact(lo)}–{compact(hi)})"
        detail = (
            f"Estimated audience about {people(est)} people "
            f"(80% interval {people(lo)}–{people(hi)})"
        )
    share = share_of_followers(est, followers)
    if share:
        text += f" · {share}"
    prior = level_prior(row["grp"])
    title = f"{detail}. Basis: {source}."
    if source != SITE:
        title += (
            f" Prior: {prior.source}. Follower counts and feedback only weakly indicate "
            f"one post's audience ({RESEARCH}), so the interval is wide."
        )
    panel = f"{detail}"
    if share and followers:
        panel += f", {share} (the author has {followers:,})"
    panel += f". Basis: {source}."
    if row["is_own"]:
        guess = est * GUESS_SHARE
        panel += (
            f" People typically guess only about 27% of their real audience ({RESEARCH}): "
            f"you'd probably guess ~{people(guess)}."
        )
    if source != SITE and math.isfinite(row["sd"]):
        panel += f" Prior: {prior.source}."
    return seenby.Annotation(
        post_id=row["post_id"],
        badges=[seenby.Badge(text=text, title=title, tone="info")],
        sections=[seenby.Section(title="Audience", kind="text", text=panel)],
    )
