"""A small, forgiving element tree for reading server-rendered pages, over stdlib ``html.parser``.

For plugins whose site sends HTML rather than JSON (``document`` captures): parse the
page once, then find elements by tag, class and attributes and read their text.

Real pages are not always well-formed (unclosed ``<p>``, self-closed ``<tr/>``, stray
end tags), so the tree is built forgivingly: an end tag closes every element opened
after its match, an end tag with no open match is ignored, void elements (``<br>``,
``<img>`` …) never take children, and character references are decoded.

>>> from seenby.html import parse_html
>>> page = parse_html('<div class="post" id="p1"><h2>A <b>title</b></h2><p>Hi<br>there<p>Bye</div>')
>>> post = page.find("div", cls="post")
>>> post.get("id"), post.find("h2").text()
('p1', 'A title')
>>> post.find("p").block_text()
'Hi\\nthere\\n\\nBye'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

__all__ = ["Element", "parse_html"]

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_BLOCK_BREAKS = {"p": "\n\n", "br": "\n", "pre": "\n", "li": "\n"}
_MANY_NEWLINES = re.compile(r"\n{3,}")


class Element:
    """One element: its tag, attributes, parent, and children (elements or text).

    Tag and attribute names are lower case (as ``html.parser`` gives them); an attribute
    written without a value (``<input disabled>``) has the value ``""``. The document
    itself is an element with the tag ``#document`` and no parent.
    """

    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def get(self, name: str) -> str | None:
        """The attribute's value, or ``None`` when the element does not have it."""
        return self.attrs.get(name)

    def has_class(self, name: str) -> bool:
        """Whether ``name`` is one of the element's space-separated classes."""
        return name in self.attrs.get("class", "").split()

    def descendants(self, stop: Callable[[Element], bool] | None = None) -> Iterator[Element]:
        """Every element below this one in document order.

        An element for which ``stop`` returns true is yielded but not entered: use it
        to read one item's markup without descending into the items nested in it.
        """
        for child in self.children:
            if isinstance(child, Element):
                yield child
                if stop is None or not stop(child):
                    yield from child.descendants(stop)

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element | None:
        """The first descendant that :meth:`find_all` would give, or ``None``."""
        return next(self.find_all(tag, cls, **attrs), None)

    def find_all(
        self, tag: str | None = None, cls: str | None = None, **attrs: str
    ) -> Iterator[Element]:
        """Descendants in document order with this ``tag``, class ``cls`` and attribute values.

        Every criterion given must hold; ``None`` means any. ``find_all("a", href="x")``
        matches ``<a href="x">``; for attribute names that are not Python identifiers
        (``data-id``), filter :meth:`descendants` with :meth:`get` instead.
        """
        for element in self.descendants():
            if tag is not None and element.tag != tag:
                continue
            if cls is not None and not element.has_class(cls):
                continue
            if all(element.attrs.get(name) == value for name, value in attrs.items()):
                yield element

    def next_element(self) -> Element | None:
        """The following sibling element, skipping text; ``None`` when there is none."""
        if self.parent is None:
            return None
        siblings = self.parent.children
        for sibling in siblings[siblings.index(self) + 1 :]:
            if isinstance(sibling, Element):
                return sibling
        return None

    def text(self) -> str:
        """All text inside, whitespace collapsed to single spaces: for names, labels, titles.

        Text nodes are joined as they are (``<p>a</p><p>b</p>`` gives ``"ab"``); use
        :meth:`block_text` for bodies with paragraphs.
        """
        return " ".join("".join(self._strings()).split())

    def block_text(self) -> str:
        """Text keeping paragraph and line breaks, for post and comment bodies.

        ``<p>`` starts a paragraph (a blank line), ``<br>``, ``<li>`` and ``<pre>`` a new
        line; each line is stripped and runs of blank lines become one.
        """
        parts: list[str] = []
        self._collect_block(parts)
        lines = [line.strip() for line in "".join(parts).split("\n")]
        return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()

    def _strings(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield from child._strings()

    def _collect_block(self, parts: list[str]) -> None:
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
                continue
            if child.tag in _BLOCK_BREAKS:
                parts.append(_BLOCK_BREAKS[child.tag])
            child._collect_block(parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self._open: list[Element] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._append(tag, attrs)
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._append(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)

    def _append(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        parent = self._open[-1]
        element = Element(tag, {name: value or "" for name, value in attrs}, parent)
        parent.children.append(element)
        return element


def parse_html(text: str) -> Element:
    """Parse a page (or a fragment) into its ``#document`` root element, forgiving bad markup."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root
