"""The relationships plugin's dashboard panels: who the user interacts with most, and how
concentrated their attention is week by week. Both read the tables the refresh wrote."""

from __future__ import annotations

import seenby
from seenby_plugins.relationships.compute import CIRCLE_SIZE, HALF_LIFE_DAYS

TOP = 15

PEOPLE_SQL = """
SELECT coalesce('@' || a.handle, r.author_id) AS person, r.platform,
       r.gave AS "you gave", r.received AS "you received", r.interactions,
       CASE WHEN r.mutual THEN 'both ways' WHEN r.gave > 0 THEN 'you → them'
            ELSE 'them → you' END AS direction,
       r.last_at AS "last interaction", r.in_circle AS "close circle"
FROM relationships_people r
LEFT JOIN accounts a ON a.platform = r.platform AND a.account_id = r.author_id
WHERE r.interactions > 0
ORDER BY r.score DESC, r.interactions DESC, person
LIMIT ?
"""

# Each platform's weekly top-5 share, weighted by its interactions that week: the share
# of all the user's acts that went to their top 5 on the site where they happened.
ATTENTION_SQL = """
SELECT week, round(sum(top5_share * interactions) / sum(interactions), 3) AS "top-5 share",
       sum(interactions)::BIGINT AS interactions
FROM relationships_attention
WHERE modality = 'communication' AND interactions > 0
GROUP BY week ORDER BY week
"""


def panels(ctx: seenby.Context) -> list[seenby.Panel]:
    people = ctx.query(PEOPLE_SQL, [TOP])
    weeks = ctx.query(ATTENTION_SQL)
    return [
        seenby.Panel(
            title="People you interact with most",
            description=(
                "Ranked by what you and each person gave each other, recent acts counting "
                f"more (replies and quotes 3, reposts and mentions 2, likes and follows 1, "
                f"halved every {HALF_LIFE_DAYS:.0f} days). Your close circle is your top "
                f"{CIRCLE_SIZE} on each site."
            ),
            frame=people,
        ),
        seenby.Panel(
            title="How much of your attention goes to your top 5 people",
            kind="line",
            description=(
                "Per week, the share of your likes, replies and reposts that went to the 5 "
                "people you interacted with most that week (Backstrom et al., “Center of "
                "Attention”, ICWSM 2011, found such communication far more concentrated "
                "than viewing)."
            ),
            frame=weeks,
            x="week",
            y="top-5 share",
        ),
    ]
