"""Collects one capture's rows, merging repeats of the same account, post or metrics."""

from __future__ import annotations

import msgspec

import seenby


def _merge(known: msgspec.Struct, new: msgspec.Struct) -> None:
    """Fill ``known``'s empty fields from ``new``: the same entity is often seen twice
    in one response (inline and as a reference), each time with different fields."""
    for name in known.__struct_fields__:
        if getattr(known, name) is None:
            value = getattr(new, name)
            if value is not None:
                setattr(known, name, value)


class Rows:
    """The rows of one capture, keyed so that each account and post appears once."""

    def __init__(self) -> None:
        self.accounts: dict[str, seenby.Account] = {}
        self.posts: dict[str, seenby.Post] = {}
        self.metrics: dict[str, seenby.PostMetrics] = {}
        self.interactions: dict[tuple[str, str | None], seenby.Interaction] = {}
        self.viewers: dict[str, seenby.Viewer] = {}
        self.errors: list[str] = []

    def account(self, account: seenby.Account) -> None:
        known = self.accounts.setdefault(account.account_id, account)
        if known is not account:
            _merge(known, account)

    def post(self, post: seenby.Post) -> None:
        known = self.posts.setdefault(post.post_id, post)
        if known is not post:
            _merge(known, post)

    def post_metrics(self, metrics: seenby.PostMetrics) -> None:
        known = self.metrics.setdefault(metrics.post_id, metrics)
        if known is not metrics:
            _merge(known, metrics)

    def interaction(self, interaction: seenby.Interaction) -> None:
        self.interactions.setdefault((interaction.kind, interaction.post_id), interaction)

    def viewer(self, viewer: seenby.Viewer) -> None:
        self.viewers.setdefault(viewer.account_id, viewer)

    def result(self, operation: str | None) -> seenby.ParseResult:
        return seenby.ParseResult(
            accounts=list(self.accounts.values()),
            posts=list(self.posts.values()),
            metrics=list(self.metrics.values()),
            interactions=list(self.interactions.values()),
            viewers=list(self.viewers.values()),
            operation=operation,
            errors=self.errors,
        )
