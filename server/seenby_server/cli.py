"""The ``seenby`` command line.

Commands that read data go through the running server when there is one
(DuckDB lets a single process hold the file), and open the file themselves when
there is not. User mistakes end in a one-line error, never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
import msgspec

from seenby import __version__
from seenby_server.client import ApiFailure, ServerClient, ServerUnavailable
from seenby_server.config import (
    DEFAULT_HOST,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PORT,
    Paths,
    ServerSettings,
    default_data_dir,
    is_loopback,
    parse_deadline_from_env,
)
from seenby_server.output import print_rows, print_status
from seenby_server.security import TokenStore, issue_pairing_code
from seenby_server.store import StoreError

F = TypeVar("F", bound=Callable[..., Any])


def data_dir_option(fn: F) -> F:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where Seenby keeps its database and tokens [env: SEENBY_DATA_DIR; "
        "default: the user data directory].",
    )(fn)


def paths_for(data_dir: Path | None) -> Paths:
    return Paths((data_dir or default_data_dir()).expanduser())


def running_server(paths: Paths) -> ServerClient | None:
    try:
        return ServerClient.find(paths)
    except ServerUnavailable:
        return None


def api(client: ServerClient, method: str, path: str, body: Any = None) -> Any:
    try:
        return client.call(method, path, body)
    except ApiFailure as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seenby")
def cli() -> None:
    """Seenby: see who is really listening to you on social media.

    All data stays on this machine, in a DuckDB file under the data directory.
    """


@cli.command()
@data_dir_option
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    envvar="SEENBY_PORT",
    help="Port to listen on [env: SEENBY_PORT].",
)
@click.option("--allow-remote", is_flag=True, help="Allow binding a non-loopback address.")
@click.option(
    "--max-body-mb",
    type=click.FloatRange(0.001, 1024),
    default=DEFAULT_MAX_BODY_BYTES / 1048576,
    show_default=True,
    help="Largest request body accepted, in MiB.",
)
def serve(
    data_dir: Path | None, host: str, port: int, allow_remote: bool, max_body_mb: float
) -> None:
    """Run the local server the extension talks to."""
    if not is_loopback(host) and not allow_remote:
        raise click.UsageError(
            f"refusing to bind {host}: Seenby serves loopback only. "
            "Pass --allow-remote if you really mean to expose your data."
        )
    from seenby_server.server import serve as run_server

    settings = ServerSettings(
        paths=paths_for(data_dir),
        host=host,
        port=port,
        allow_remote=allow_remote,
        max_body_bytes=int(max_body_mb * 1048576),
        refresh_interval_s=float(os.environ.get("SEENBY_REFRESH_INTERVAL", "5")),
        parse_workers=int(os.environ.get("SEENBY_PARSE_WORKERS", "1")),
        parse_deadline_s=parse_deadline_from_env(),
        dashboard_budget_ms=int(os.environ.get("SEENBY_DASHBOARD_BUDGET_MS", "2000")),
    )
    if running_server(settings.paths):
        raise click.ClickException(
            f"a server is already running for {settings.paths.data_dir}; stop it first"
        )
    try:
        run_server(settings, announce=lambda line: click.echo(line, err=True))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


@cli.group(invoke_without_command=True)
@data_dir_option
@click.pass_context
def token(ctx: click.Context, data_dir: Path | None) -> None:
    """Print the token for scripts (or manage tokens: list, new, revoke)."""
    ctx.obj = paths_for(data_dir)
    if ctx.invoked_subcommand is None:
        from seenby_server.server import ensure_cli_token

        paths: Paths = ctx.obj
        paths.ensure()
        settings = ServerSettings(paths=paths)
        click.echo(ensure_cli_token(settings, TokenStore(paths.tokens)))


@token.command("list")
@click.pass_obj
def token_list(paths: Paths) -> None:
    """List tokens: paired extensions, the CLI's, scripts'."""
    records = TokenStore(paths.tokens).records()
    if not records:
        click.echo("no tokens yet")
    rows = [
        [
            r.id,
            r.kind,
            r.name,
            r.created_at.isoformat(timespec="seconds"),
            r.revoked_at.isoformat(timespec="seconds") if r.revoked_at else "",
        ]
        for r in records
    ]
    print_rows(["id", "kind", "name", "created", "revoked"], rows)


@token.command("new")
@click.argument("name")
@click.pass_obj
def token_new(paths: Paths, name: str) -> None:
    """Create a named token for a script and print it (shown once)."""
    paths.ensure()
    record, secret = TokenStore(paths.tokens).create(name, "script")
    click.echo(secret)
    click.echo(f"token id {record.id}; revoke with `seenby token revoke {record.id}`", err=True)


@token.command("revoke")
@click.argument("token_id")
@click.pass_obj
def token_revoke(paths: Paths, token_id: str) -> None:
    """Revoke a token by id (see `seenby token list`); it stops working at once."""
    record = TokenStore(paths.tokens).revoke(token_id)
    if record is None:
        raise click.ClickException(f"no active token with id {token_id!r}")
    click.echo(f"revoked {record.id} ({record.name})")


@cli.command()
@data_dir_option
def pair(data_dir: Path | None) -> None:
    """Print a one-time code (valid 5 minutes) to pair the browser extension."""
    paths = paths_for(data_dir)
    paths.ensure()
    code, expires_at = issue_pairing_code(paths.pairing)
    local = expires_at.astimezone().strftime("%H:%M:%S")
    click.echo(code)
    click.echo(f"Enter this code in the Seenby extension's popup (valid until {local}).", err=True)


@cli.command()
@data_dir_option
@click.option("--no-open", is_flag=True, help="Only print the link; do not open a browser.")
def dashboard(data_dir: Path | None, no_open: bool) -> None:
    """Print a login link to the local dashboard (valid 5 minutes, once) and open it."""
    client = running_server(paths_for(data_dir))
    if client is None:
        raise click.ClickException("no server is running: start it with `seenby serve`")
    url = api(client, "POST", "/api/v1/dashboard/link")["url"]
    click.echo(url)
    click.echo("The link works once, for 5 minutes.", err=True)
    if not no_open:
        import webbrowser

        webbrowser.open(url)


@cli.command()
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(data_dir: Path | None, as_json: bool) -> None:
    """Show what is stored, parse failures per platform and operation, plugin failures."""
    paths = paths_for(data_dir)
    client = running_server(paths)
    if client:
        report = api(client, "GET", "/api/v1/status")
        report["server"] = client.url
    else:
        from seenby_server.local import local_status

        report = local_status(paths)
        report["server"] = None
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        print_status(report)


@cli.command()
@data_dir_option
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True)
def sql(data_dir: Path | None, query: str, fmt: str, max_rows: int) -> None:
    """Run one read-only SQL query (e.g. "SELECT * FROM posts_latest LIMIT 5")."""
    paths = paths_for(data_dir)
    client = running_server(paths)
    if client:
        result = api(client, "POST", "/api/v1/sql", {"sql": query, "max_rows": max_rows})
    else:
        from seenby_server.local import local_sql

        result = local_sql(paths, query, max_rows)
    if fmt == "json":
        click.echo(json.dumps(result, default=str))
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(result["columns"])
        writer.writerows(result["rows"])
    else:
        print_rows(result["columns"], result["rows"])
        if result.get("truncated"):
            click.echo(f"(first {max_rows} rows; raise --max-rows for more)", err=True)


@cli.command()
@data_dir_option
def plugins(data_dir: Path | None) -> None:
    """List plugins, the hooks they implement, and their failures."""
    paths = paths_for(data_dir)
    client = running_server(paths)
    if client:
        report = api(client, "GET", "/api/v1/plugins")
    else:
        from seenby_server.plugins import load_plugins

        host = load_plugins()
        report = {
            "plugins": msgspec.to_builtins(host.describe_plugins()),
            "failures": msgspec.to_builtins(host.failures),
        }
    rows = [
        [
            p["name"],
            p["version"] or "",
            "built-in" if p["builtin"] else "third-party",
            ", ".join(h.removeprefix("seenby_") for h in p["hooks"]),
        ]
        for p in report["plugins"]
    ]
    print_rows(["plugin", "version", "source", "hooks"], rows)
    if report["failures"]:
        click.echo("\nfailures:")
        for f in report["failures"]:
            click.echo(f"  {f['plugin']} in {f['hook']} (x{f['count']}): {f['error']}")


@cli.command()
@data_dir_option
@click.option("--platform", help="Only captures of this platform.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Only captures taken since this date (UTC).",
)
@click.option("--batch", type=click.IntRange(1, 5000), default=500, show_default=True)
def reparse(
    data_dir: Path | None, platform: str | None, since: datetime | None, batch: int
) -> None:
    """Re-run the parsers over stored raw captures (after a plugin update)."""
    paths = paths_for(data_dir)
    since_text = since.isoformat() + "Z" if since else None
    client = running_server(paths)
    if client:

        def page(after: str | None) -> dict[str, Any]:
            body = {"platform": platform, "since": since_text, "after": after, "limit": batch}
            result: dict[str, Any] = api(client, "POST", "/api/v1/reparse", body)
            return result

        run_reparse(page)
    else:
        from seenby_server.local import local_service

        with local_service(paths, parse_workers=1) as service:

            def page(after: str | None) -> dict[str, Any]:
                since_dt = datetime.fromisoformat(since_text) if since_text else None
                result = asyncio.run(
                    service.reparse(platform=platform, since=since_dt, after=after, limit=batch)
                )
                return dict(msgspec.to_builtins(result))

            run_reparse(page)


def run_reparse(page: Callable[[str | None], dict[str, Any]]) -> None:
    totals: dict[str, int] = {}
    first = page(None)
    with click.progressbar(
        length=first["processed"] + first["remaining"], label="reparsing", file=sys.stderr
    ) as bar:
        result = first
        while True:
            bar.update(result["processed"])
            for key, value in result["statuses"].items():
                totals[key] = totals.get(key, 0) + value
            if not result["next_after"]:
                break
            result = page(result["next_after"])
    summary = ", ".join(f"{v} {k}" for k, v in sorted(totals.items())) or "nothing to reparse"
    click.echo(summary)


@cli.command()
@data_dir_option
def refresh(data_dir: Path | None) -> None:
    """Recompute the analysis plugins' derived tables now."""
    paths = paths_for(data_dir)
    client = running_server(paths)
    if client:
        report = api(client, "POST", "/api/v1/refresh")
    else:
        from seenby_server.local import local_service

        with local_service(paths) as service:
            report = msgspec.to_builtins(asyncio.run(service.refresh()))
    plugins = ", ".join(report["plugins"]) or "no plugin refreshes anything"
    click.echo(f"refreshed in {report['duration_ms']:.0f} ms: {plugins}")
    for failure in report["failures"]:
        click.echo(f"  failed: {failure}", err=True)
    if report["failures"]:
        sys.exit(1)


@cli.command()
def version() -> None:
    """Print Seenby's version."""
    click.echo(f"seenby {__version__}")


def main() -> None:
    from seenby_server.plugins import load_plugins

    try:
        load_plugins().manager.hook.seenby_register_commands(cli=cli)
    except Exception as exc:  # a broken plugin must not take the CLI down with it
        click.echo(f"warning: a plugin failed to register commands: {exc}", err=True)
    try:
        cli(standalone_mode=True)
    except StoreError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
