"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

MAX_CELL = 60


def _cell(value: Any) -> str:
    text = "NULL" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=False)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)).rstrip())
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def print_status(report: dict[str, Any]) -> None:
    server = report.get("server")
    click.echo(f"server:    {server or 'not running'}")
    click.echo(f"database:  {report.get('database')}")
    click.echo(f"platforms: {', '.join(report.get('platforms') or []) or 'none'}")
    counts = report.get("counts") or {}
    if counts:
        click.echo("stored:    " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    if report.get("last_capture_at"):
        click.echo(f"last capture: {report['last_capture_at']}")
    workers = report.get("parse_workers")
    if workers:
        click.echo(
            f"parse workers: {workers['running']} running, {workers['restarts']} restarted, "
            f"{workers['idle_stops']} stopped while idle; "
            f"{workers['parsed_in_server']} requests parsed in the server"
        )
    parsing = report.get("parsing") or []
    if parsing:
        click.echo("\nparsing by platform and operation:")
        print_rows(
            ["platform", "operation", "status", "count", "example error"],
            [
                [p["platform"], p["operation"], p["status"], p["count"], p["example_error"] or ""]
                for p in parsing
            ],
        )
    failures = report.get("plugin_failures") or []
    if failures:
        click.echo("\nplugin failures:")
        for f in failures:
            click.echo(f"  {f['plugin']} in {f['hook']} (x{f['count']}): {f['error']}")
