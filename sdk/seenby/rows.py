"""Collect one capture's rows so that each account, post and interaction appears once.

One response often shows the same entity several times: an author on each of their
posts, a quoted post inline and again as a reference, a post's figures in two places.
:class:`RowCollector` keeps one row per key and builds the :class:`~seenby.ParseResult`
at the end:

>>> import seenby
>>> from seenby.rows import RowCollector
>>> rows = RowCollector("example", operation="Feed")
>>> _ = rows.add_account(seenby.Account(platform="example", account_id="7", handle="ana"))
>>> _ = rows.add_account(seenby.Account(platform="example", account_id="7", followers=12))
>>> _ = rows.interaction("like", post_id="1", source="flag")
>>> _ = rows.interaction("like", post_id="1", source="flag")
>>> result = rows.result()
>>> [(a.handle, a.followers) for a in result.accounts], len(result.interactions)
([('ana', 12)], 1)
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypeVar

import msgspec

from seenby.types import (
    Account,
    Interaction,
    InteractionKind,
    ParseResult,
    Post,
    PostMetrics,
    Viewer,
)

__all__ = ["InteractionKey", "RowCollector"]

_Row = TypeVar("_Row", bound=msgspec.Struct)

InteractionKey = tuple[str, str | None, str | None, str | None]
"""``(kind, post_id, account_id, record_id)``: what makes two interactions the same act
(``record_id`` only for an undo that names no target, else None)."""


def _fill_empty(known: _Row, new: _Row) -> _Row:
    """Fill ``known``'s ``None`` fields from ``new``; fields already set are kept."""
    for name in known.__struct_fields__:
        if getattr(known, name) is None:
            value = getattr(new, name)
            if value is not None:
                setattr(known, name, value)
    return known


class RowCollector:
    """The rows of one capture, keyed so that each appears once.

    Accounts are keyed by ``account_id``, posts and metrics by ``post_id``: a repeat
    fills the empty (``None``) fields of the row first added and never overwrites a
    field that is set. Interactions are keyed by ``(kind, post_id, account_id)`` and
    viewers by ``account_id``; for those the first row is kept and repeats are dropped.
    Rows come out in the order their keys were first added.

    The dicts and ``errors`` are public for reading (``post_id in rows.posts``,
    ``rows.accounts[account_id].handle``); add rows through the methods. ``platform``
    is used by the :meth:`interaction` shorthand; ``operation`` by :meth:`result`, and
    may be set at any time before it.
    """

    def __init__(self, platform: str, operation: str | None = None) -> None:
        self.platform = platform
        self.operation = operation
        self.accounts: dict[str, Account] = {}
        self.posts: dict[str, Post] = {}
        self.metrics: dict[str, PostMetrics] = {}
        self.interactions: dict[InteractionKey, Interaction] = {}
        self.viewers: dict[str, Viewer] = {}
        self.errors: list[str] = []
        """Entries that could not be read; they make the capture's status ``partial``."""

    def add_account(self, account: Account) -> Account:
        """Add an account, or fill the empty fields of the one with its id; return the kept row."""
        known = self.accounts.setdefault(account.account_id, account)
        return known if known is account else _fill_empty(known, account)

    def add_post(self, post: Post) -> Post:
        """Add a post, or fill the empty fields of the one with its id; return the kept row."""
        known = self.posts.setdefault(post.post_id, post)
        return known if known is post else _fill_empty(known, post)

    def add_metrics(self, metrics: PostMetrics) -> PostMetrics:
        """Add a post's figures, or fill the empty ones of its earlier row; return the kept row."""
        known = self.metrics.setdefault(metrics.post_id, metrics)
        return known if known is metrics else _fill_empty(known, metrics)

    def add_interaction(self, interaction: Interaction) -> Interaction:
        """Add an interaction unless one with its kind and targets is there; return the kept row."""
        targetless = interaction.post_id is None and interaction.account_id is None
        record = interaction.record_id if targetless else None
        key = (interaction.kind, interaction.post_id, interaction.account_id, record)
        return self.interactions.setdefault(key, interaction)

    def interaction(
        self,
        kind: InteractionKind,
        *,
        post_id: str | None = None,
        account_id: str | None = None,
        undone: bool = False,
        occurred_at: datetime | None = None,
        source: Literal["action", "flag", "dom"] = "action",
        record_id: str | None = None,
    ) -> Interaction:
        """Shorthand: :meth:`add_interaction` of an :class:`~seenby.Interaction` on ``platform``."""
        return self.add_interaction(
            Interaction(
                platform=self.platform,
                kind=kind,
                post_id=post_id,
                account_id=account_id,
                record_id=record_id,
                occurred_at=occurred_at,
                undone=undone,
                source=source,
            )
        )

    def add_viewer(self, viewer: Viewer) -> Viewer:
        """Record the user's own account unless it is there already; return the kept row."""
        return self.viewers.setdefault(viewer.account_id, viewer)

    def error(self, where: str, problem: object) -> None:
        """Report an entry that could not be read, as ``"<where>: <problem>"``."""
        self.errors.append(f"{where}: {problem}")

    def result(self, operation: str | None = None) -> ParseResult:
        """The rows as a :class:`~seenby.ParseResult`; ``operation`` overrides ``.operation``."""
        return ParseResult(
            accounts=list(self.accounts.values()),
            posts=list(self.posts.values()),
            metrics=list(self.metrics.values()),
            interactions=list(self.interactions.values()),
            viewers=list(self.viewers.values()),
            operation=self.operation if operation is None else operation,
            errors=list(self.errors),
        )
