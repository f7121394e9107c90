"""Reading Hacker News pages: story lists, item pages with their comment tree, user pages.

HN renders everything on the server, so these are document captures of whole pages.
Selectors follow ``research/platforms.md`` §5 and the saved real pages in the tests.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import seenby
from seenby.html import Element, parse_html
from seenby.parsing import as_int, parse_time
from seenby.types import InteractionKind, PostKind

PLATFORM = "hackernews"
SITE = "https://news.ycombinator.com/"

_ITEM_LINK = re.compile(r"(?:^item\?id=|^#)(\d+)$")
_USER_LINK = re.compile(r"user\?id=([^&#]+)")
_COMMENT_COUNT = re.compile(r"^(\d+)\s+comments?$")
_PAGE_OPERATIONS = {"user": "User", "item": "Item", "threads": "Threads"}
_UNVOTE_LABELS: dict[str, InteractionKind] = {"unvote": "upvote", "undown": "downvote"}


def item_url(item_id: str) -> str:
    return f"{SITE}item?id={item_id}"


class _Rows:
    """The rows one page yields, with accounts de-duplicated by name."""

    def __init__(self) -> None:
        self.result = seenby.ParseResult()
        self._accounts: dict[str, seenby.Account] = {}

    def account(
        self, name: str | None, created_at: datetime | None = None, bio: str | None = None
    ) -> str | None:
        """Record an account (a profile page's details replace a bare byline) and return its id."""
        if not name:
            return None
        if name not in self._accounts or created_at or bio:
            self._accounts[name] = seenby.Account(
                platform=PLATFORM,
                account_id=name,
                handle=name,
                url=f"{SITE}user?id={name}",
                created_at=created_at,
                bio=bio,
            )
        return name

    def post(self, post: seenby.Post, metrics: seenby.PostMetrics) -> None:
        self.result.posts.append(post)
        if any(value is not None for value in (metrics.score, metrics.replies, metrics.reactions)):
            self.result.metrics.append(metrics)

    def finish(self, operation: str) -> seenby.ParseResult:
        self.result.accounts = list(self._accounts.values())
        self.result.operation = operation
        return self.result


def parse_page(html: str) -> seenby.ParseResult:
    """Every story, comment, account and viewer flag on one HN page."""
    root = parse_html(html)
    if root.find("table", id="hnmain") is None:
        raise seenby.UnrecognizedPayload("no #hnmain table: not a Hacker News page")
    page = root.find("html")
    op = (page.get("op") if page else None) or ""
    rows = _Rows()
    viewer = _viewer_name(root)
    if viewer:
        rows.result.viewers.append(
            seenby.Viewer(platform=PLATFORM, account_id=viewer, handle=viewer)
        )
    if op == "user":
        _read_user(root, rows)
    else:
        found = _read_items(root, rows)
        if not found and not op:
            raise seenby.UnrecognizedPayload("HN page without an op and without item rows")
    return rows.finish(_PAGE_OPERATIONS.get(op, "StoryList"))


def _viewer_name(root: Element) -> str | None:
    """The logged-in user's name from the top bar's ``a#me`` link."""
    me = root.find("a", id="me")
    if me is None:
        return None
    match = _USER_LINK.search(me.get("href") or "")
    return match.group(1) if match else me.text() or None


def _read_items(root: Element, rows: _Rows) -> bool:
    """Stories and comments in document order; comment parents come from indentation."""
    page_root: str | None = None  # the item an item page is about (story or comment)
    story_of: dict[str, str] = {}  # comment id → story id, inherited down the tree
    last_at_depth: dict[int, str] = {}
    found = False
    for row in root.find_all("tr", cls="athing"):
        item_id = row.get("id")
        if not item_id:
            continue
        found = True
        try:
            if not item_id.isdigit():
                raise ValueError(f"item id {item_id!r} is not a number")
            is_page_item = page_root is None and _in_fatitem(row)
            if row.find("span", cls="titleline") is not None:
                _read_story(row, item_id, rows, is_page_item=is_page_item)
                if is_page_item:
                    page_root = story_of[item_id] = item_id
                continue
            indent = as_int((row.find("td", cls="ind") or row).get("indent")) or 0
            if is_page_item:  # an item page about a comment: the tree hangs below it
                parent = _nav_link(row, "parent")
                page_root = item_id
            else:
                parent = (
                    (last_at_depth.get(indent - 1) if indent > 0 else None)
                    or _nav_link(row, "parent")
                    or page_root
                )
            story = _onstory(row) or story_of.get(parent or "") or story_of.get(page_root or "")
            _read_comment(row, item_id, parent, story, rows)
            last_at_depth[indent] = item_id
            if story:
                story_of[item_id] = story
        except (ValueError, TypeError, AttributeError) as error:
            rows.result.errors.append(f"item {item_id}: {error}")
    return found


def _in_fatitem(row: Element) -> bool:
    parent = row.parent
    while parent is not None:
        if parent.tag == "table":
            return parent.has_class("fatitem")
        parent = parent.parent
    return False


def _read_story(row: Element, item_id: str, rows: _Rows, *, is_page_item: bool) -> None:
    title_link = row.find("span", cls="titleline")
    anchor = title_link.find("a") if title_link else None
    if anchor is None:
        raise ValueError("story row without a title link")
    meta = row.next_element()
    subtext = meta.find("td", cls="subtext") if meta else None
    if subtext is None:
        raise ValueError("story row without its subtext row")
    author = rows.account(_author(subtext))
    score = _score(subtext)
    # Job ads have neither points nor a submitter: YC places them, votes don't rank them.
    is_job = score is None and author is None
    kind: PostKind = "post" if (anchor.get("href") or "").startswith("item?id=") else "link"
    toptext = _fatitem_text(row) if is_page_item else None
    rows.post(
        seenby.Post(
            platform=PLATFORM,
            post_id=item_id,
            author_id=author,
            text=toptext,
            created_at=_age(subtext),
            url=item_url(item_id),
            kind=kind,
            title=anchor.text(),
            promoted=is_job,
        ),
        seenby.PostMetrics(
            platform=PLATFORM,
            post_id=item_id,
            score=score,
            replies=_comment_count(subtext, item_id),
        ),
    )
    rows.result.interactions.extend(_flags(item_id, row, subtext))


def _read_comment(
    row: Element, item_id: str, parent: str | None, story: str | None, rows: _Rows
) -> None:
    head = row.find("span", cls="comhead")
    if head is None:
        raise ValueError("comment row without a comhead")
    body = next((e for e in row.descendants() if _is_commtext(e)), None)
    toggle = row.find("a", cls="togg")
    subtree = as_int(toggle.get("n")) if toggle else None
    rows.post(
        seenby.Post(
            platform=PLATFORM,
            post_id=item_id,
            author_id=rows.account(_author(head)),
            text=body.block_text() if body else None,
            created_at=_age(head),
            url=item_url(item_id),
            kind="comment",
            reply_to_id=parent,
            root_id=story,
            promoted=False,
        ),
        seenby.PostMetrics(
            platform=PLATFORM,
            post_id=item_id,
            # HN shows a comment's points only to its author.
            score=_score(head),
            # ``n`` on the collapse toggle counts the comment itself and everything below it.
            replies=subtree - 1 if subtree else None,
        ),
    )
    rows.result.interactions.extend(_flags(item_id, row))


def _is_commtext(element: Element) -> bool:
    return any(name.startswith("commtext") for name in element.attrs.get("class", "").split())


def _fatitem_text(row: Element) -> str | None:
    table = row.parent
    while table is not None and table.tag != "table":
        table = table.parent
    toptext = table.find("div", cls="toptext") if table else None
    return (toptext.block_text() or None) if toptext else None


def _author(container: Element) -> str | None:
    user = container.find("a", cls="hnuser")
    return (user.text() or None) if user else None


def _score(container: Element) -> int | None:
    score = container.find("span", cls="score")
    return as_int(score.text().split(" ")[0]) if score else None


def _age(container: Element) -> datetime | None:
    """``title="2026-05-31T22:59:50 1780268390"``: ISO time then Unix seconds (older pages: ISO)."""
    age = container.find("span", cls="age")
    title = (age.get("title") or "").split() if age else []
    if not title:
        return None
    if len(title) > 1 and title[-1].isdigit():
        return parse_time(int(title[-1]))
    return parse_time(title[0])


def _comment_count(subtext: Element, item_id: str) -> int | None:
    for link in subtext.find_all("a", href=f"item?id={item_id}"):
        label = link.text()
        if label == "discuss":
            return 0
        match = _COMMENT_COUNT.match(label)
        if match:
            return int(match.group(1))
    return None


def _nav_link(row: Element, label: str) -> str | None:
    navs = row.find("span", cls="navs")
    for link in navs.find_all("a") if navs else ():
        if link.text() == label:
            match = _ITEM_LINK.match(link.get("href") or "")
            if match:
                return match.group(1)
    return None


def _onstory(row: Element) -> str | None:
    onstory = row.find("span", cls="onstory")
    link = onstory.find("a") if onstory else None
    match = _ITEM_LINK.match(link.get("href") or "") if link else None
    return match.group(1) if match else None


def _flags(item_id: str, *containers: Element) -> list[seenby.Interaction]:
    """The viewer's own votes and favorites, which HN shows as "unvote" / "un-favorite" links.

    ``account_id`` stays None: the vote click never reveals the author, and the flag
    and the click must carry the same key to be stored once.
    """
    flags: list[seenby.Interaction] = []
    for container in containers:
        for link in container.find_all("a"):
            kind: InteractionKind | None = None
            if link.get("id") == f"un_{item_id}":
                kind = _UNVOTE_LABELS.get(link.text())
            elif (link.get("href") or "").startswith(f"fave?id={item_id}&") and "un=t" in (
                link.get("href") or ""
            ):
                kind = "bookmark"
            if kind:
                flags.append(
                    seenby.Interaction(platform=PLATFORM, kind=kind, post_id=item_id, source="flag")
                )
    return flags


def _read_user(root: Element, rows: _Rows) -> None:
    """A profile: name, creation time and about text. Karma has no column (see the docs)."""
    fields: dict[str, Element] = {}
    for row in root.find_all("tr"):
        cells = [cell for cell in row.children if isinstance(cell, Element) and cell.tag == "td"]
        if len(cells) >= 2 and cells[0].text().endswith(":"):
            fields.setdefault(cells[0].text().rstrip(":"), cells[1])
    user_cell = fields.get("user")
    if user_cell is None:
        raise seenby.UnrecognizedPayload("user page without a 'user:' row")
    name = _author(user_cell) or user_cell.text()
    created = parse_time(as_int(user_cell.get("timestamp")))
    if created is None and "created" in fields:
        created = _created_text(fields["created"].text())
    about = fields["about"].block_text() if "about" in fields else ""
    rows.account(name, created_at=created, bio=about or None)


def _created_text(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%B %d, %Y").replace(tzinfo=UTC)
    except ValueError:
        return None
