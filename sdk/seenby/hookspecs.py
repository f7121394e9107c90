"""The hooks a Seenby plugin can implement.

A plugin is a module (or object) with functions decorated by
:data:`seenby.hookimpl` and named after these specifications. Implement only the
hooks you need; argument names must match, but you may take fewer arguments.
Every hook here is documented in ``docs/hooks.md``; a test fails if one is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click
    import polars as pl

    from seenby.context import Context, RefreshContext, TableSpec
    from seenby.dashboard import Panel
    from seenby.overlay import Annotation, ReplySuggestion
    from seenby.platform import Platform
    from seenby.types import Capture, ParseResult

hookspec = pluggy.HookspecMarker("seenby")


@hookspec
def seenby_platforms() -> list[Platform] | None:
    """Declare the sites this plugin teaches Seenby.

    Called once at start. Return a list of :class:`seenby.Platform`: hosts, the
    API responses and pages to capture, the user's actions to record, and where
    posts are in the page. The server serves them to the extension at
    ``GET /api/v1/rules``.
    """


@hookspec
def seenby_parse(capture: Capture) -> ParseResult | None:
    """Turn one raw capture into normalized rows.

    Called for every stored capture, on arrival and by ``seenby reparse``.
    Return ``None`` when the capture is not for your platform (check
    ``capture.platform``). Raise :class:`seenby.UnrecognizedPayload` when it is
    yours but the shape is unknown; any other exception is recorded as a parse
    error. Either way the raw capture is kept. Must be deterministic: parsing
    the same capture twice must give the same rows. Runs in a parse worker
    process: depend on nothing but the capture.
    """


@hookspec
def seenby_tables() -> list[TableSpec] | None:
    """Declare the derived tables this plugin owns.

    Called once at start. Each :class:`seenby.TableSpec` names a table (prefix
    it with your plugin's name) and lists its migrations, applied in order and
    recorded so each runs exactly once per database.
    """


@hookspec
def seenby_refresh(ctx: RefreshContext) -> None:
    """Recompute this plugin's derived tables from the data, in the background.

    Called when the server starts, and again after new captures arrive (at most
    every few seconds; ``seenby refresh`` forces one). Read with ``ctx.query``,
    compute with polars, and write with ``ctx.replace_table`` or ``ctx.upsert``
    into tables your plugin declared in ``seenby_tables``. Heavy work belongs here,
    so that ``seenby_annotate`` only joins. A plugin that raises is recorded as a
    failure and the others still refresh.
    """


@hookspec
def seenby_prefetch(ctx: Context, platform: str, post_ids: list[str]) -> object:
    """Start this plugin's reads for an overlay request while the server looks the
    posts up.

    Called at the start of each overlay request, beside the server's own lookup of
    the posts, with the ids as the page asked for them (an id may be an alias of
    the stored post). What it returns reaches this plugin's ``seenby_annotate`` and
    ``seenby_suggest_replies`` as their ``prefetched`` argument. Use it for reads
    keyed by post id (:class:`seenby.RowsById`): at a million posts each costs a few
    milliseconds, which then overlap the server's. It counts against the request's
    time budget; if it raises, the failure is recorded and ``prefetched`` is None.
    """


@hookspec
def seenby_annotate(
    ctx: Context, posts: pl.DataFrame, prefetched: object
) -> list[Annotation] | None:
    """Contribute overlay items for the posts the user is looking at.

    Called per overlay request with a polars frame of ``posts_latest`` rows for
    one platform. Return :class:`seenby.Annotation` objects (badges and panel
    sections keyed by ``post_id``). Keep it to joins and arithmetic: it runs
    within a time budget, and a plugin that raises or overruns is skipped for
    that request while the others' overlays still arrive. ``prefetched`` is what
    this plugin's ``seenby_prefetch`` returned for the request (None without one).
    """


@hookspec
def seenby_suggest_replies(
    ctx: Context, posts: pl.DataFrame, prefetched: object
) -> list[ReplySuggestion] | None:
    """Rank the posts in view as reply opportunities and draft replies for them.

    Called per overlay request, like ``seenby_annotate`` and with the same time
    budget and isolation, with the same frame of ``posts_latest`` rows and the same
    ``prefetched``. Return :class:`seenby.ReplySuggestion` objects (a score, the
    reasons, and drafts each with its own reason). The server merges every
    plugin's suggestions per post, keeps the best 3 posts of the request and shows
    their drafts.
    """


@hookspec
def seenby_dashboard_panels(ctx: Context) -> list[Panel] | None:
    """Contribute tables and charts to the local dashboard (``seenby dashboard``).

    Called each time the dashboard page loads, with the same read-only ``ctx`` as
    ``seenby_annotate``. Return :class:`seenby.Panel` objects: a title, an optional
    description, the data (a polars frame, or columns and rows) and a kind, ``table``,
    ``bar`` or ``line`` (charts name their ``x`` and ``y`` columns). Read your own
    derived tables rather than recomputing: every plugin runs side by side within a
    time budget, and one that raises, overruns or returns something else is left out
    of the page, which shows the failure (so does ``seenby plugins``).
    """


@hookspec
def seenby_register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``seenby`` command line.

    Called when the CLI starts, with its root :class:`click.Group`. Use
    ``@cli.command()`` to attach commands.
    """


HOOK_NAMES: tuple[str, ...] = tuple(
    name
    for name, value in dict(globals()).items()
    if name.startswith("seenby_") and callable(value)
)
