"""X accounts: GraphQL user results (2026 and older shapes) and REST v1.1 users."""

from __future__ import annotations

from typing import Any

import seenby
from seenby.parsing import as_int, dig
from seenby.rows import RowCollector
from seenby_plugins.x.times import x_time

PLATFORM = "x"

UNAVAILABLE_USERS = frozenset({"UserUnavailable", "UserSuspended"})


def profile_url(handle: str | None) -> str | None:
    return f"https://x.com/{handle}" if handle else None


def read_user(rows: RowCollector, user: Any) -> str | None:
    """Add a GraphQL ``User`` result as an account; its id, or None when unavailable.

    Since 2026-05 X serves users without ``legacy``: names sit in ``core``, counts in
    ``relationship_counts`` / ``tweet_counts``. Older answers keep them in ``legacy``.
    Both are read, the new place first.
    """
    if not isinstance(user, dict) or user.get("__typename") in UNAVAILABLE_USERS:
        return None
    account_id = user.get("rest_id")
    if not isinstance(account_id, str) or not account_id:
        raise ValueError("user result without rest_id")
    if account_id in rows.accounts:
        return account_id  # authors recur on every post: the first sighting is enough
    legacy = user.get("legacy") or {}
    core = user.get("core") or {}
    handle = core.get("screen_name") or legacy.get("screen_name")
    rows.add_account(
        seenby.Account(
            platform=PLATFORM,
            account_id=account_id,
            handle=handle,
            display_name=core.get("name") or legacy.get("name"),
            followers=as_int(
                _first(dig(user, "relationship_counts", "followers"), legacy.get("followers_count"))
            ),
            following=as_int(
                _first(dig(user, "relationship_counts", "following"), legacy.get("friends_count"))
            ),
            posts_count=as_int(
                _first(dig(user, "tweet_counts", "tweets"), legacy.get("statuses_count"))
            ),
            verified=_verified(user, legacy),
            created_at=x_time(core.get("created_at") or legacy.get("created_at")),
            url=profile_url(handle),
            bio=dig(user, "profile_bio", "description") or legacy.get("description") or None,
        )
    )
    following = _first(dig(user, "relationship_perspectives", "following"), legacy.get("following"))
    if following is True:
        rows.interaction("follow", account_id=account_id, source="flag")
    return account_id


def user_handle(user: Any) -> str | None:
    handle = dig(user, "core", "screen_name") or dig(user, "legacy", "screen_name")
    return handle if isinstance(handle, str) else None


def read_rest_user(rows: RowCollector, user: Any) -> str | None:
    """Add a REST v1.1 user object (the answer to friendships/create) as an account."""
    if not isinstance(user, dict):
        return None
    account_id = user.get("id_str")
    if not isinstance(account_id, str) or not account_id:
        return None
    handle = user.get("screen_name")
    rows.add_account(
        seenby.Account(
            platform=PLATFORM,
            account_id=account_id,
            handle=handle,
            display_name=user.get("name"),
            followers=as_int(user.get("followers_count")),
            following=as_int(user.get("friends_count")),
            posts_count=as_int(user.get("statuses_count")),
            verified=user.get("verified") if isinstance(user.get("verified"), bool) else None,
            created_at=x_time(user.get("created_at")),
            url=profile_url(handle),
            bio=user.get("description") or None,
        )
    )
    return account_id


def _verified(user: dict[str, Any], legacy: dict[str, Any]) -> bool | None:
    """Whether the profile shows a check mark: paid (blue), business/government, or legacy."""
    flags = [
        user.get("is_blue_verified"),
        dig(user, "verification", "verified"),
        legacy.get("verified"),
    ]
    if dig(user, "verification", "verified_type") or legacy.get("verified_type"):
        return True
    known = [flag for flag in flags if isinstance(flag, bool)]
    return any(known) if known else None


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)
