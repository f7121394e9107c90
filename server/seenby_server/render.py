"""The dashboard's HTML, built on the server: no script, one inline stylesheet.

Everything that comes from the data or a plugin — post texts, account names, panel
titles, error messages — is hostile and goes through :func:`escape` (``html.escape``
with quotes); markup is only ever this module's own literals.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any

from seenby_server.charts import bar_chart, label, line_chart, short
from seenby_server.panels import DashboardData, Overview, ShownPanel
from seenby_server.plugins import PluginFailure

MAX_CELL = 280
COUNTS = ("posts", "accounts", "captures", "impressions", "interactions")
PROBLEMS = ("error", "unrecognized", "partial")

STYLE = """
:root { color-scheme: light dark; --bg: #f6f8fa; --card: #ffffff; --fg: #1f2328;
  --muted: #59636e; --line: #d1d9e0; --accent: #2563eb; --good: #1a7f37; --bad: #cf222e;
  --stripe: #f6f8fa; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --card: #151b23; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d;
    --accent: #4493f8; --good: #3fb950; --bad: #f85149; --stripe: #1a212a; } }
body { margin: 0; background: var(--bg); color: var(--fg); }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0; }
h2 { font-size: 17px; margin: 0 0 4px; }
.sub, .from, .note, footer { color: var(--muted); }
.sub { margin: 4px 0 0; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 18px; margin: 18px 0; overflow-x: auto; }
.from { font-size: 12px; margin: 0 0 8px; }
.description { margin: 0 0 12px; max-width: 75ch; }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr));
  gap: 12px; margin: 8px 0 16px; }
.total { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.total b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
.total span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--stripe); }
.bad { color: var(--bad); font-weight: 600; }
.good { color: var(--good); font-weight: 600; }
details { margin-top: 10px; }
summary { cursor: pointer; color: var(--muted); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
.chart { width: 100%; height: auto; max-width: 760px; display: block; }
.chart text { font-size: 12px; fill: var(--fg); }
.chart .axis { fill: var(--muted); }
.chart .bar, .chart .dot { fill: var(--accent); }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .grid { stroke: var(--line); }
footer { padding-bottom: 32px; font-size: 12px; }
.message { max-width: 560px; margin: 12vh auto; }
"""


def document(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def is_numeric(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def cell(value: Any, numeric: bool) -> str:
    if isinstance(value, bool):
        text = "yes" if value else "no"
    else:
        text = escape(short(label(value), MAX_CELL))
    return f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>"


def table(columns: list[str], rows: list[Any]) -> str:
    """A table; columns of numbers only are aligned right, heading included."""
    numeric = [
        any(is_numeric(row[i]) for row in rows)
        and all(is_numeric(row[i]) or row[i] is None for row in rows)
        for i in range(len(columns))
    ]
    head = "".join(
        f'<th class="num">{escape(c)}</th>' if n else f"<th>{escape(c)}</th>"
        for c, n in zip(columns, numeric, strict=True)
    )
    body = "".join(
        "<tr>" + "".join(cell(v, n) for v, n in zip(row, numeric, strict=True)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def ago(when: datetime | str | None, now: datetime) -> str:
    if when is None:
        return "never"
    then = datetime.fromisoformat(when) if isinstance(when, str) else when
    seconds = max(0.0, (now - then).total_seconds())
    if seconds < 60:
        relative = "just now"
    elif seconds < 3600:
        relative = f"{seconds / 60:.0f} min ago"
    elif seconds < 86400:
        relative = f"{seconds / 3600:.0f} h ago"
    else:
        relative = f"{seconds / 86400:.0f} days ago"
    return f"{relative} ({label(then)})"


def overview_section(overview: Overview, now: datetime) -> str:
    totals = {name: sum(int(p[name]) for p in overview.platforms) for name in COUNTS}
    cards = "".join(
        f'<div class="total"><b>{v:,}</b><span>{escape(k)}</span></div>' for k, v in totals.items()
    )
    rows = [
        [
            p["platform"],
            p["you"] or "not known yet",
            *(p[name] for name in COUNTS),
            p["last_capture_at"],
        ]
        for p in overview.platforms
    ]
    listing = (
        table(["platform", "you", *COUNTS, "last capture"], rows)
        if rows
        else '<p class="note">Nothing captured yet: pair the extension and browse a little.</p>'
    )
    return (
        '<section id="overview"><h2>Your data</h2>'
        f'<p class="from">Last capture {escape(ago(overview.last_capture_at, now))}</p>'
        f'<div class="totals">{cards}</div>{listing}</section>'
    )


def parsing_section(overview: Overview) -> str:
    captures = sum(r["count"] for r in overview.parsing)
    problems = overview.parse_problems
    columns = ["platform", "operation", "status", "captures", "example error"]
    rows = [
        [r["platform"], r["operation"], r["status"], r["count"], r["example_error"]]
        for r in overview.parsing
    ]
    if problems:
        content = (
            f'<p class="bad">{problems:,} of {captures:,} captures could not be fully read '
            '(error, unrecognized or partial).</p><p class="note">Their raw data is kept: '
            "<code>seenby reparse</code> reads them again after a plugin update.</p>"
            + table(columns, [r for r in rows if r[2] in PROBLEMS])
        )
    else:
        content = f'<p class="good">All {captures:,} captures were read.</p>'
    if rows:
        content += (
            f"<details><summary>Every outcome, by platform and operation ({len(rows)})"
            f"</summary>{table(columns, rows)}</details>"
        )
    return f'<section id="parsing"><h2>Parsing</h2>{content}</section>'


def failures_section(failures: list[PluginFailure]) -> str:
    if not failures:
        content = '<p class="good">No plugin has failed since the server started.</p>'
    else:
        rows = [[f.plugin, f.hook, f.error, f.at, f.count] for f in failures]
        hooks = "1 plugin hook has" if len(failures) == 1 else f"{len(failures)} plugin hooks have"
        content = (
            f'<p class="bad">{hooks} failed. The other plugins carried on; '
            "<code>seenby plugins</code> lists the same.</p>"
            + table(["plugin", "hook", "error", "last time", "times"], rows)
        )
    return f'<section id="failures"><h2>Plugin failures</h2>{content}</section>'


def panel_section(panel: ShownPanel) -> str:
    parts = [
        f'<section class="panel"><h2>{escape(panel.title)}</h2>'
        f'<p class="from">from the plugin {escape(panel.plugin)}</p>'
    ]
    if panel.description:
        parts.append(f'<p class="description">{escape(panel.description)}</p>')
    if not panel.rows:
        parts.append('<p class="note">Nothing to show yet.</p></section>')
        return "".join(parts)
    data = table(panel.columns, panel.rows)
    if panel.kind == "table":
        parts.append(data)
    else:
        assert panel.x is not None and panel.y is not None  # checked by check_panel
        points = [
            (row[panel.x], float(row[panel.y])) for row in panel.rows if row[panel.y] is not None
        ]
        draw = bar_chart if panel.kind == "bar" else line_chart
        parts.append(draw(panel.title, points))
        parts.append(f"<details><summary>Data</summary>{data}</details>")
    if panel.total_rows > len(panel.rows):
        parts.append(
            f'<p class="note">The first {len(panel.rows):,} of {panel.total_rows:,} rows.</p>'
        )
    parts.append("</section>")
    return "".join(parts)


def dashboard_page(data: DashboardData, database: str) -> str:
    now = data.generated_at
    body = (
        "<header><h1>Seenby</h1>"
        f'<p class="sub">Your local dashboard · {escape(database)} · '
        f"as of {escape(label(now))}</p></header><main>"
        + overview_section(data.overview, now)
        + parsing_section(data.overview)
        + failures_section(data.failures)
        + "".join(panel_section(p) for p in data.panels)
        + "</main><footer>Served by <code>seenby serve</code> on this computer; nothing on "
        "this page left it. Reload for fresh numbers.</footer>"
    )
    return document("Seenby dashboard", body)


def message_page(title: str, text: str) -> str:
    """A page that explains why the dashboard is not shown, and what to do."""
    body = (
        f'<main class="message"><section><h1>{escape(title)}</h1>'
        f"<p>{escape(text)}</p><p>Run <code>seenby dashboard</code> in a terminal on this "
        "computer: it prints a new login link and opens it. Or press <b>Open the "
        "dashboard</b> in the Seenby extension's popup.</p></section></main>"
    )
    return document(f"Seenby: {title}", body)
