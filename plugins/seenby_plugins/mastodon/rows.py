"""Mastodon statuses and accounts → Seenby rows, with ids qualified by the instance host.

Status and account ids are snowflakes chosen by each instance, so the same
number can name different things on two instances: every id becomes
``<instance host>:<id>``, the host being the one whose API answered.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import seenby
from seenby.parsing import as_int, parse_time
from seenby.rows import RowCollector
from seenby.types import InteractionKind, PostKind

PLATFORM = "mastodon"

_FLAGS: tuple[tuple[str, InteractionKind], ...] = (
    ("favourited", "like"),
    ("reblogged", "repost"),
    ("bookmarked", "bookmark"),
)
"""Viewer-state fields of a status and the interaction each one records when true."""


class _TextExtractor(HTMLParser):
    """Plain text of a status's HTML: paragraphs as blank lines, ``<br>`` as newlines.

    Mastodon hides parts of long links in ``span.invisible``; they are kept, so
    links come out whole.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: Any) -> str | None:
    """The text of Mastodon's HTML ``content`` / ``note``; ``None`` when there is none."""
    if not isinstance(html, str) or not html:
        return None
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return "".join(extractor.parts).strip() or None


def instance_host(url: str) -> str:
    """The host (with port, if any) of the instance that served ``url``: the id prefix."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


class Rows(RowCollector):
    """One capture's rows, read from Mastodon's statuses and accounts (each row once)."""

    def __init__(self, url: str, operation: str | None) -> None:
        super().__init__(PLATFORM, operation)
        self.host = instance_host(url)
        self.domain = self.host.partition(":")[0]
        """The instance's domain, as it appears in handles (``user@domain``)."""

    def qualify(self, native_id: Any) -> str:
        """``<host>:<id>`` for an id as the API gives it."""
        if not isinstance(native_id, str | int) or isinstance(native_id, bool) or native_id == "":
            raise ValueError(f"expected an id, got {native_id!r}")
        return f"{self.host}:{native_id}"

    def account(self, raw: Any) -> str:
        """Add an account object's row; return its qualified id."""
        if not isinstance(raw, dict):
            raise ValueError("account is not an object")
        account_id = self.qualify(raw.get("id"))
        if account_id in self.accounts:
            return account_id
        acct = raw.get("acct")
        handle = None
        if isinstance(acct, str) and acct:
            # Local accounts come without a domain; add it so handles stay unique.
            handle = acct if "@" in acct else f"{acct}@{self.domain}"
        self.add_account(
            seenby.Account(
                platform=PLATFORM,
                account_id=account_id,
                handle=handle,
                display_name=raw.get("display_name") or None,
                followers=as_int(raw.get("followers_count")),
                following=as_int(raw.get("following_count")),
                posts_count=as_int(raw.get("statuses_count")),
                created_at=parse_time(raw.get("created_at")),
                url=raw.get("url") or None,
                bio=html_to_text(raw.get("note")),
            )
        )
        return account_id

    def viewer(self, raw_account: Any) -> None:
        """Record an account object as the user's own."""
        account_id = self.account(raw_account)
        handle = self.accounts[account_id].handle
        self.add_viewer(seenby.Viewer(platform=PLATFORM, account_id=account_id, handle=handle))

    def status(self, raw: Any, *, flags: bool = True, root_id: str | None = None) -> str:
        """Add a status (and the boosted or quoted status inside it); return its post id.

        ``flags`` records the viewer-state fields (``favourited`` …) as
        interactions; action answers pass False since the action itself is recorded.
        """
        if not isinstance(raw, dict):
            raise ValueError("status is not an object")
        post_id = self.qualify(raw.get("id"))
        if post_id in self.posts:
            return post_id
        author_id = self.account(raw.get("account"))
        common: dict[str, Any] = {
            "platform": PLATFORM,
            "post_id": post_id,
            "author_id": author_id,
            "created_at": parse_time(raw.get("created_at")),
            "community": self._community(author_id),
        }
        reblog = raw.get("reblog")
        if isinstance(reblog, dict):
            # A boost: its own row by the booster; the figures and viewer flags
            # belong to the original, which gets its own row too.
            original_id = self.status(reblog, flags=flags)
            self.add_post(
                seenby.Post(**common, kind="repost", repost_of_id=original_id, url=raw.get("uri"))
            )
            return post_id

        reply_to = raw.get("in_reply_to_id")
        reply_to_id = self.qualify(reply_to) if reply_to else None
        quote_of_id = self._quote(raw.get("quote"), flags=flags)
        kind: PostKind = "reply" if reply_to_id else "quote" if quote_of_id else "post"
        self.add_post(
            seenby.Post(
                **common,
                text=html_to_text(raw.get("content")),
                url=raw.get("url") or raw.get("uri"),
                kind=kind,
                reply_to_id=reply_to_id,
                root_id=root_id if reply_to_id else None,
                quote_of_id=quote_of_id,
                title=raw.get("spoiler_text") or None,
                lang=raw.get("language") or None,
            )
        )
        self.add_metrics(
            seenby.PostMetrics(
                platform=PLATFORM,
                post_id=post_id,
                likes=as_int(raw.get("favourites_count")),
                replies=as_int(raw.get("replies_count")),
                reposts=as_int(raw.get("reblogs_count")),
                quotes=as_int(raw.get("quotes_count")),
            )
        )
        if flags:
            for field, flag_kind in _FLAGS:
                if raw.get(field) is True:
                    self.interaction(
                        flag_kind, post_id=post_id, account_id=author_id, source="flag"
                    )
        return post_id

    def _quote(self, quote: Any, *, flags: bool) -> str | None:
        """The quoted post's id, adding its row when the status embeds it.

        Mastodon 4.4+ sends ``{state, quoted_status}`` (or ``{state,
        quoted_status_id}`` when shallow); older forks put the status itself.
        """
        if not isinstance(quote, dict):
            return None
        if isinstance(quote.get("quoted_status"), dict):
            return self.status(quote["quoted_status"], flags=flags)
        if quote.get("quoted_status_id"):
            return self.qualify(quote["quoted_status_id"])
        if "content" in quote and quote.get("id"):
            return self.status(quote, flags=flags)
        return None

    def _community(self, account_id: str) -> str:
        """The author's home instance: the domain of a remote handle, else this one."""
        account = self.accounts.get(account_id)
        handle = (account.handle if account else None) or ""
        return handle.rpartition("@")[2] or self.domain
