"""Reading Facebook's Relay data: ``Story`` nodes (posts) and profile headers.

The same Story shape arrives in GraphQL answers and in the JSON a page embeds,
anywhere in the tree, so the tree is walked and every node that looks like a
Story (``__typename`` Story with ``comet_sections``) is read.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, Literal
from urllib.parse import urlsplit

import seenby
from seenby.parsing import as_int, dig, parse_time
from seenby.rows import RowCollector

PLATFORM = "facebook"

REACTION_IDS = {
    "1635855486666999": "LIKE",
    "1678524932434102": "LOVE",
    "613557422527858": "CARE",
    "115940658764963": "HAHA",
    "478547315650144": "WOW",
    "908563459236466": "SAD",
    "444813342392137": "ANGRY",
}
"""``feedback_reaction_id`` values of Facebook's reactions."""
LIKE_ID = "1635855486666999"

_FOLLOWERS = re.compile(r"([0-9][0-9.,]*\s*[KkMm]?)\s+followers", re.IGNORECASE)
_FOLLOWING = re.compile(r"([0-9][0-9.,]*\s*[KkMm]?)\s+following", re.IGNORECASE)
_NOT_A_HANDLE = {"people", "profile.php", "groups", "pages", "watch", "photo", "permalink.php"}
_GROUP_PATH = re.compile(r"^/groups/([^/?#]+)/")
_TIMESTAMP_STRATEGY = "CometFeedStoryMinimizedTimestampStrategy"

READ_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)
"""What reading one malformed node can raise; caught per node."""


def reaction_kind(reaction_id: Any) -> Literal["like", "react"]:
    """A Like is a like; Love, Care, Haha … are other reactions."""
    return "like" if str(reaction_id) == LIKE_ID else "react"


def decode_id(value: Any) -> str | None:
    """The last ``:``-separated part of a base64 Relay id: ``S:_I<actor>:<post>`` gives the
    post id, ``feedback:<post>`` the id of what the feedback is about."""
    if not isinstance(value, str):
        return None
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    tail = decoded.rsplit(":", 1)[-1]
    return tail if ":" in decoded and tail else None


def is_story(node: dict[str, Any]) -> bool:
    return node.get("__typename") == "Story" and isinstance(node.get("comet_sections"), dict)


def walk(values: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``values``, parents before children, in document order."""
    stack: list[Any] = list(reversed(list(values)))
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            yield value
            stack.extend(reversed(value.values()))
        elif isinstance(value, list):
            stack.extend(reversed(value))


def find(value: Any, key: str) -> Iterator[Any]:
    """Values under ``key`` anywhere below ``value``, nearest first; stops at nested Stories."""
    queue = deque([value])
    while queue:
        current = queue.popleft()
        if isinstance(current, dict):
            if key in current and current[key] is not None:
                yield current[key]
            queue.extend(v for v in current.values() if not (isinstance(v, dict) and is_story(v)))
        elif isinstance(current, list):
            queue.extend(current)


def read_nodes(values: Iterable[Any], rows: RowCollector) -> int:
    """Read every Story and profile header in ``values``; how many were found."""
    found = 0
    for node in walk(values):
        try:
            if is_story(node):
                found += 1
                read_story(node, rows)
            elif "profile_social_context" in node and isinstance(node.get("id"), str):
                found += 1
                read_profile_header(node, rows)
        except READ_ERRORS as error:
            rows.errors.append(f"{node.get('__typename')} {node.get('id')}: {error!r}")
    return found


def _handle(url: Any) -> str | None:
    """The vanity name in ``facebook.com/<name>``; None for ``/people/…`` and ``profile.php``."""
    if not isinstance(url, str):
        return None
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) == 1 and segments[0] not in _NOT_A_HANDLE:
        return segments[0]
    return None


def read_actor(actor: Any, rows: RowCollector) -> str | None:
    if not isinstance(actor, dict) or not isinstance(actor.get("id"), str):
        return None
    url = actor.get("url") or actor.get("profile_url")
    rows.add_account(
        seenby.Account(
            platform=PLATFORM,
            account_id=actor["id"],
            handle=_handle(url),
            display_name=actor.get("name"),
            url=url,
        )
    )
    return str(actor["id"])


def read_profile_header(user: dict[str, Any], rows: RowCollector) -> None:
    """A profile or page header: name, verified badge and "2.1K followers"."""
    texts = [
        dig(item, "text", "text") for item in dig(user, "profile_social_context", "content") or ()
    ]
    joined = " · ".join(t for t in texts if isinstance(t, str))
    followers = _FOLLOWERS.search(joined)
    following = _FOLLOWING.search(joined)
    url = user.get("url")
    rows.add_account(
        seenby.Account(
            platform=PLATFORM,
            account_id=user["id"],
            handle=user.get("username_for_profile") or _handle(url),
            display_name=user.get("name"),
            followers=as_int(followers.group(1)) if followers else None,
            following=as_int(following.group(1)) if following else None,
            verified=user.get("is_verified") if isinstance(user.get("is_verified"), bool) else None,
            url=url,
        )
    )


def story_post_id(story: dict[str, Any]) -> str:
    post_id = story.get("post_id") or decode_id(story.get("id"))
    if not isinstance(post_id, str) or not post_id:
        raise ValueError("story has neither post_id nor a decodable id")
    return post_id


def _group(url: Any) -> str | None:
    """The group a post was made in, from its permalink (``/groups/<name or id>/posts/…``)."""
    match = _GROUP_PATH.match(urlsplit(url).path) if isinstance(url, str) else None
    return match.group(1) if match else None


def _actors(story: dict[str, Any], content: dict[str, Any]) -> list[Any]:
    context = dig(story, "comet_sections", "context_layout", "story", "comet_sections") or {}
    for candidate in (
        content.get("actors"),
        dig(context, "title", "story", "actors"),
        dig(context, "actor_photo", "story", "actors"),
        story.get("actors"),
    ):
        if isinstance(candidate, list) and candidate:
            return candidate
    return []


def _metadata_story(story: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
    """The timestamp section's story, which holds ``creation_time`` and the permalink."""
    sections = [
        dig(holder, "comet_sections", "context_layout", "story", "comet_sections", "metadata")
        for holder in (story, content)
    ]
    items = [item for section in sections if isinstance(section, list) for item in section]
    items.sort(key=lambda item: item.get("__typename") != _TIMESTAMP_STRATEGY)
    for item in items:
        if dig(item, "story", "creation_time") is not None:
            return dict(item["story"])
    return {}


def _attached_story(story: dict[str, Any], content: dict[str, Any]) -> dict[str, Any] | None:
    for candidate in (
        story.get("attached_story"),
        content.get("attached_story"),
        dig(content, "comet_sections", "attached_story", "story", "attached_story"),
    ):
        if isinstance(candidate, dict):
            return candidate
    return None


def read_story(story: dict[str, Any], rows: RowCollector) -> str:
    """One Story as a post with its metrics and the viewer's reaction; returns its post_id."""
    post_id = story_post_id(story)
    content = dig(story, "comet_sections", "content", "story") or {}
    actors = _actors(story, content)
    author_id = read_actor(actors[0], rows) if actors else None
    text = (
        dig(content, "comet_sections", "message", "story", "message", "text")
        or dig(content, "message", "text")
        or dig(story, "message", "text")
    )
    metadata = _metadata_story(story, content)
    kind: Literal["post", "quote", "repost"] = "post"
    quote_of_id = repost_of_id = None
    attached = _attached_story(story, content)
    if attached is not None:
        original_id = read_attached(attached, rows)
        if text:
            kind, quote_of_id = "quote", original_id
        else:
            kind, repost_of_id = "repost", original_id
    url = content.get("wwwURL") or metadata.get("url") or story.get("url")
    rows.add_post(
        seenby.Post(
            platform=PLATFORM,
            post_id=post_id,
            author_id=author_id,
            text=text if isinstance(text, str) else None,
            created_at=parse_time(metadata.get("creation_time") or story.get("creation_time")),
            url=url,
            community=_group(url),
            kind=kind,
            quote_of_id=quote_of_id,
            repost_of_id=repost_of_id,
            promoted=story["sponsored_data"] is not None if "sponsored_data" in story else None,
            aliases=permalink_ids(url),
        )
    )
    read_feedback(story, post_id, rows)
    return post_id


_PERMALINK_ID = re.compile(r"(?:/posts/|/permalink/|story_fbid=)(pfbid[0-9A-Za-z]+)")


def permalink_ids(url: Any) -> list[str]:
    """The obfuscated ``pfbid…`` id of a permalink: what the page's links show instead
    of the numeric post id, declared as an alias so overlays find the post."""
    match = _PERMALINK_ID.search(url) if isinstance(url, str) else None
    return [match.group(1)] if match else []


def read_attached(attached: dict[str, Any], rows: RowCollector) -> str:
    """The shared post inside a share. Full Stories are read by the walk itself; a slimmer
    copy still gives the original's id, author and text."""
    post_id = story_post_id(attached)
    if not is_story(attached):
        actors = attached.get("actors")
        author = actors[0] if isinstance(actors, list) and actors else None
        text = dig(attached, "message", "text")
        rows.add_post(
            seenby.Post(
                platform=PLATFORM,
                post_id=post_id,
                author_id=read_actor(author, rows),
                text=text if isinstance(text, str) else None,
                created_at=parse_time(attached.get("creation_time")),
                url=attached.get("url"),
            )
        )
    return post_id


def _like_count(section: Any) -> int | None:
    """Likes alone, when Like is among the top reactions listed (otherwise unknown)."""
    for top in find(section, "top_reactions"):
        edges = top.get("edges") if isinstance(top, dict) else None
        if isinstance(edges, list) and edges:
            for edge in edges:
                if str(dig(edge, "node", "id")) == LIKE_ID:
                    return as_int(edge.get("reaction_count"))
            return None
    return None


def _first_int(section: Any, *path: tuple[str, ...]) -> int | None:
    """The first number found under one of ``path``'s keys (then sub-path) in ``section``."""
    for key, *rest in path:
        for value in find(section, key):
            number = as_int(dig(value, *rest) if rest else value)
            if number is not None:
                return number
    return None


def read_feedback(story: dict[str, Any], post_id: str, rows: RowCollector) -> None:
    """Reactions, comments, shares and views, and the viewer's own reaction."""
    section = dig(story, "comet_sections", "feedback") or story.get("feedback")
    summary = next(find(section, "comet_ufi_summary_and_actions_renderer"), None)
    counts = dig(summary, "feedback") or section
    if counts is None:
        return
    rows.add_metrics(
        seenby.PostMetrics(
            platform=PLATFORM,
            post_id=post_id,
            reactions=_first_int(counts, ("reaction_count", "count"), ("i18n_reaction_count",)),
            likes=_like_count(counts),
            replies=_first_int(
                section,
                ("comment_rendering_instance", "comments", "total_count"),
                ("comment_count", "total_count"),
            ),
            reposts=_first_int(counts, ("share_count", "count"), ("i18n_share_count",)),
            views=_first_int(counts, ("video_view_count",)),
        )
    )
    reaction = next(find(counts, "viewer_feedback_reaction_info"), None)
    if isinstance(reaction, dict):
        rows.add_interaction(
            seenby.Interaction(
                platform=PLATFORM,
                kind=reaction_kind(reaction.get("id")),
                post_id=post_id,
                source="flag",
            )
        )
