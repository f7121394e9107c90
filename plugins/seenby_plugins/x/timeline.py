"""Walking X timeline answers: instructions → entries → items → tweets and users."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seenby.parsing import dig
from seenby.rows import RowCollector
from seenby_plugins.x.tweets import read_tweet
from seenby_plugins.x.users import read_user

INSTRUCTION_PATHS: dict[str, tuple[str, ...]] = {
    "TweetDetail": ("threaded_conversation_with_injections_v2", "instructions"),
    "HomeTimeline": ("home", "home_timeline_urt", "instructions"),
    "HomeLatestTimeline": ("home", "home_timeline_urt", "instructions"),
    "SearchTimeline": ("search_by_raw_query", "search_timeline", "timeline", "instructions"),
}
"""Where each operation keeps its instructions, when known. The user timelines moved
from ``timeline_v2`` to ``timeline`` in 2026; those and any other operation are found
by looking for the ``instructions`` list, so a renamed wrapper does not break them."""

SKIPPED_ITEMS = frozenset(
    {
        "TimelineTimelineCursor",
        "TimelinePrompt",
        "TimelineMessagePrompt",
        "TimelineLabel",
        "TimelineTrend",
        "TimelineTopic",
        "TimelineCommunity",
        "TimelineSpelling",
        "TimelineTombstone",
    }
)
"""Item kinds that hold no post or account: paging cursors, banners, suggestions."""


def find_instructions(data: Any, operation: str | None) -> list[Any] | None:
    known = INSTRUCTION_PATHS.get(operation or "")
    if known is not None:
        found = dig(data, *known)
        if isinstance(found, list):
            return found
    return _search_instructions(data, depth=8)


def _search_instructions(value: Any, depth: int) -> list[Any] | None:
    if depth == 0 or not isinstance(value, dict):
        return None
    found = value.get("instructions")
    if isinstance(found, list):
        return found
    for child in value.values():
        found = _search_instructions(child, depth - 1)
        if found is not None:
            return found
    return None


def read_instructions(rows: RowCollector, instructions: list[Any]) -> None:
    for entry_id, item, promoted in _items(instructions):
        try:
            _read_item(rows, item, promoted=promoted)
        except Exception as exc:  # one bad entry must not lose the others
            rows.error(entry_id, exc)


def _items(instructions: list[Any]) -> Iterator[tuple[str, Any, bool]]:
    """Every (entry id, itemContent, promoted) in the instructions, modules flattened."""
    for instruction in instructions:
        kind = dig(instruction, "type")
        if kind == "TimelineAddEntries":
            entries = dig(instruction, "entries", default=[])
        elif kind in ("TimelinePinEntry", "TimelineReplaceEntry"):
            entries = [dig(instruction, "entry")]
        elif kind == "TimelineAddToModule":
            # More replies in an open conversation module: items without an entry.
            for item in dig(instruction, "moduleItems", default=[]):
                yield (
                    str(dig(item, "entryId", default="moduleItem")),
                    dig(item, "item", "itemContent"),
                    False,
                )
            continue
        else:
            continue  # TimelineClearCache, TimelineTerminateTimeline, TimelineShowAlert …
        for entry in entries:
            yield from _entry_items(entry)


def _entry_items(entry: Any) -> Iterator[tuple[str, Any, bool]]:
    entry_id = str(dig(entry, "entryId", default="entry"))
    promoted = entry_id.startswith("promoted-")
    content = dig(entry, "content", default={})
    kind = dig(content, "entryType") or dig(content, "__typename")
    if kind == "TimelineTimelineItem":
        yield entry_id, dig(content, "itemContent"), promoted
    elif kind == "TimelineTimelineModule":
        for item in dig(content, "items", default=[]):
            item_id = str(dig(item, "entryId", default=entry_id))
            yield item_id, dig(item, "item", "itemContent"), promoted
    elif kind != "TimelineTimelineCursor":
        yield entry_id, content, promoted  # an unknown kind: reported by _read_item


def _read_item(rows: RowCollector, item: Any, *, promoted: bool) -> None:
    kind = dig(item, "itemType") or dig(item, "__typename")
    if kind == "TimelineTweet":
        promoted = promoted or dig(item, "promotedMetadata") is not None
        read_tweet(rows, dig(item, "tweet_results", "result"), promoted=promoted)
    elif kind == "TimelineUser":
        read_user(rows, dig(item, "user_results", "result"))
    elif kind not in SKIPPED_ITEMS:
        raise ValueError(f"unknown timeline item {kind!r}")
