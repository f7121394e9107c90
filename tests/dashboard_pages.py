"""Reading the dashboard in tests: a login through a link, and what the page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

from conftest import Server


def login_link(server: Server) -> str:
    response = server.request("POST", "/api/v1/dashboard/link")
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    return url


def login(server: Server) -> httpx.Cookies:
    """A session cookie, from a fresh login link."""
    response = httpx.get(login_link(server), follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.cookies


def dashboard(server: Server, cookies: httpx.Cookies | None = None) -> httpx.Response:
    return httpx.get(f"{server.url}/dashboard", cookies=cookies, timeout=30)


@dataclass
class Section:
    title: str = ""
    tables: list[list[list[str]]] = field(default_factory=list)
    """Each table's rows (the heading row first), each a list of cell texts."""
    text: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """The page's tags and attributes, and each <section> with its title and tables."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.sections: list[Section] = []
        self._section: Section | None = None
        self._in_title = False
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        if tag == "section":
            self._section = Section()
            self.sections.append(self._section)
        elif self._section is None:
            return
        elif tag == "h2":
            self._in_title = True
        elif tag == "table":
            self._section.tables.append([])
        elif tag == "tr":
            self._section.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_title = False
        elif tag in ("td", "th") and self._cell is not None and self._section is not None:
            self._section.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data: str) -> None:
        if self._section is None:
            return
        if self._in_title:
            self._section.title += data
        if self._cell is not None:
            self._cell.append(data)
        self._section.text.append(data)

    def section(self, title: str) -> Section:
        found = [s for s in self.sections if s.title == title]
        assert found, f"no section {title!r} in {[s.title for s in self.sections]}"
        return found[0]

    def rows(self, title: str, table: int = 0) -> list[dict[str, str]]:
        """A section's table as dicts, heading → cell text."""
        head, *body = self.section(title).tables[table]
        return [dict(zip(head, row, strict=True)) for row in body]
