"""A ParseResult that keeps one row per account, post and interaction.

The same author or quoted post recurs many times in one X timeline; keeping the
first occurrence gives the server fewer rows and keeps the output deterministic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import seenby
from seenby.types import InteractionKind

PLATFORM = "x"


class Rows:
    """Collects the rows of one capture, each account, post and interaction once."""

    def __init__(self, operation: str | None) -> None:
        self.result = seenby.ParseResult(operation=operation)
        self._accounts: set[str] = set()
        self._posts: set[str] = set()
        self._interactions: set[tuple[str, str | None, str | None, bool]] = set()
        self._viewers: set[str] = set()

    def has_account(self, account_id: str) -> bool:
        return account_id in self._accounts

    def add_account(self, account: seenby.Account) -> None:
        if account.account_id not in self._accounts:
            self._accounts.add(account.account_id)
            self.result.accounts.append(account)

    def has_post(self, post_id: str) -> bool:
        return post_id in self._posts

    def add_post(self, post: seenby.Post, metrics: seenby.PostMetrics | None) -> None:
        if post.post_id in self._posts:
            return
        self._posts.add(post.post_id)
        self.result.posts.append(post)
        if metrics is not None:
            self.result.metrics.append(metrics)

    def add_interaction(
        self,
        kind: InteractionKind,
        *,
        post_id: str | None = None,
        account_id: str | None = None,
        source: Literal["action", "flag"] = "action",
        undone: bool = False,
        occurred_at: datetime | None = None,
    ) -> None:
        key = (kind, post_id, account_id, undone)
        if key in self._interactions:
            return
        self._interactions.add(key)
        self.result.interactions.append(
            seenby.Interaction(
                platform=PLATFORM,
                kind=kind,
                post_id=post_id,
                account_id=account_id,
                occurred_at=occurred_at,
                undone=undone,
                source=source,
            )
        )

    def add_viewer(self, account_id: str, handle: str | None) -> None:
        if account_id not in self._viewers:
            self._viewers.add(account_id)
            self.result.viewers.append(
                seenby.Viewer(platform=PLATFORM, account_id=account_id, handle=handle)
            )

    def error(self, where: str, problem: object) -> None:
        self.result.errors.append(f"{where}: {problem}")
