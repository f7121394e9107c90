"""Overlays: every analysis plugin's annotations for a set of posts, merged.

Each plugin runs in its own worker with a time budget. One that raises or
overruns is skipped for that request (and recorded as a plugin failure); the
others' items still arrive. A thread cannot be killed in Python, so an overrun
plugin finishes in the background and its late result is dropped.

Plugins' ``seenby_prefetch`` hooks start as the request arrives, beside the lookup
of the posts: their reads by post id overlap the server's instead of following it.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, cast

import polars as pl

from seenby import (
    Annotation,
    Badge,
    Overlay,
    ReplyDraft,
    ReplySuggestion,
    Section,
)
from seenby_server.lookup import PostsLookup
from seenby_server.plugins import PluginHost, describe, outcomes_within
from seenby_server.store import Store

MAX_POSTS_PER_REQUEST = 500
TOP_REPLY_OPPORTUNITIES = 3
"""Reply opportunities kept per overlay request (the best-scored posts in view)."""
MAX_DRAFTS = 3


def suggestion_annotations(suggestions: list[ReplySuggestion]) -> list[Annotation]:
    """Every plugin's reply suggestions merged per post; the best posts get a badge and drafts.

    Per post the best score counts; reasons and drafts of every plugin are kept in
    plugin order (an optional generator's drafts before the default ones), without
    repeats, up to three drafts.
    """
    merged: dict[str, ReplySuggestion] = {}
    for item in suggestions:
        have = merged.get(item.post_id)
        if have is None:
            merged[item.post_id] = ReplySuggestion(
                post_id=item.post_id,
                score=item.score,
                reasons=list(item.reasons),
                drafts=list(item.drafts),
            )
            continue
        have.score = max(have.score, item.score)
        have.reasons += [r for r in item.reasons if r not in have.reasons]
        texts = {d.text for d in have.drafts}
        have.drafts += [d for d in item.drafts if d.text not in texts]
    ranked = sorted(merged.values(), key=lambda s: -s.score)
    best = [s for s in ranked if s.drafts][:TOP_REPLY_OPPORTUNITIES]
    annotations = []
    for rank, item in enumerate(best, start=1):
        why = "; ".join(item.reasons) or "no reason given"
        annotations.append(
            Annotation(
                post_id=item.post_id,
                badges=[
                    Badge(
                        text="reply idea",
                        title=f"Reply opportunity #{rank} of the posts in view "
                        f"(score {item.score:.2f}): {why}",
                        tone="info",
                    )
                ],
                sections=[
                    Section(
                        title="Reply ideas",
                        kind="suggestions",
                        text=f"Why this post: {why}.",
                        suggestions=[
                            ReplyDraft(text=d.text, reason=d.reason)
                            for d in item.drafts[:MAX_DRAFTS]
                        ],
                    )
                ],
            )
        )
    return annotations


class ReadContext:
    """The :class:`seenby.Context` handed to analysis hooks."""

    def __init__(self, store: Store, now: datetime) -> None:
        self._store = store
        self._now = now
        self._versions = store.versions

    @property
    def now(self) -> datetime:
        return self._now

    def query(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        return self._store.frame(sql, params)

    def table_version(self, table: str) -> int:
        return self._versions.get(table)


class OverlayBuilder:
    def __init__(self, store: Store, plugins: PluginHost, budget_ms: int) -> None:
        self._store = store
        self._plugins = plugins
        self._budget_s = budget_ms / 1000
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="annotate")
        # Their own pool: an annotate hook waits for its plugin's prefetch, which must
        # never queue behind it.
        self._prefetch_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="prefetch")
        self._lookup = PostsLookup(store)

    def build(self, platform: str, post_ids: list[str]) -> list[Overlay]:
        """Overlays for ``post_ids`` of one platform, in the order asked."""
        post_ids = list(dict.fromkeys(post_ids))[:MAX_POSTS_PER_REQUEST]
        if not post_ids:
            return []
        ctx = ReadContext(self._store, datetime.now(UTC))
        prefetched = self._prefetch(ctx, platform, post_ids)
        resolved, posts = self.lookup(platform, post_ids)
        known = set(posts["post_id"].to_list())
        # Each overlay keeps the id the page asked with; plugins annotate stored ids.
        overlays = [
            Overlay(platform=platform, post_id=pid, known=resolved[pid] in known)
            for pid in post_ids
        ]
        by_stored_id: dict[str, list[Overlay]] = {}
        for overlay in overlays:
            by_stored_id.setdefault(resolved[overlay.post_id], []).append(overlay)
        if posts.height:
            self._annotate(ctx, posts, by_stored_id, prefetched)
        return overlays

    def lookup(self, platform: str, post_ids: list[str]) -> tuple[dict[str, str], pl.DataFrame]:
        """Requested id → stored post id (through ``post_aliases`` where one matches), and the
        stored posts' ``posts_latest`` rows, looked up through the indexes (not a scan)."""
        return self._lookup.resolve_and_read(platform, post_ids)

    def _prefetch(
        self, ctx: ReadContext, platform: str, post_ids: list[str]
    ) -> dict[str, Future[object]]:
        """Each plugin's ``seenby_prefetch``, started: plugin name → what it will return
        (None if it raises: recorded as a failure)."""

        def run(impl: Any) -> object:
            try:
                return impl.function(
                    *[
                        {"ctx": ctx, "platform": platform, "post_ids": post_ids}[a]
                        for a in impl.argnames
                    ]
                )
            except Exception as exc:
                self._plugins.record_failure(impl.plugin_name, "seenby_prefetch", describe(exc))
                return None

        return {
            impl.plugin_name: self._prefetch_pool.submit(run, impl)
            for impl in self._plugins.manager.hook.seenby_prefetch.get_hookimpls()
        }

    def _annotate(
        self,
        ctx: ReadContext,
        posts: pl.DataFrame,
        overlays: dict[str, list[Overlay]],
        prefetched: dict[str, Future[object]],
    ) -> None:
        hooks = self._plugins.manager.hook
        # get_hookimpls() is in registration order (entry points load by name), which is
        # the order the overlay shows the plugins' items in. Both hooks run side by side
        # under one deadline: the request's budget.
        running = [
            (
                impl.plugin_name,
                hook_name,
                self._pool.submit(self._call, impl, ctx, posts, prefetched.get(impl.plugin_name)),
            )
            for hook_name in ("seenby_annotate", "seenby_suggest_replies")
            for impl in getattr(hooks, hook_name).get_hookimpls()
        ]
        suggestions: list[ReplySuggestion] = []
        for outcome in outcomes_within(self._plugins, running, self._budget_s):
            if outcome.error is not None:
                shown = outcome.error if outcome.overran else "failed"
                self._note_error(overlays, f"{outcome.plugin}: {shown}")
                continue
            results = cast("list[Any]", outcome.result or [])
            if outcome.hook == "seenby_suggest_replies":
                suggestions += [r for r in results if isinstance(r, ReplySuggestion)]
                continue
            for annotation in results:
                if not isinstance(annotation, Annotation):
                    continue
                for overlay in overlays.get(annotation.post_id, []):
                    overlay.badges.extend(annotation.badges)
                    overlay.sections.extend(annotation.sections)
        for annotation in suggestion_annotations(suggestions):
            for overlay in overlays.get(annotation.post_id, []):
                overlay.badges.extend(annotation.badges)
                overlay.sections.extend(annotation.sections)

    @staticmethod
    def _call(
        impl: Any, ctx: ReadContext, posts: pl.DataFrame, prefetch: Future[object] | None
    ) -> Any:
        """An overlay hook, given its plugin's prefetched value once that is there (the
        request's deadline covers the wait)."""
        available: dict[str, Any] = {"ctx": ctx, "posts": posts}
        if "prefetched" in impl.argnames:
            available["prefetched"] = prefetch.result() if prefetch is not None else None
        return impl.function(*[available[name] for name in impl.argnames])

    @staticmethod
    def _note_error(overlays: dict[str, list[Overlay]], message: str) -> None:
        for overlay in (o for group in overlays.values() for o in group):
            if overlay.known:
                overlay.errors.append(message)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._prefetch_pool.shutdown(wait=False, cancel_futures=True)
        self._lookup.close()
