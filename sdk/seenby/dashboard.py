"""What ``seenby_dashboard_panels`` returns: tables and charts for the local dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import msgspec

if TYPE_CHECKING:
    import polars as pl

PanelKind = Literal["table", "bar", "line"]


class Panel(msgspec.Struct, kw_only=True):
    """One block of the dashboard: a table, a bar chart or a line chart.

    Give the data either as a polars frame (``frame``) or as ``columns`` and ``rows``
    (one list of values per row, in column order). A chart plots column ``y`` (numbers)
    against column ``x``: bars are labelled with ``x``, in row order; a line joins the
    points in row order, so sort the rows by ``x``. The page shows the first 50 rows of a
    table, 30 bars, 500 points of a line.

    The server renders everything as text, escaped: values need no formatting of yours
    beyond what ``str()`` gives (round floats first).
    """

    title: str
    kind: PanelKind = "table"
    description: str | None = None
    """A sentence or two under the title: what the numbers are and where they come from."""
    frame: pl.DataFrame | None = None
    columns: list[str] = msgspec.field(default_factory=list)
    rows: list[list[Any]] = msgspec.field(default_factory=list)
    x: str | None = None
    """The column of a chart's labels (bars) or horizontal axis (line)."""
    y: str | None = None
    """The column of a chart's values."""
