"""How a platform plugin declares a site to the generic extension.

The server serves every plugin's :class:`Platform` at ``GET /api/v1/rules``; the
extension applies them without knowing any site itself. URL patterns are
JavaScript-compatible regular expressions matched against the full URL (use no
Python-only syntax such as ``(?P<name>…)`` or inline flags).
"""

from __future__ import annotations

import msgspec


class ApiRule(msgspec.Struct, kw_only=True):
    """Capture the responses of matching requests the page makes itself."""

    operation: str
    """A stable name for what the endpoint returns, e.g. ``HomeTimeline``."""
    url_pattern: str
    methods: list[str] = msgspec.field(default_factory=lambda: ["GET"])


class DocumentRule(msgspec.Struct, kw_only=True):
    """Capture a server-rendered page (its HTML, or JSON embedded in it)."""

    operation: str
    url_pattern: str
    script_selector: str | None = None
    """CSS selector of ``<script>`` elements whose text to send instead of the whole page."""


class ActionRule(msgspec.Struct, kw_only=True):
    """A request that is the user's own action (like, reply, repost, follow …)."""

    action: str
    url_pattern: str
    methods: list[str] = msgspec.field(default_factory=lambda: ["POST"])
    body_pattern: str | None = None
    """Regex the request body must match too (GraphQL endpoints share one URL)."""
    undo: bool = False


class DomActionRule(msgspec.Struct, kw_only=True):
    """A click that is an action on a site that sends no fetch for it (e.g. HN votes)."""

    action: str
    selector: str
    """CSS selector of the clicked element (matched with ``closest``)."""
    post_id_attribute: str | None = None
    post_id_pattern: str | None = None
    """Regex with one group, applied to the attribute (or to ``href``) to get the post id."""


class DomLocator(msgspec.Struct, kw_only=True):
    """Where posts are in the page and where to put their overlays."""

    post_selector: str
    id_selector: str | None = None
    """Element inside the post holding the id; the post element itself when absent."""
    id_attribute: str = "href"
    id_pattern: str | None = None
    """Regex with one group that extracts the post id from the attribute's value."""
    id_template: str = "{id}"
    """How the extracted id becomes the parser's ``post_id``: ``{id}`` is the
    extracted value, ``{host}`` the page's ``location.host`` (with the port when it is
    not the default; e.g. ``"{host}:{id}"`` for Mastodon, whose status ids are only
    unique per instance)."""
    anchor_selector: str | None = None
    """Element inside the post after which the badge goes; the post itself when absent."""
    reply_box_selector: str | None = None
    author_selector: str | None = None


class ViewerHint(msgspec.Struct, kw_only=True):
    """How to read the user's own handle from the page, for when no API response says
    who the user is. The extension reads it once per page and sends it as a ``viewer``
    capture; the account with that handle (compared without regard to case) becomes
    one of the user's ``viewers`` as soon as a capture shows it."""

    selector: str
    """CSS selector of the element that shows the handle (the first match is read)."""
    attribute: str = "href"
    pattern: str | None = None
    """Regex whose first group is the handle within the attribute's value; the whole
    value when absent."""


class Platform(msgspec.Struct, kw_only=True):
    """Everything the extension needs to know about one site."""

    name: str
    """Short id used everywhere (``x``, ``mastodon`` …); the plugin's captures carry it."""
    label: str
    hosts: list[str]
    """Host names; ``*.example.com`` matches every subdomain."""
    api: list[ApiRule] = msgspec.field(default_factory=list)
    documents: list[DocumentRule] = msgspec.field(default_factory=list)
    actions: list[ActionRule] = msgspec.field(default_factory=list)
    dom_actions: list[DomActionRule] = msgspec.field(default_factory=list)
    locator: DomLocator | None = None
    viewer: ViewerHint | None = None
    any_host: bool = False
    """True when the site runs on many hosts (Mastodon instances): captures are
    then recognised by the API rules' URL patterns on any host."""
