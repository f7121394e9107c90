"""Reddit's JSON "things": Listings of links (t3) and comments (t1), and accounts (t2).

Shapes follow ``research/platforms.md`` §4 and PRAW's recorded responses: a Listing is
``{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {…}}, …]}}`` and a
comments page is ``[postListing, commentListing]`` whose comments nest further Listings
in ``replies`` and end in ``more`` stubs.
"""

from __future__ import annotations

from typing import Any, TypeGuard

import seenby
from seenby.parsing import as_float, as_int, dig, parse_time
from seenby.types import InteractionKind, PostKind

PLATFORM = "reddit"
SITE = "https://www.reddit.com"
_GONE_AUTHORS = frozenset({"[deleted]", "[removed]"})
# Thing kinds that legitimately appear in listings but are not posts.
_NOT_POSTS = frozenset({"more", "t5"})


class Rows:
    """The rows one capture yields; accounts de-duplicated, richer ones winning."""

    def __init__(self) -> None:
        self.result = seenby.ParseResult()
        self._accounts: dict[str, seenby.Account] = {}
        self._posts: set[str] = set()

    def account(self, name: Any) -> str | None:
        if not isinstance(name, str) or not name or name in _GONE_AUTHORS:
            return None
        if name not in self._accounts:
            self._accounts[name] = seenby.Account(
                platform=PLATFORM, account_id=name, handle=name, url=f"{SITE}/user/{name}/"
            )
        return name

    def full_account(self, account: seenby.Account) -> None:
        self._accounts[account.account_id] = account

    def post(self, post: seenby.Post, metrics: seenby.PostMetrics) -> bool:
        """Add a post and its metrics; False when the capture already had it."""
        # A crossposted original can appear under several crossposts in one listing.
        if post.post_id in self._posts:
            return False
        self._posts.add(post.post_id)
        self.result.posts.append(post)
        self.result.metrics.append(metrics)
        return True

    def finish(self, operation: str | None) -> seenby.ParseResult:
        self.result.accounts = list(self._accounts.values())
        self.result.operation = operation
        return self.result


def is_listing(value: Any) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(value, dict)
        and value.get("kind") == "Listing"
        and isinstance(dig(value, "data", "children"), list)
    )


def read_listing(listing: dict[str, Any], rows: Rows) -> None:
    """Every child of a Listing; one unreadable child is reported, the others kept."""
    for index, child in enumerate(listing["data"]["children"]):
        try:
            read_thing(child, rows)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            name = dig(child, "data", "name") if isinstance(child, dict) else None
            rows.result.errors.append(f"listing child {index} ({name or 'no name'}): {error}")


def read_thing(thing: dict[str, Any], rows: Rows) -> None:
    kind = thing["kind"]
    if kind == "t3":
        read_link(thing["data"], rows)
    elif kind == "t1":
        read_comment(thing["data"], rows)
    elif kind not in _NOT_POSTS:
        raise ValueError(f"unexpected thing kind {kind!r}")


def read_link(data: dict[str, Any], rows: Rows) -> None:
    """A submission (t3); a crosspost becomes a repost row plus its original."""
    post_id = _fullname(data, "t3")
    for original in data.get("crosspost_parent_list") or []:
        read_link(original, rows)
    crosspost_of = data.get("crosspost_parent") or None
    kind: PostKind
    if crosspost_of:
        kind = "repost"
    elif any(data.get(flag) for flag in ("is_self", "is_reddit_media_domain", "is_gallery")):
        kind = "post"
    else:
        kind = "link"
    is_new = rows.post(
        seenby.Post(
            platform=PLATFORM,
            post_id=post_id,
            author_id=rows.account(data.get("author")),
            text=data.get("selftext") or None,
            created_at=parse_time(data.get("created_utc")),
            url=_permalink(data),
            kind=kind,
            repost_of_id=crosspost_of,
            title=data.get("title"),
            community=data.get("subreddit"),
            promoted=bool(data.get("promoted")),
        ),
        seenby.PostMetrics(
            platform=PLATFORM,
            post_id=post_id,
            # hide_score only hides new posts' scores in the UI; the number sent is real.
            score=as_int(data.get("score")),
            upvote_ratio=as_float(data.get("upvote_ratio")),
            replies=as_int(data.get("num_comments")),
            reposts=as_int(data.get("num_crossposts")),
            views=as_int(data.get("view_count")),
        ),
    )
    if is_new:
        _flags(post_id, data, rows)


def read_comment(data: dict[str, Any], rows: Rows) -> None:
    """A comment (t1) and, recursively, the replies nested under it."""
    post_id = _fullname(data, "t1")
    rows.post(
        seenby.Post(
            platform=PLATFORM,
            post_id=post_id,
            author_id=rows.account(data.get("author")),
            text=data.get("body"),
            created_at=parse_time(data.get("created_utc")),
            url=_permalink(data),
            kind="comment",
            reply_to_id=data.get("parent_id"),
            root_id=data.get("link_id"),
            community=data.get("subreddit"),
            promoted=False,
        ),
        seenby.PostMetrics(
            platform=PLATFORM,
            post_id=post_id,
            # While a comment's score is hidden, Reddit sends a placeholder 1.
            score=None if data.get("score_hidden") else as_int(data.get("score")),
        ),
    )
    _flags(post_id, data, rows)
    replies = data.get("replies")
    if is_listing(replies):
        read_listing(replies, rows)
    elif replies:  # "" when there are none
        raise ValueError(f"{post_id}: replies are neither empty nor a Listing")


def read_account(data: dict[str, Any]) -> seenby.Account:
    """A user (t2, ``about.json`` or ``/api/v1/me``).

    Following a user subscribes to their profile subreddit, so its subscriber count is
    the follower count. Karma has no column.
    """
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise seenby.UnrecognizedPayload("user data without a name")
    profile = data.get("subreddit")
    if not isinstance(profile, dict):
        profile = {}
    return seenby.Account(
        platform=PLATFORM,
        account_id=name,
        handle=name,
        display_name=profile.get("title") or None,
        followers=as_int(profile.get("subscribers")),
        verified=data.get("verified") if isinstance(data.get("verified"), bool) else None,
        created_at=parse_time(data.get("created_utc")),
        url=f"{SITE}/user/{name}/",
        bio=profile.get("public_description") or None,
    )


def _fullname(data: dict[str, Any], prefix: str) -> str:
    name = data.get("name")
    if isinstance(name, str) and name.startswith(f"{prefix}_"):
        return name
    short = data.get("id")
    if isinstance(short, str) and short:
        return f"{prefix}_{short}"
    raise ValueError(f"{prefix} without name or id")


def _permalink(data: dict[str, Any]) -> str | None:
    permalink = data.get("permalink")
    return f"{SITE}{permalink}" if isinstance(permalink, str) and permalink else None


def _flags(post_id: str, data: dict[str, Any], rows: Rows) -> None:
    """``likes`` is the viewer's vote (true/false/null), ``saved`` their bookmark.

    ``account_id`` stays None: the vote and save requests name only the post, and
    flag and request must carry the same key to be stored once.
    """
    kinds: list[InteractionKind] = []
    if data.get("likes") is True:
        kinds.append("upvote")
    elif data.get("likes") is False:
        kinds.append("downvote")
    if data.get("saved") is True:
        kinds.append("bookmark")
    rows.result.interactions.extend(
        seenby.Interaction(platform=PLATFORM, kind=kind, post_id=post_id, source="flag")
        for kind in kinds
    )
