"""seenby.html: a forgiving element tree for server-rendered pages."""

from __future__ import annotations

import doctest

import seenby.html
from seenby.html import Element, parse_html


def test_module_example_runs() -> None:
    assert doctest.testmod(seenby.html).failed == 0


def test_unclosed_p_nests_and_an_end_tag_closes_everything_opened_after_its_match() -> None:
    root = parse_html("<div id='c'><p>one<p>two</div><span>after</span>")
    div = root.find("div", id="c")
    assert div is not None
    first = div.find("p")
    assert first is not None
    assert [c.tag if isinstance(c, Element) else c for c in first.children] == ["one", "p"]
    # </div> closed both <p>: the span is the div's sibling, not inside it.
    assert div.find("span") is None
    span = root.find("span")
    assert span is not None and span.parent is root
    assert div.next_element() is span


def test_self_closed_rows_take_no_children() -> None:
    root = parse_html(
        "<table><tr class='athing' id='1'><td>a</td></tr><tr/><tr class='spacer'/>"
        "<tr class='athing' id='2'><td>b</td></tr></table>"
    )
    rows = list(root.find_all("tr"))
    assert [row.get("id") for row in rows] == ["1", None, None, "2"]
    assert rows[1].children == [] and rows[2].children == []
    assert all(row.parent is root.find("table") for row in rows)
    assert [row.text() for row in root.find_all("tr", cls="athing")] == ["a", "b"]


def test_void_elements_never_take_children_and_stray_end_tags_are_ignored() -> None:
    root = parse_html("<div><br>text<img src='x.png'>more</b></i></div><p>next")
    div = root.find("div")
    assert div is not None
    assert [c if isinstance(c, str) else c.tag for c in div.children] == [
        "br",
        "text",
        "img",
        "more",
    ]
    img = div.find("img")
    assert img is not None and img.get("src") == "x.png" and img.children == []
    assert root.find("p") is not None and root.find("p") is not div.find("p")


def test_attributes_classes_and_lookups() -> None:
    root = parse_html(
        '<a class="hnuser big" href="user?id=pg" data-id="7" hidden>pg</a>'
        '<a class="hnuser" href="user?id=dang">dang</a>'
    )
    first = root.find("a")
    assert first is not None
    assert first.attrs == {
        "class": "hnuser big",
        "href": "user?id=pg",
        "data-id": "7",
        "hidden": "",
    }
    assert first.get("data-id") == "7" and first.get("missing") is None
    assert first.has_class("big") and not first.has_class("hnuse")
    assert [a.text() for a in root.find_all("a", cls="hnuser")] == ["pg", "dang"]
    assert [a.text() for a in root.find_all(cls="big")] == ["pg"]
    dang = root.find("a", href="user?id=dang")
    assert dang is not None and dang.text() == "dang"
    assert root.find("a", cls="hnuser", href="nope") is None
    assert root.find("table") is None
    assert first.next_element() is dang and dang.next_element() is None
    assert root.next_element() is None


def test_descendants_in_document_order_and_stop_does_not_enter() -> None:
    root = parse_html(
        "<div id='outer'><article id='a'><b>x</b></article><article id='b'><i>y</i></article>"
        "<em>z</em></div>"
    )
    assert [e.tag for e in root.descendants()] == ["div", "article", "b", "article", "i", "em"]
    stopped = root.descendants(stop=lambda e: e.tag == "article")
    assert [e.get("id") or e.tag for e in stopped] == ["outer", "a", "b", "em"]


def test_text_collapses_whitespace_and_decodes_references() -> None:
    root = parse_html(
        "<span class='titleline'>\n  Show&nbsp;HN:   <a>Tom &amp; Jerry</a>\t&#8212; ok </span>"
    )
    title = root.find("span", cls="titleline")
    assert title is not None
    # Unicode whitespace (the decoded &nbsp;) collapses too.
    assert title.text() == "Show HN: Tom & Jerry — ok"
    assert parse_html("").text() == ""


def test_block_text_keeps_paragraphs_and_line_breaks() -> None:
    root = parse_html(
        "<div class='commtext'>First line<br>second line"
        "<p>  New paragraph  </p><p></p><p></p><p>Last <i>one</i>"
        "<pre><code>code()</code></pre><ul><li>a</li><li>b</li></ul></div>"
    )
    body = root.find("div", cls="commtext")
    assert body is not None
    assert body.block_text() == (
        "First line\nsecond line\n\nNew paragraph\n\nLast one\ncode()\na\nb"
    )
    assert body.text() == "First linesecond line New paragraph Last onecode()ab"


def test_document_root() -> None:
    root = parse_html("<html><body>hi</body></html>")
    assert root.tag == "#document" and root.parent is None and root.attrs == {}
    assert root.find("body") is not None
    assert root.text() == "hi"
