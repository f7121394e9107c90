"""What the extension captures on Facebook, and where posts sit in the page."""

from __future__ import annotations

import seenby

GRAPHQL_URL = r"^https://(www|web)\.facebook\.com/api/graphql/?([?#]|$)"
REACT_MUTATION = "CometUFIFeedbackReactMutation"

PLATFORM = seenby.Platform(
    name="facebook",
    label="Facebook",
    hosts=["www.facebook.com", "web.facebook.com"],
    api=[
        # Every query shares this URL; the parser reads the friendly name from the request.
        seenby.ApiRule(operation="GraphQL", url_pattern=GRAPHQL_URL, methods=["POST"]),
    ],
    documents=[
        # First loads embed Relay data in <script> blocks of several kinds (data-sjs JSON,
        # requireLazy calls), so the whole page is sent.
        seenby.DocumentRule(
            operation="Page",
            url_pattern=r"^https://(www|web)\.facebook\.com/(?!api/|ajax/|login|dialog/|plugins/|tr[/?])",
        ),
    ],
    actions=[
        seenby.ActionRule(
            action="react",
            url_pattern=GRAPHQL_URL,
            body_pattern=r"fb_api_req_friendly_name=" + REACT_MUTATION + r"(&|$)",
        ),
    ],
    locator=seenby.DomLocator(
        # Comments are role=article too, so posts are found as the feed's own units.
        post_selector='div[role="feed"] > div',
        id_selector='a[href*="/posts/"], a[href*="/permalink/"], a[href*="story_fbid="]',
        id_attribute="href",
        # Numeric ids, or the obfuscated pfbid… ids the parser declares as aliases.
        id_pattern=r"(?:/posts/|/permalink/|story_fbid=)(pfbid[0-9A-Za-z]+|[0-9]+)",
        id_template="{id}",
        anchor_selector='div[data-ad-rendering-role="story_message"]',
        reply_box_selector='div[role="textbox"][contenteditable="true"]',
        author_selector='div[data-ad-rendering-role="profile_name"]',
    ),
)
