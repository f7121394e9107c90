"""Documentation stays true to the code: every hook, table, column and route is documented."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from seenby import hookspecs
from seenby_server.schema import CORE_TABLES, CORE_VIEWS, MIGRATIONS

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("hook", hookspecs.HOOK_NAMES)
def test_every_hook_is_documented(hook: str) -> None:
    reference = (DOCS / "hooks.md").read_text()
    assert re.search(rf"^## {hook}\(", reference, re.MULTILINE), f"docs/hooks.md lacks ## {hook}("


def test_every_hook_has_a_docstring() -> None:
    for hook in hookspecs.HOOK_NAMES:
        assert (getattr(hookspecs, hook).__doc__ or "").strip(), hook


def schema_columns() -> dict[str, list[str]]:
    con = duckdb.connect()
    for sql in MIGRATIONS:
        con.execute(sql)
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns ORDER BY ordinal_position"
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


@pytest.mark.parametrize("table", [*CORE_TABLES, *CORE_VIEWS])
def test_every_table_and_column_is_documented(table: str) -> None:
    schema = (DOCS / "schema.md").read_text()
    match = re.search(rf"^## `{table}`.*?(?=^## |\Z)", schema, re.MULTILINE | re.DOTALL)
    assert match, f"docs/schema.md lacks a section ## `{table}`"
    section = match.group(0)
    for column in schema_columns()[table]:
        assert f"`{column}`" in section, f"docs/schema.md: {table}.{column} is not documented"


def test_every_api_route_is_documented() -> None:
    from seenby_server import app

    api = (DOCS / "api.md").read_text()
    routes = re.findall(r'@(get|post)\("(/api/[^"]+)"', Path(app.__file__).read_text())
    assert routes
    for method, path in routes:
        assert f"{method.upper()} {path}" in api, f"docs/api.md lacks {method.upper()} {path}"


def test_plugin_guide_example_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide's example plugin and its test run as printed."""
    guide = (DOCS / "plugins.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", guide, re.DOTALL)
    plugin = next(b for b in blocks if b.startswith("# my_site.py"))
    test = next(b for b in blocks if "def test_feed" in b)
    (tmp_path / "my_site.py").write_text(plugin)
    monkeypatch.syspath_prepend(str(tmp_path))
    namespace: dict[str, object] = {}
    exec(compile(test, "plugins.md", "exec"), namespace)
    namespace["test_feed"]()  # type: ignore[operator]
