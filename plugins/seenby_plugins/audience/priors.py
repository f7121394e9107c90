"""Research priors for the audience model, one per platform, each with its source.

The model is ``log10(audience) = a + b·log10(followers+1) + c·log10(feedback+1) + d·age``
with ``age = log10(hours+1) − log10(25)`` (centred on one day). ``a`` is the
platform's level: the log10 share of followers that sees a post with no
feedback, or, where the author's followers are unknown (Reddit, Hacker News),
the log10 audience per unit of feedback. Priors are normal; the ``sd`` values
are deliberately wide because the research says the signals are weak.
"""

from __future__ import annotations

import math
from typing import NamedTuple

NO_FOLLOWERS = "/no-followers"
"""Suffix of the model group for posts whose author's follower count is unknown."""

RESEARCH = "Bernstein et al., CHI 2013"
GUESS_SHARE = 0.27
"""People guess about 27% of a post's real audience (Bernstein et al. 2013, abstract)."""


class LevelPrior(NamedTuple):
    mean: float
    sd: float
    source: str


def _share(fraction: float, sd: float, source: str) -> LevelPrior:
    return LevelPrior(math.log10(fraction), sd, source)


# Share of followers (friends) that sees a post with no feedback.
FOLLOWER_LEVELS: dict[str, LevelPrior] = {
    "facebook": _share(
        0.29, 0.25, "a post with no likes or comments reaches ~29% of friends (Bernstein et al.)"
    ),
    "x": _share(
        0.04,
        0.45,
        "impressions are typically 1–20% of followers, 3–5% common (Union Metrics; Sullivan 2014)",
    ),
    "linkedin": _share(
        0.065, 0.5, "5–8% of connections per post (marketing blogs; low confidence)"
    ),
    "mastodon": _share(0.05, 0.55, "no published figure: X's ratio borrowed, with a wider spread"),
    "bluesky": _share(0.05, 0.55, "no published figure: X's ratio borrowed, with a wider spread"),
}
DEFAULT_FOLLOWER_LEVEL = _share(0.05, 0.6, "no published figure for this site: generic prior")

# Audience per unit of feedback where followers are unknown: the 90-9-1 rule says
# about 1 in 100 readers takes part (Nielsen), so audience ≈ 100 × feedback.
FEEDBACK_LEVELS: dict[str, LevelPrior] = {
    "reddit": LevelPrior(2.0, 0.5, "about 1 reader in 100 votes or comments (Nielsen's 90-9-1)"),
    "hackernews": LevelPrior(
        2.0, 0.5, "about 1 reader in 100 votes or comments (Nielsen's 90-9-1)"
    ),
}
DEFAULT_FEEDBACK_LEVEL = LevelPrior(
    2.0, 0.6, "about 1 reader in 100 takes part (Nielsen's 90-9-1): generic prior"
)


class SlopePriors(NamedTuple):
    followers: tuple[float, float] = (1.0, 0.15)
    """Audience proportional to followers (a share of them)."""
    feedback_with_followers: tuple[float, float] = (0.15, 0.25)
    """Feedback only weakly indicates audience (Bernstein et al.: 29% of friends at zero
    feedback, ~35% on average)."""
    feedback_alone: tuple[float, float] = (1.0, 0.2)
    """Without followers, audience scales with feedback (90-9-1)."""
    age: tuple[float, float] = (0.15, 0.2)
    """Older posts have been seen more (a weak, assumed effect)."""


SLOPES = SlopePriors()

RESIDUAL_SD = 0.25
"""Prior spread of one post around the model, in log10: Bernstein et al. report 1 comment ↔
10–40% of friends in 90% of cases, a factor of 4, i.e. ≈ 0.18 decades sd; widened."""
RESIDUAL_WEIGHT = 5.0
"""How many posts' worth of evidence the prior residual spread counts for."""


def group_of(platform: str, followers_known: bool) -> str:
    return platform if followers_known else platform + NO_FOLLOWERS


def level_prior(group: str) -> LevelPrior:
    if group.endswith(NO_FOLLOWERS):
        return FEEDBACK_LEVELS.get(group.removesuffix(NO_FOLLOWERS), DEFAULT_FEEDBACK_LEVEL)
    return FOLLOWER_LEVELS.get(group, DEFAULT_FOLLOWER_LEVEL)


KNOWN_GROUPS = [*FOLLOWER_LEVELS, *(p + NO_FOLLOWERS for p in FEEDBACK_LEVELS)]
