"""Seenby's plugin SDK: everything a plugin author imports.

The row types, platform declarations and hook marker are here; helper modules are
imported by name: :mod:`seenby.parsing` (nested JSON, counts, dates), :mod:`seenby.html`
(server-rendered pages), :mod:`seenby.rows` (one capture's rows, each once) and
:mod:`seenby.testing` (captures and hook calls for tests).

>>> import seenby
>>> @seenby.hookimpl
... def seenby_platforms():
...     return [seenby.Platform(name="example", label="Example", hosts=["example.com"])]
"""

from __future__ import annotations

import pluggy

from seenby.context import Context, RefreshContext, TableSpec
from seenby.dashboard import Panel
from seenby.overlay import Annotation, Badge, Overlay, ReplyDraft, ReplySuggestion, Section
from seenby.platform import (
    ActionRule,
    ApiRule,
    DocumentRule,
    DomActionRule,
    DomLocator,
    Platform,
    ViewerHint,
)
from seenby.prefetch import RowsById
from seenby.types import (
    PLATFORMS,
    Account,
    Capture,
    Interaction,
    ParseResult,
    Post,
    PostMetrics,
    UnrecognizedPayload,
    Viewer,
)

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("seenby")
"""Decorate a plugin's hook functions with this."""

__all__ = [
    "PLATFORMS",
    "Account",
    "ActionRule",
    "Annotation",
    "ApiRule",
    "Badge",
    "Capture",
    "Context",
    "DocumentRule",
    "DomActionRule",
    "DomLocator",
    "Interaction",
    "Overlay",
    "Panel",
    "ParseResult",
    "Platform",
    "Post",
    "PostMetrics",
    "RefreshContext",
    "ReplyDraft",
    "ReplySuggestion",
    "RowsById",
    "Section",
    "TableSpec",
    "UnrecognizedPayload",
    "Viewer",
    "ViewerHint",
    "__version__",
    "hookimpl",
]
