"""What the extension captures on LinkedIn, and where posts sit in the page."""

from __future__ import annotations

import seenby

_VOYAGER = r"^https://www\.linkedin\.com/voyager/api/"
_GRAPHQL_QUERY = _VOYAGER + r"graphql\?(.*&)?queryId=voyager{name}\.[0-9a-f]+"
_REACTIONS = _VOYAGER + r"voyagerSocialDashReactions([?/]|$)"

GRAPHQL_OPERATIONS = (
    "FeedDashMainFeed",
    "FeedDashProfileUpdates",
    "FeedDashUpdates",
    "FeedDashInterestUpdates",
    "SearchDashClusters",
    "SocialDashComments",
)
"""GraphQL queries whose answers hold updates or comments (``voyager`` prefix dropped)."""

PLATFORM = seenby.Platform(
    name="linkedin",
    label="LinkedIn",
    hosts=["www.linkedin.com"],
    api=[
        *(
            seenby.ApiRule(operation=name, url_pattern=_GRAPHQL_QUERY.format(name=name))
            for name in GRAPHQL_OPERATIONS
        ),
        seenby.ApiRule(operation="FeedUpdatesV2", url_pattern=_VOYAGER + r"feed/updatesV2([?/]|$)"),
        seenby.ApiRule(operation="Me", url_pattern=_VOYAGER + r"me([?]|$)"),
    ],
    documents=[
        # First page loads embed the same normalized JSON in <code> blocks, so the
        # whole page is sent (a script selector would miss them).
        seenby.DocumentRule(
            operation="Page",
            url_pattern=r"^https://www\.linkedin\.com/(feed|posts|in/[^/?#]+/recent-activity)([/?#]|$)",
        ),
    ],
    actions=[
        seenby.ActionRule(
            action="like", url_pattern=_REACTIONS, body_pattern=r'"reactionType"\s*:\s*"LIKE"'
        ),
        seenby.ActionRule(
            action="react",
            url_pattern=_REACTIONS,
            body_pattern=r'"reactionType"\s*:\s*"(PRAISE|APPRECIATION|EMPATHY|INTEREST|ENTERTAINMENT)"',
        ),
        seenby.ActionRule(action="like", url_pattern=_REACTIONS, methods=["DELETE"], undo=True),
        seenby.ActionRule(
            action="reply", url_pattern=_VOYAGER + r"voyagerSocialDashNormComments([?]|$)"
        ),
        seenby.ActionRule(
            action="repost",
            url_pattern=_VOYAGER
            + r"graphql\?(.*&)?action=execute&(.*&)?queryId=voyagerContentcreationDashShares\.",
        ),
    ],
    locator=seenby.DomLocator(
        post_selector='div[data-urn^="urn:li:activity:"]',
        id_attribute="data-urn",
        id_pattern=r"^(urn:li:activity:[0-9]+)$",
        id_template="{id}",
        anchor_selector=".update-components-text",
        reply_box_selector='div.ql-editor[contenteditable="true"]',
        author_selector=".update-components-actor__name",
    ),
)
