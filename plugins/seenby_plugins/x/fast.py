"""The fast reader for X timelines: typed Structs (:mod:`.schema`) instead of dicts.

It mirrors :mod:`.timeline`, :mod:`.tweets` and :mod:`.users` step for step and
produces the same rows, but reads only the common shapes. Anything else (a value
of an unexpected type, an entry the dict reader would report as an error, an odd
wrapper) makes :func:`read_timeline` give up and return ``None``; the capture is
then read by the dict-based code, so drift never changes the result.
"""

from __future__ import annotations

import html
from typing import TypeVar

import seenby
from seenby.parsing import as_int
from seenby.rows import RowCollector
from seenby_plugins.x.declaration import (
    SINGLE_TWEET_OPERATION,
    USER_OPERATIONS,
    VIEWER_OPERATION,
)
from seenby_plugins.x.schema import (
    BODIES,
    NO_BIO,
    NO_COUNTS,
    NO_PERSPECTIVES,
    NO_TWEET_COUNTS,
    NO_TWEET_LEGACY,
    NO_USER_CORE,
    NO_USER_LEGACY,
    NO_VERIFICATION,
    Body,
    Count,
    Entry,
    Instruction,
    ItemContent,
    ModuleItem,
    Tweet,
    TweetFields,
    User,
    UserLegacy,
    UserTimelineBody,
)
from seenby_plugins.x.timeline import SKIPPED_ITEMS
from seenby_plugins.x.times import x_time
from seenby_plugins.x.tweets import GONE_TWEETS, UNDETERMINED_LANGS, status_url
from seenby_plugins.x.users import PLATFORM, UNAVAILABLE_USERS, profile_url

T = TypeVar("T")

NOT_TIMELINES = frozenset({VIEWER_OPERATION, SINGLE_TWEET_OPERATION, *USER_OPERATIONS})


class _Unhandled(Exception):
    """A shape the fast reader leaves to the dict-based one."""


def read_timeline(capture: seenby.Capture, operation: str | None) -> seenby.ParseResult | None:
    """The capture's rows read through typed Structs, or None to read it the slow way."""
    if operation in NOT_TIMELINES:
        return None
    body_type: type[Body] = BODIES.get(operation or "", UserTimelineBody)
    rows = RowCollector(PLATFORM, operation)
    try:
        body = capture.json(body_type)
        instructions = body.instructions()
        if instructions is None:
            return None
        _read_instructions(rows, instructions)
    except Exception:  # msgspec.ValidationError, _Unhandled, or an error the dict reader reports
        return None
    return rows.result()


def _read_instructions(rows: RowCollector, instructions: list[Instruction]) -> None:
    for instruction in instructions:
        kind = instruction.type
        if kind == "TimelineAddEntries":
            for entry in instruction.entries or ():
                _read_entry(rows, entry)
        elif kind in ("TimelinePinEntry", "TimelineReplaceEntry"):
            if instruction.entry is None:
                raise _Unhandled
            _read_entry(rows, instruction.entry)
        elif kind == "TimelineAddToModule":
            for module_item in instruction.moduleItems or ():
                _read_item(rows, _item_content(module_item), promoted=False)


def _read_entry(rows: RowCollector, entry: Entry) -> None:
    content = entry.content
    if content is None:
        raise _Unhandled
    promoted = entry.entryId is not None and entry.entryId.startswith("promoted-")
    kind = content.entryType or content.typename
    if kind == "TimelineTimelineItem":
        _read_item(rows, content.itemContent, promoted=promoted)
    elif kind == "TimelineTimelineModule":
        for module_item in content.items or ():
            _read_item(rows, _item_content(module_item), promoted=promoted)
    elif kind != "TimelineTimelineCursor":
        raise _Unhandled


def _item_content(module_item: ModuleItem) -> ItemContent | None:
    box = module_item.item
    return None if box is None else box.itemContent


def _read_item(rows: RowCollector, item: ItemContent | None, *, promoted: bool) -> None:
    if item is None:
        raise _Unhandled
    kind = item.itemType or item.typename
    if kind == "TimelineTweet":
        results = item.tweet_results
        if results is not None:
            _read_tweet(rows, results.result, promoted or item.promotedMetadata is not None)
    elif kind == "TimelineUser":
        user_results = item.user_results
        if user_results is not None:
            _read_user(rows, user_results.result)
    elif kind not in SKIPPED_ITEMS:
        raise _Unhandled


def _read_tweet(rows: RowCollector, result: Tweet | None, promoted: bool | None) -> str | None:
    while result is not None and result.typename == "TweetWithVisibilityResults":
        result = result.tweet
    if result is None or result.typename in GONE_TWEETS:
        return None
    if result.typename not in (None, "Tweet"):
        raise _Unhandled
    legacy = result.legacy or NO_TWEET_LEGACY
    post_id = result.rest_id or _first(legacy.id_str, result.id_str)
    if not post_id:
        raise _Unhandled
    if post_id in rows.posts:
        return post_id
    core = result.core
    user_results = None if core is None else core.user_results
    user = None if user_results is None else user_results.result
    author_id = _read_user(rows, user) or _first(legacy.user_id_str, result.user_id_str) or None
    handle = _handle(user)
    created_at = _first(legacy.created_at, result.created_at)
    reposts = legacy.retweeted_status_result or result.retweeted_status_result
    reposted = None if reposts is None else reposts.result
    if reposted is not None:
        # As _Tweet._add_repost: the original carries the text, figures and flags.
        rows.add_post(
            seenby.Post(
                platform=PLATFORM,
                post_id=post_id,
                author_id=author_id,
                created_at=x_time(created_at),
                url=status_url(post_id, handle),
                kind="repost",
                repost_of_id=_read_tweet(rows, reposted, None) or reposted.rest_id or None,
                promoted=promoted,
            )
        )
        return post_id
    _add_post(rows, result, legacy, post_id, author_id, handle, promoted, created_at)
    return post_id


def _add_post(
    rows: RowCollector,
    result: Tweet,
    fields: TweetFields,
    post_id: str,
    author_id: str | None,
    handle: str | None,
    promoted: bool | None,
    created_at: str | None,
) -> None:
    quoted = result.quoted_status_result
    quote_of_id = _read_tweet(rows, None if quoted is None else quoted.result, None)
    if not quote_of_id:
        quote_of_id = _first(fields.quoted_status_id_str, result.quoted_status_id_str) or None
    if not quote_of_id and result.quotedRefResult is not None:
        ref = result.quotedRefResult.result
        quote_of_id = None if ref is None else ref.rest_id or None
    reply_to_id = _first(fields.in_reply_to_status_id_str, result.in_reply_to_status_id_str) or None
    conversation_id = _first(fields.conversation_id_str, result.conversation_id_str) or None
    lang = _first(fields.lang, result.lang)
    community = result.community_results
    name = None if community is None or community.result is None else community.result.name
    rows.add_post(
        seenby.Post(
            platform=PLATFORM,
            post_id=post_id,
            author_id=author_id,
            text=_text(result, fields),
            created_at=x_time(created_at),
            url=status_url(post_id, handle),
            kind="reply" if reply_to_id else "quote" if quote_of_id else "post",
            reply_to_id=reply_to_id,
            root_id=conversation_id if reply_to_id else None,
            quote_of_id=quote_of_id,
            lang=lang if lang is not None and lang not in UNDETERMINED_LANGS else None,
            community=name or None,
            promoted=promoted,
        )
    )
    views = None if result.views is None else result.views.count
    if views is None and result.ext_views is not None:
        views = result.ext_views.count
    rows.add_metrics(
        seenby.PostMetrics(
            platform=PLATFORM,
            post_id=post_id,
            likes=_count(_first(fields.favorite_count, result.favorite_count)),
            replies=_count(_first(fields.reply_count, result.reply_count)),
            reposts=_count(_first(fields.retweet_count, result.retweet_count)),
            quotes=_count(_first(fields.quote_count, result.quote_count)),
            bookmarks=_count(_first(fields.bookmark_count, result.bookmark_count)),
            views=_count(views),
        )
    )
    if _first(fields.favorited, result.favorited) is True:
        rows.interaction("like", post_id=post_id, source="flag")
    if _first(fields.retweeted, result.retweeted) is True:
        rows.interaction("repost", post_id=post_id, source="flag")
    if _first(fields.bookmarked, result.bookmarked) is True:
        rows.interaction("bookmark", post_id=post_id, source="flag")


def _text(result: Tweet, fields: TweetFields) -> str | None:
    note = result.note_tweet
    results = None if note is None else note.note_tweet_results
    shown_note = None if results is None or results.result is None else results.result.text
    if shown_note is not None:
        return shown_note
    text = _first(fields.full_text, result.full_text) or _first(fields.text, result.text)
    if text is None:
        return None
    shown = _first(fields.display_text_range, result.display_text_range)
    if shown is not None and len(shown) == 2:
        text = text[shown[0] : shown[1]]
    return html.unescape(text) or None


def _read_user(rows: RowCollector, user: User | None) -> str | None:
    if user is None or user.typename in UNAVAILABLE_USERS:
        return None
    account_id = user.rest_id
    if not account_id:
        raise _Unhandled
    if account_id in rows.accounts:
        return account_id
    legacy = user.legacy or NO_USER_LEGACY
    core = user.core or NO_USER_CORE
    counts = user.relationship_counts or NO_COUNTS
    handle = core.screen_name or legacy.screen_name
    bio = user.profile_bio or NO_BIO
    rows.add_account(
        seenby.Account(
            platform=PLATFORM,
            account_id=account_id,
            handle=handle,
            display_name=core.name or legacy.name,
            followers=_count(_first(counts.followers, legacy.followers_count)),
            following=_count(_first(counts.following, legacy.friends_count)),
            posts_count=_count(
                _first((user.tweet_counts or NO_TWEET_COUNTS).tweets, legacy.statuses_count)
            ),
            verified=_verified(user, legacy),
            created_at=x_time(core.created_at or legacy.created_at),
            url=profile_url(handle),
            bio=bio.description or legacy.description or None,
        )
    )
    perspectives = user.relationship_perspectives or NO_PERSPECTIVES
    if _first(perspectives.following, legacy.following) is True:
        rows.interaction("follow", account_id=account_id, source="flag")
    return account_id


def _handle(user: User | None) -> str | None:
    if user is None:
        return None
    return (user.core or NO_USER_CORE).screen_name or (user.legacy or NO_USER_LEGACY).screen_name


def _verified(user: User, legacy: UserLegacy) -> bool | None:
    verification = user.verification or NO_VERIFICATION
    if verification.verified_type or legacy.verified_type:
        return True
    flags = (user.is_blue_verified, verification.verified, legacy.verified)
    known = [flag for flag in flags if flag is not None]
    return any(known) if known else None


def _count(value: Count) -> int | None:
    """:func:`seenby.parsing.as_int`, with the common cases (an int, plain digits) first."""
    if type(value) is int:
        return value
    if type(value) is str and value.isdigit() and value.isascii():
        return int(value)
    return as_int(value)


def _first(first: T, second: T) -> T:
    """The first value that is not null (``_first`` in :mod:`.users`, ``_Tweet.field``)."""
    return second if first is None else first
