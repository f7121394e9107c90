"""Reddit: JSON listings and comment trees, shreddit pages and partials, and votes.

See ``docs/platforms/reddit.md`` for what is captured and what is not.
"""

from __future__ import annotations

import re
from typing import Any

import seenby
from seenby.parsing import capture_json

from .actions import parse_action
from .shreddit import parse_shreddit
from .things import PLATFORM, Rows, is_listing, read_account, read_listing, read_thing

_TAIL = r"([?#].*)?$"
_COMMENTS_PATH = r"(r/[^/?#]+/)?comments/[a-z0-9]+(/[^?#]*)?"
_LISTING_PATH = (
    r"((r|user|u)/[^/?#]+/?((submitted|comments|overview|upvoted|downvoted|saved|hidden|gilded)/?)?"
    r"|by_id/[^/?#]+|api/info/?)?((hot|new|rising|top|controversial|best)/?)?"
)


def _json_endpoint(www_path: str, oauth_path: str | None = None) -> str:
    """The same endpoint as ``<path>.json`` on www/old and extension-less on oauth.reddit.com."""
    return (
        rf"^https://((www|old)\.reddit\.com/{www_path}\.json"
        rf"|oauth\.reddit\.com/{oauth_path or www_path}){_TAIL}"
    )


_ME_URL = re.compile(r"/api/(v1/me/?|me\.json)([?#]|$)")


@seenby.hookimpl
def seenby_platforms() -> list[seenby.Platform]:
    return [
        seenby.Platform(
            name=PLATFORM,
            label="Reddit",
            hosts=["www.reddit.com", "old.reddit.com", "oauth.reddit.com"],
            api=[
                seenby.ApiRule(operation="Comments", url_pattern=_json_endpoint(_COMMENTS_PATH)),
                seenby.ApiRule(
                    operation="UserAbout",
                    url_pattern=_json_endpoint("user/[^/?#]+/about", "user/[^/?#]+/about/?"),
                ),
                seenby.ApiRule(operation="Me", url_pattern=_json_endpoint("api/me", "api/v1/me/?")),
                seenby.ApiRule(operation="Listing", url_pattern=_json_endpoint(_LISTING_PATH)),
                # Infinite scroll on new Reddit fetches HTML partials, not JSON.
                seenby.ApiRule(
                    operation="ShredditPartial",
                    url_pattern=r"^https://www\.reddit\.com/svc/shreddit/"
                    r"(community-more-posts|feeds|comments|more-comments)/",
                ),
            ],
            documents=[
                seenby.DocumentRule(
                    operation="ShredditPage",
                    url_pattern=r"^https://www\.reddit\.com/(?![^?#]*\.json)"
                    r"((r|user|u)/[^/?#]+(/[^?#]*)?|(best|hot|new|rising|top)/?)?" + _TAIL,
                )
            ],
            actions=[
                seenby.ActionRule(
                    action="vote",
                    url_pattern=r"^https://www\.reddit\.com/svc/shreddit/graphql",
                    body_pattern=r'"operation"\s*:\s*"UpdatePostVoteState"',
                ),
                seenby.ActionRule(
                    action="vote",
                    url_pattern=r"^https://(www|old|oauth)\.reddit\.com/api/vote/?" + _TAIL,
                ),
                seenby.ActionRule(
                    action="comment",
                    url_pattern=r"^https://(www|old|oauth)\.reddit\.com/api/comment/?" + _TAIL,
                ),
                seenby.ActionRule(
                    action="save",
                    url_pattern=r"^https://(www|old|oauth)\.reddit\.com/api/save/?" + _TAIL,
                ),
                seenby.ActionRule(
                    action="unsave",
                    url_pattern=r"^https://(www|old|oauth)\.reddit\.com/api/unsave/?" + _TAIL,
                    undo=True,
                ),
            ],
            locator=seenby.DomLocator(
                post_selector="shreddit-post",
                id_attribute="id",
                id_pattern=r"^(t3_[a-z0-9]+)$",
                anchor_selector="a[slot='title']",
            ),
            # old.reddit's header names the logged-in user; shreddit shows only a t2 id.
            viewer=seenby.ViewerHint(
                selector="#header-bottom-right span.user > a",
                attribute="href",
                pattern=r"/user/([^/?#]+)",
            ),
        )
    ]


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    if capture.platform != PLATFORM:
        return None
    if capture.kind == "action":
        result = parse_action(capture)
    elif capture.kind == "document" or "/svc/shreddit/" in capture.url:
        result = parse_shreddit(capture.text())
    elif capture.kind == "api":
        body = capture_json(capture, "Reddit API body")
        result = _parse_json(body, capture.url)
    elif capture.kind == "dom":
        raise seenby.UnrecognizedPayload("Reddit declares no DOM actions")
    else:  # impressions are the server's business
        return None
    result.operation = capture.operation or result.operation
    return result


def _parse_json(body: Any, url: str) -> seenby.ParseResult:
    """Dispatch on the JSON's shape, not the URL: the same shapes come from several endpoints."""
    rows = Rows()
    if isinstance(body, list) and body and all(is_listing(part) for part in body):
        for listing in body:
            read_listing(listing, rows)
        return rows.finish("Comments" if len(body) == 2 else "Listing")
    if is_listing(body):
        read_listing(body, rows)
        return rows.finish("Listing")
    if isinstance(body, dict) and body.get("kind") in ("t1", "t3"):
        read_thing(body, rows)
        return rows.finish("Thing")
    # about.json and /api/me.json wrap the user as a t2 thing; /api/v1/me sends it bare.
    user = body.get("data") if isinstance(body, dict) and body.get("kind") == "t2" else None
    if user is None and isinstance(body, dict) and "kind" not in body and "link_karma" in body:
        user = body
    if not isinstance(user, dict):
        raise seenby.UnrecognizedPayload("not a Listing, a comments page or a user")
    account = read_account(user)
    rows.full_account(account)
    if _ME_URL.search(url):
        rows.result.viewers.append(
            seenby.Viewer(platform=PLATFORM, account_id=account.account_id, handle=account.handle)
        )
        return rows.finish("Me")
    return rows.finish("UserAbout")
