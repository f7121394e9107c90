"""New Reddit ("shreddit") server-rendered markup: pages and the HTML partials of infinite scroll.

Posts are ``<shreddit-post>`` (ads ``<shreddit-ad-post>``) and comments ``<shreddit-comment>``
web components whose attributes carry the data (``research/platforms.md`` §4). No full
real page was found, so this follows the documented attributes; unknown extras are ignored.
"""

from __future__ import annotations

import re

import seenby
from seenby.html import Element, parse_html
from seenby.parsing import as_float, as_int, parse_time
from seenby.types import PostKind

from .things import PLATFORM, SITE, Rows

_POST_TAGS = frozenset({"shreddit-post", "shreddit-ad-post"})
_COMMENT_TAG = "shreddit-comment"
_FULLNAME = re.compile(r"^t[13]_[a-z0-9]+$")
_SUBREDDIT_IN_LINK = re.compile(r"^/r/([^/]+)/")


def parse_shreddit(html: str) -> seenby.ParseResult:
    """Every post and comment element in a shreddit page or partial."""
    root = parse_html(html)
    rows = Rows()
    found = False
    for element in root.descendants():
        if element.tag not in _POST_TAGS and element.tag != _COMMENT_TAG:
            continue
        found = True
        try:
            if element.tag == _COMMENT_TAG:
                _read_comment(element, rows)
            else:
                _read_post(element, rows)
        except ValueError as error:
            rows.result.errors.append(f"<{element.tag}>: {error}")
    if not found:
        raise seenby.UnrecognizedPayload("no shreddit-post or shreddit-comment elements")
    return rows.finish(None)


def _read_post(element: Element, rows: Rows) -> None:
    post_id = _fullname(element.get("id"), "t3")
    title_slot = element.find(None, None, slot="title")
    body = _own_slot(element, "text-body") or _own_tag(element, "shreddit-post-text-body")
    # post-type is text, link, image, video, gallery or crosspost; only "link" leaves Reddit.
    kind: PostKind = "link" if element.get("post-type") == "link" else "post"
    rows.post(
        seenby.Post(
            platform=PLATFORM,
            post_id=post_id,
            author_id=rows.account(element.get("author")),
            text=(body.block_text() or None) if body else None,
            created_at=parse_time(element.get("created-timestamp")),
            url=_permalink(element),
            kind=kind,
            title=element.get("post-title") or (title_slot.text() if title_slot else None),
            community=element.get("subreddit-name") or _subreddit(element),
            promoted=element.tag == "shreddit-ad-post",
        ),
        seenby.PostMetrics(
            platform=PLATFORM,
            post_id=post_id,
            score=as_int(element.get("score")),
            replies=as_int(element.get("comment-count")),
            upvote_ratio=as_float(element.get("upvote-ratio")),
        ),
    )


def _read_comment(element: Element, rows: Rows) -> None:
    post_id = _fullname(element.get("thingid"), "t1")
    body = _own_slot(element, "comment")
    story = element.get("postid") or None
    rows.post(
        seenby.Post(
            platform=PLATFORM,
            post_id=post_id,
            author_id=rows.account(element.get("author")),
            text=(body.block_text() or None) if body else None,
            created_at=parse_time(element.get("created")),
            url=_permalink(element),
            kind="comment",
            # Top-level comments carry no parentid: they answer the post itself.
            reply_to_id=element.get("parentid") or story,
            root_id=story,
            community=_subreddit(element),
            promoted=False,
        ),
        seenby.PostMetrics(platform=PLATFORM, post_id=post_id, score=as_int(element.get("score"))),
    )


def _fullname(value: str | None, prefix: str) -> str:
    if not value or not _FULLNAME.match(value) or not value.startswith(prefix):
        raise ValueError(f"missing or malformed {prefix} id {value!r}")
    return value


def _own_slot(element: Element, slot: str) -> Element | None:
    """The element's own slot, not one of a nested post's or reply's."""
    return next(
        (e for e in element.descendants(stop=_is_thing) if e.get("slot") == slot and e.tag != "a"),
        None,
    )


def _own_tag(element: Element, tag: str) -> Element | None:
    return next((e for e in element.descendants(stop=_is_thing) if e.tag == tag), None)


def _is_thing(element: Element) -> bool:
    return element.tag in _POST_TAGS or element.tag == _COMMENT_TAG


def _permalink(element: Element) -> str | None:
    permalink = element.get("permalink")
    return f"{SITE}{permalink}" if permalink else None


def _subreddit(element: Element) -> str | None:
    prefixed = element.get("subreddit-prefixed-name") or ""
    if prefixed.startswith("r/"):
        return prefixed[2:]
    match = _SUBREDDIT_IN_LINK.match(element.get("permalink") or "")
    return match.group(1) if match else None
