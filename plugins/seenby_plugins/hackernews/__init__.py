"""Hacker News (news.ycombinator.com): server-rendered pages only, no JSON API calls.

See ``docs/platforms/hackernews.md`` for what is captured and what is not.
"""

from __future__ import annotations

import seenby

from .actions import parse_action
from .pages import PLATFORM, parse_page

_PAGE = r"^https://news\.ycombinator\.com/"


@seenby.hookimpl
def seenby_platforms() -> list[seenby.Platform]:
    return [
        seenby.Platform(
            name=PLATFORM,
            label="Hacker News",
            hosts=["news.ycombinator.com"],
            documents=[
                seenby.DocumentRule(
                    operation="StoryList",
                    url_pattern=_PAGE
                    + r"(news|newest|front|ask|show|shownew|best|active|jobs|submitted|favorites"
                    r"|from)?([?#].*)?$",
                ),
                seenby.DocumentRule(operation="Item", url_pattern=_PAGE + r"item\?id=\d+"),
                seenby.DocumentRule(operation="User", url_pattern=_PAGE + r"user\?id=[^&#]+"),
                seenby.DocumentRule(operation="Threads", url_pattern=_PAGE + r"threads\?id=[^&#]+"),
            ],
            # hn.js votes through an image request and replies through a form post; these
            # rules only fire if the extension sees those requests. The clicks below are
            # what normally records them.
            actions=[
                seenby.ActionRule(action="vote", url_pattern=_PAGE + r"vote\?", methods=["GET"]),
                seenby.ActionRule(
                    action="favorite", url_pattern=_PAGE + r"fave\?", methods=["GET"]
                ),
                seenby.ActionRule(action="reply", url_pattern=_PAGE + r"comment$"),
            ],
            dom_actions=[
                seenby.DomActionRule(
                    action="upvote",
                    selector="a[id^='up_']",
                    post_id_attribute="id",
                    post_id_pattern=r"^up_(\d+)$",
                ),
                seenby.DomActionRule(
                    action="downvote",
                    selector="a[id^='down_']",
                    post_id_attribute="id",
                    post_id_pattern=r"^down_(\d+)$",
                ),
                seenby.DomActionRule(
                    action="unvote",
                    selector="a[id^='un_']",
                    post_id_attribute="id",
                    post_id_pattern=r"^un_(\d+)$",
                ),
                seenby.DomActionRule(
                    action="favorite",
                    selector="a[href^='fave?id=']:not([href*='un=t'])",
                    post_id_pattern=r"fave\?id=(\d+)",
                ),
                seenby.DomActionRule(
                    action="unfavorite",
                    selector="a[href^='fave?id='][href*='un=t']",
                    post_id_pattern=r"fave\?id=(\d+)",
                ),
                # The reply form has no id on its button; the parser takes the page's item.
                seenby.DomActionRule(
                    action="reply", selector="form[action='comment'] input[type='submit']"
                ),
            ],
            locator=seenby.DomLocator(
                post_selector="tr.athing[id]",
                id_attribute="id",
                id_pattern=r"^(\d+)$",
                anchor_selector="span.titleline, span.comhead",
                reply_box_selector="form[action='comment'] textarea[name='text']",
                author_selector="a.hnuser",
            ),
            viewer=seenby.ViewerHint(
                selector="a#me", attribute="href", pattern=r"user\?id=([^&#]+)"
            ),
        )
    ]


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    if capture.platform != PLATFORM:
        return None
    if capture.kind == "document":
        result = parse_page(capture.text())
    elif capture.kind in ("action", "dom"):
        result = parse_action(capture)
    elif capture.kind == "api":
        raise seenby.UnrecognizedPayload("Hacker News declares no API rules")
    else:  # impressions are the server's business
        return None
    result.operation = capture.operation or result.operation
    return result
