"""Reading LinkedIn's Voyager "normalized" JSON.

A normalized response keeps every entity once in ``included``; other entities
point at it with keys that start with ``*`` (``"*socialDetail": "urn:li:…"``).
Legacy responses (``fs_updateV2`` updates, ``/feed/updatesV2``) and the newer
"dash" ones (``fsd_update``, GraphQL) follow the same scheme with different
field names, so both are read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import seenby
from seenby.parsing import as_int, dig, parse_time
from seenby.rows import RowCollector

PLATFORM = "linkedin"
POST_URL = "https://www.linkedin.com/feed/update/{post_id}/"

_POST_URN = re.compile(r"urn:li:(?:activity|ugcPost|share):[0-9]+")
_ACTIVITY_URN = re.compile(r"urn:li:activity:[0-9]+")
_COMMENT_ENTITY_URN = re.compile(r"^urn:li:fsd_comment:\(([0-9]+),(.+)\)$")
_COMMENT_URN = re.compile(
    r"^urn:li:comment:\((?:urn:li:)?((?:activity|ugcPost|share):[0-9]+),([0-9]+)\)$"
)
_FOLLOWERS = re.compile(r"^\s*([0-9][0-9.,]*\s*[KkMm]?)\s+followers?\s*$")
_PROFILE_PATH = re.compile(r"^/(in|company|school|showcase)/([^/?#]+)")
_UPDATE_URN_PREFIXES = ("urn:li:fs_updateV2:", "urn:li:fsd_update:")
_COMMENT_URN_PREFIX = "urn:li:fsd_comment:"
_REACTION_LIKE = "LIKE"

READ_ERRORS = (ValueError, TypeError, KeyError, AttributeError)
"""What reading one malformed entity can raise; caught per entity."""


def snowflake_time(urn: str | None) -> datetime | None:
    """When a post or comment was created: LinkedIn ids carry the epoch milliseconds in
    their top 41 bits (the feed itself only says "2d")."""
    if not urn:
        return None
    match = re.search(r"([0-9]{15,})\)?$", urn)
    if match is None:
        return None
    return datetime.fromtimestamp((int(match.group(1)) >> 22) / 1000, tz=UTC)


def reaction_kind(reaction_type: str | None) -> Literal["like", "react"]:
    """LinkedIn's LIKE is a like; PRAISE, EMPATHY … are other reactions."""
    return "like" if reaction_type in (None, _REACTION_LIKE) else "react"


def thread_target(urn: str) -> tuple[str, str] | None:
    """(post_id, root post_id) of what a ``threadUrn`` names: a post or a comment."""
    comment = _COMMENT_URN.match(urn)
    if comment:
        root, number = comment.groups()
        return comment_post_id(root, number), "urn:li:" + root
    post = _POST_URN.fullmatch(urn)
    return (urn, urn) if post else None


def comment_post_id(root: str, number: str) -> str:
    """A comment's post_id, in LinkedIn's own form: ``urn:li:comment:(activity:N,C)``."""
    return f"urn:li:comment:({root.removeprefix('urn:li:')},{number})"


class Entities:
    """The entities of one or more normalized responses, by ``entityUrn``."""

    def __init__(self, bodies: Iterable[dict[str, Any]]) -> None:
        self.by_urn: dict[str, dict[str, Any]] = {}
        for body in bodies:
            for entity in body.get("included") or ():
                if isinstance(entity, dict) and isinstance(entity.get("entityUrn"), str):
                    self.by_urn[entity["entityUrn"]] = entity

    def field(self, owner: Any, name: str) -> Any:
        """``owner[name]``, or the entity ``owner["*" + name]`` points at."""
        if not isinstance(owner, dict):
            return None
        value = owner.get(name)
        if value is None and isinstance(owner.get("*" + name), str):
            value = self.by_urn.get(owner["*" + name])
        return value

    def of_kind(self, prefixes: tuple[str, ...] | str) -> Iterator[tuple[str, dict[str, Any]]]:
        for urn, entity in self.by_urn.items():
            if urn.startswith(prefixes):
                yield urn, entity

    def account_id(self, urn: str) -> str:
        """One id per person or company: profile URNs become the ``urn:li:member:N`` the
        feed's actors carry, when the response includes the profile."""
        if urn.startswith(("urn:li:fsd_profile:", "urn:li:fs_miniProfile:")):
            key = urn.rsplit(":", 1)[1]
            for candidate in (f"urn:li:fsd_profile:{key}", f"urn:li:fs_miniProfile:{key}"):
                object_urn = dig(self.by_urn.get(candidate), "objectUrn")
                if isinstance(object_urn, str):
                    return object_urn
        if urn.startswith(("urn:li:fsd_company:", "urn:li:fs_miniCompany:")):
            return "urn:li:company:" + urn.rsplit(":", 1)[1]
        return urn


def element_urns(body: dict[str, Any]) -> list[str]:
    """The URNs a response lists as its elements (legacy ``data``, GraphQL ``data.data.*``)."""
    data = body.get("data")
    holders = [data] if isinstance(data, dict) else []
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        holders.extend(v for v in data["data"].values() if isinstance(v, dict))
    return [
        urn for holder in holders for urn in holder.get("*elements") or () if isinstance(urn, str)
    ]


def read_bodies(bodies: list[dict[str, Any]], rows: RowCollector) -> int:
    """Read updates, comments and the viewer from normalized bodies; how many were found."""
    entities = Entities(bodies)
    found = 0
    for body in bodies:
        found += read_me(entities, body, rows)
    for urn, update in entities.of_kind(_UPDATE_URN_PREFIXES):
        try:
            read_update(entities, update, rows)
            found += 1
        except READ_ERRORS as error:
            rows.errors.append(f"update {urn}: {error!r}")
    for urn, comment in entities.of_kind(_COMMENT_URN_PREFIX):
        try:
            read_comment(entities, comment, rows)
            found += 1
        except READ_ERRORS as error:
            rows.errors.append(f"comment {urn}: {error!r}")
    return found


def read_me(entities: Entities, body: dict[str, Any], rows: RowCollector) -> int:
    """The signed-in member from ``/voyager/api/me`` (normalized or plain JSON)."""
    data = body.get("data")
    me: dict[str, Any] = data if isinstance(data, dict) else body
    if "plainId" not in me:
        return 0
    profile = entities.field(me, "miniProfile")
    member = dig(profile, "objectUrn") or f"urn:li:member:{me['plainId']}"
    handle = dig(profile, "publicIdentifier")
    names = [dig(profile, "firstName"), dig(profile, "lastName")]
    rows.add_viewer(seenby.Viewer(platform=PLATFORM, account_id=member, handle=handle))
    rows.add_account(
        seenby.Account(
            platform=PLATFORM,
            account_id=member,
            handle=handle,
            display_name=" ".join(n for n in names if n) or None,
            bio=dig(profile, "occupation"),
            url=f"https://www.linkedin.com/in/{handle}/" if handle else None,
        )
    )
    return 1


def _update_post_id(update: dict[str, Any]) -> str:
    """The update's post URN, preferring ``urn:li:activity:N`` (what the page's markup uses)."""
    candidates = [
        dig(update, "updateMetadata", "urn"),
        dig(update, "metadata", "backendUrn"),
        update.get("entityUrn"),
        update.get("preDashEntityUrn"),
    ]
    texts = [c for c in candidates if isinstance(c, str)]
    for pattern in (_ACTIVITY_URN, _POST_URN):
        for text in texts:
            match = pattern.search(text)
            if match:
                return match.group(0)
    raise ValueError("update names no activity URN")


def _actor_id(entities: Entities, actor: dict[str, Any]) -> str | None:
    urn = actor.get("urn") or actor.get("backendUrn")
    if not isinstance(urn, str):
        name = actor.get("name") or {}
        for attribute in (name.get("attributes") or []) + (name.get("attributesV2") or []):
            detail = attribute.get("detailData") or {}
            urn = (
                attribute.get("*miniProfile")
                or attribute.get("*miniCompany")
                or detail.get("*profileFullName")
                or detail.get("*companyName")
            )
            if isinstance(urn, str):
                break
    return entities.account_id(urn) if isinstance(urn, str) else None


def _profile_link(url: Any) -> tuple[str | None, str | None]:
    """(handle, clean URL) from a profile link such as ``/in/jane-doe?miniProfileUrn=…``."""
    if not isinstance(url, str):
        return None, None
    match = _PROFILE_PATH.match(urlsplit(url).path)
    if match is None:
        return None, None
    section, handle = match.groups()
    return handle, f"https://www.linkedin.com/{section}/{handle}/"


def read_actor(entities: Entities, actor: Any, rows: RowCollector) -> str | None:
    """The author of an update, as an Account row; returns its id."""
    if not isinstance(actor, dict):
        return None
    account_id = _actor_id(entities, actor)
    if account_id is None:
        return None
    handle, url = _profile_link(dig(actor, "navigationContext", "actionTarget"))
    description = dig(actor, "description", "text")
    followers = _FOLLOWERS.match(description) if isinstance(description, str) else None
    rows.add_account(
        seenby.Account(
            platform=PLATFORM,
            account_id=account_id,
            handle=handle,
            display_name=dig(actor, "name", "text"),
            followers=as_int(followers.group(1)) if followers else None,
            url=url,
            bio=None if followers else description,
        )
    )
    return account_id


def _promoted(sub_description: Any) -> bool | None:
    """Promoted updates say "Promoted" where others say "3h •"."""
    if not isinstance(sub_description, str) or not sub_description.strip():
        return None
    lowered = sub_description.lower()
    if "promoted" in lowered or "sponsored" in lowered:
        return True
    return False if any(c.isdigit() for c in sub_description) else None


def read_update(entities: Entities, update: dict[str, Any], rows: RowCollector) -> str:
    """One update (and the update it reshares) as posts; returns its post_id."""
    post_id = _update_post_id(update)
    actor = update.get("actor")
    author_id = read_actor(entities, actor, rows)
    text = dig(entities.field(update, "commentary"), "text", "text")
    kind: Literal["post", "quote", "repost"] = "post"
    quote_of_id = repost_of_id = None
    reshared = entities.field(update, "resharedUpdate")
    if isinstance(reshared, dict):
        original_id = read_update(entities, reshared, rows)
        if text:
            kind, quote_of_id = "quote", original_id
        else:
            kind, repost_of_id = "repost", original_id
    rows.add_post(
        seenby.Post(
            platform=PLATFORM,
            post_id=post_id,
            author_id=author_id,
            text=text if isinstance(text, str) else None,
            created_at=snowflake_time(post_id),
            url=POST_URL.format(post_id=post_id),
            kind=kind,
            quote_of_id=quote_of_id,
            repost_of_id=repost_of_id,
            promoted=_promoted(dig(actor, "subDescription", "text")),
        )
    )
    read_social_counts(entities, update, post_id, rows)
    return post_id


def read_social_counts(
    entities: Entities, owner: dict[str, Any], post_id: str, rows: RowCollector
) -> None:
    """Metrics and the viewer's own reaction from an update's or comment's social detail."""
    detail = entities.field(owner, "socialDetail")
    counts = entities.field(detail, "totalSocialActivityCounts")
    if not isinstance(counts, dict):
        counts = entities.by_urn.get(f"urn:li:fsd_socialActivityCounts:{post_id}") or (
            entities.by_urn.get(f"urn:li:fs_socialActivityCounts:{post_id}")
        )
    if isinstance(counts, dict):
        by_type = {
            entry.get("reactionType"): as_int(entry.get("count"))
            for entry in counts.get("reactionTypeCounts") or ()
        }
        rows.add_metrics(
            seenby.PostMetrics(
                platform=PLATFORM,
                post_id=post_id,
                reactions=as_int(counts.get("numLikes")),
                # Only the types listed are known; a missing LIKE among them means none.
                likes=by_type.get(_REACTION_LIKE, 0) if by_type else None,
                replies=as_int(counts.get("numComments")),
                reposts=as_int(counts.get("numShares")),
                views=_first_int(counts.get("numImpressions"), counts.get("numViews")),
            )
        )
        reacted = counts.get("reacted")
        if isinstance(reacted, str) or counts.get("liked") is True:
            rows.add_interaction(
                seenby.Interaction(
                    platform=PLATFORM,
                    kind=reaction_kind(reacted if isinstance(reacted, str) else None),
                    post_id=post_id,
                    source="flag",
                )
            )
    elif isinstance(detail, dict):
        rows.add_metrics(
            seenby.PostMetrics(
                platform=PLATFORM,
                post_id=post_id,
                reactions=as_int(dig(detail, "likes", "paging", "total")),
                replies=as_int(dig(detail, "comments", "paging", "total")),
                reposts=as_int(detail.get("totalShares")),
            )
        )


def _first_int(*values: Any) -> int | None:
    """The first of ``values`` that is a number (0 included)."""
    return next((n for n in map(as_int, values) if n is not None), None)


def _commenter_id(entities: Entities, commenter: dict[str, Any]) -> str | None:
    actor = entities.field(commenter, "actor")
    for holder in (actor, commenter):
        if not isinstance(holder, dict):
            continue
        for key in ("profileUrn", "companyUrn", "urn", "backendUrn"):
            urn = holder.get("*" + key) or holder.get(key)
            if isinstance(urn, str):
                return entities.account_id(urn)
    return None


def read_comment(entities: Entities, comment: dict[str, Any], rows: RowCollector) -> str:
    """One ``dash.social.Comment`` as a post of kind ``comment``; returns its post_id."""
    match = _COMMENT_ENTITY_URN.match(comment["entityUrn"])
    target = thread_target(match.group(2)) if match else None
    if match is None or target is None:
        raise ValueError("comment URN names no thread")
    parent_id, root_id = target
    post_id = comment_post_id(root_id, match.group(1))
    commenter = entities.field(comment, "commenter") or {}
    author_id = _commenter_id(entities, commenter)
    if author_id is not None:
        handle, url = _profile_link(commenter.get("navigationUrl"))
        subtitle = commenter.get("subtitle")
        rows.add_account(
            seenby.Account(
                platform=PLATFORM,
                account_id=author_id,
                handle=handle,
                display_name=dig(commenter, "title", "text"),
                url=url,
                bio=dig(subtitle, "text") if isinstance(subtitle, dict) else subtitle,
            )
        )
    text = dig(entities.field(comment, "commentary"), "text")
    rows.add_post(
        seenby.Post(
            platform=PLATFORM,
            post_id=post_id,
            author_id=author_id,
            text=text if isinstance(text, str) else None,
            created_at=parse_time(comment.get("createdAt")) or snowflake_time(match.group(1)),
            url=POST_URL.format(post_id=root_id) + "?commentUrn=" + quote(post_id, safe=""),
            kind="comment",
            reply_to_id=parent_id,
            root_id=root_id,
        )
    )
    read_social_counts(entities, comment, post_id, rows)
    return post_id
