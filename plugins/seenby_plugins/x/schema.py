"""Typed views of X timeline answers: only the fields the parser reads.

Decoding straight into these Structs skips every other field in C and makes each
read an attribute access. A field is typed as narrowly as the dict-based reader
(:mod:`seenby_plugins.x.tweets`) can use it, so a value of another type fails
validation and the capture falls back to that reader, which then behaves exactly
as before. Every field defaults to ``None``: absent and ``null`` read the same, as
they do through :func:`seenby.parsing.dig`.
"""

from __future__ import annotations

from typing import Any

import msgspec

Count = int | float | str | None
"""A figure as :func:`seenby.parsing.as_int` reads it (X sends views as text)."""


class _Node(msgspec.Struct, gc=False):
    """A JSON object; unknown fields are skipped."""


class _Strict(msgspec.Struct, gc=False, forbid_unknown_fields=True):
    """A JSON object that must hold no other field (see :class:`UserTimelineBody`)."""


# --- users --------------------------------------------------------------------


class UserCore(_Node):
    screen_name: str | None = None
    name: str | None = None
    created_at: str | None = None


class UserLegacy(UserCore):
    description: str | None = None
    followers_count: Count = None
    friends_count: Count = None
    statuses_count: Count = None
    verified: bool | None = None
    verified_type: str | None = None
    following: bool | None = None


class RelationshipCounts(_Node):
    followers: Count = None
    following: Count = None


class TweetCounts(_Node):
    tweets: Count = None


class Verification(_Node):
    verified: bool | None = None
    verified_type: str | None = None


class ProfileBio(_Node):
    description: str | None = None


class Perspectives(_Node):
    following: bool | None = None


class User(_Node):
    typename: str | None = msgspec.field(default=None, name="__typename")
    rest_id: str | None = None
    legacy: UserLegacy | None = None
    core: UserCore | None = None
    relationship_counts: RelationshipCounts | None = None
    tweet_counts: TweetCounts | None = None
    is_blue_verified: bool | None = None
    verification: Verification | None = None
    profile_bio: ProfileBio | None = None
    relationship_perspectives: Perspectives | None = None


NO_USER_CORE = UserCore()
NO_USER_LEGACY = UserLegacy()
NO_COUNTS = RelationshipCounts()
NO_TWEET_COUNTS = TweetCounts()
NO_VERIFICATION = Verification()
NO_BIO = ProfileBio()
NO_PERSPECTIVES = Perspectives()
"""Stand-ins for absent objects (``user.get("legacy") or {}``): every field None."""


class UserResults(_Node):
    result: User | None = None


# --- tweets -------------------------------------------------------------------


class TweetFields(_Node):
    """Fields X keeps in ``legacy`` and, since 2026, also at the top level."""

    id_str: str | None = None
    user_id_str: str | None = None
    retweeted_status_result: TweetResults | None = None
    quoted_status_id_str: str | None = None
    in_reply_to_status_id_str: str | None = None
    conversation_id_str: str | None = None
    lang: str | None = None
    created_at: str | None = None
    full_text: str | None = None
    text: str | None = None
    display_text_range: list[int] | None = None
    favorite_count: Count = None
    reply_count: Count = None
    retweet_count: Count = None
    quote_count: Count = None
    bookmark_count: Count = None
    favorited: bool | None = None
    retweeted: bool | None = None
    bookmarked: bool | None = None


class TweetLegacy(TweetFields):
    pass


NO_TWEET_LEGACY = TweetLegacy()


class TweetCore(_Node):
    user_results: UserResults | None = None


class RestId(_Node):
    rest_id: str | None = None


class QuotedRef(_Node):
    result: RestId | None = None


class Name(_Node):
    name: str | None = None


class Community(_Node):
    result: Name | None = None


class NoteText(_Node):
    text: str | None = None


class NoteResults(_Node):
    result: NoteText | None = None


class NoteTweet(_Node):
    note_tweet_results: NoteResults | None = None


class Views(_Node):
    count: Count = None


class Tweet(TweetFields):
    """Any tweet result: ``Tweet``, ``TweetWithVisibilityResults`` (``tweet``), gone ones."""

    typename: str | None = msgspec.field(default=None, name="__typename")
    rest_id: str | None = None
    legacy: TweetLegacy | None = None
    core: TweetCore | None = None
    tweet: Tweet | None = None
    quoted_status_result: TweetResults | None = None
    quotedRefResult: QuotedRef | None = None
    community_results: Community | None = None
    note_tweet: NoteTweet | None = None
    views: Views | None = None
    ext_views: Views | None = None


class TweetResults(_Node):
    result: Tweet | None = None


# --- timelines ----------------------------------------------------------------


class ItemContent(_Node):
    itemType: str | None = None
    typename: str | None = msgspec.field(default=None, name="__typename")
    promotedMetadata: Any = None
    tweet_results: TweetResults | None = None
    user_results: UserResults | None = None


class ItemBox(_Node):
    itemContent: ItemContent | None = None


class ModuleItem(_Node):
    entryId: str | None = None
    item: ItemBox | None = None


class Content(_Node):
    entryType: str | None = None
    typename: str | None = msgspec.field(default=None, name="__typename")
    itemContent: ItemContent | None = None
    items: list[ModuleItem] | None = None


class Entry(_Node):
    entryId: str | None = None
    content: Content | None = None


class Instruction(_Node):
    type: str | None = None
    entries: list[Entry] | None = None
    entry: Entry | None = None
    moduleItems: list[ModuleItem] | None = None


class Timeline(_Node):
    instructions: list[Instruction] | None = None


# --- answers, one type per place the instructions are kept ---------------------


class DetailData(_Node):
    threaded_conversation_with_injections_v2: Timeline | None = None


class Home(_Node):
    home_timeline_urt: Timeline | None = None


class HomeData(_Node):
    home: Home | None = None


class SearchTimeline(_Node):
    timeline: Timeline | None = None


class SearchQuery(_Node):
    search_timeline: SearchTimeline | None = None


class SearchData(_Node):
    search_by_raw_query: SearchQuery | None = None


class DetailBody(_Node):
    data: DetailData

    def instructions(self) -> list[Instruction] | None:
        wrapper = self.data.threaded_conversation_with_injections_v2
        return None if wrapper is None else wrapper.instructions


class HomeBody(_Node):
    data: HomeData

    def instructions(self) -> list[Instruction] | None:
        home = self.data.home
        wrapper = None if home is None else home.home_timeline_urt
        return None if wrapper is None else wrapper.instructions


class SearchBody(_Node):
    data: SearchData

    def instructions(self) -> list[Instruction] | None:
        query = self.data.search_by_raw_query
        search = None if query is None else query.search_timeline
        wrapper = None if search is None else search.timeline
        return None if wrapper is None else wrapper.instructions


class TimelineBox(_Strict):
    timeline: Timeline


class UserTimelines(_Strict):
    typename: str | None = msgspec.field(default=None, name="__typename")
    timeline: TimelineBox | None = None
    timeline_v2: TimelineBox | None = None


class UserBox(_Strict):
    result: UserTimelines


class UserData(_Strict):
    user: UserBox


class UserTimelineBody(_Node):
    """``data.user.result.timeline[_v2].timeline``: the user timelines (UserTweets, Likes …).

    Other operations are read by searching ``data`` for the first ``instructions``
    list, depth first in key order. The wrappers here forbid other fields, so the
    path below is the only one that search can take and the fast reader finds the
    same list without knowing the key order.
    """

    data: UserData

    def instructions(self) -> list[Instruction] | None:
        result = self.data.user.result
        if (result.timeline is None) == (result.timeline_v2 is None):
            return None  # neither, or both and the key order decides: not handled here
        box = result.timeline or result.timeline_v2
        return None if box is None else box.timeline.instructions


Body = DetailBody | HomeBody | SearchBody | UserTimelineBody

BODIES: dict[str, type[Body]] = {
    "TweetDetail": DetailBody,
    "HomeTimeline": HomeBody,
    "HomeLatestTimeline": HomeBody,
    "SearchTimeline": SearchBody,
}
"""The operations whose instructions are kept at a known path (``INSTRUCTION_PATHS``)."""
