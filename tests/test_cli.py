"""The command line: every command has help, honours --data-dir, and fails cleanly."""

from __future__ import annotations

import subprocess

import pytest

from conftest import SEENBY, Server, capture, cli_env, run_cli

COMMANDS = ["serve", "token", "pair", "status", "sql", "plugins", "reparse", "version"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(data_dir, command: str) -> None:
    result = run_cli(data_dir, command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: " in result.stdout
    if command not in ("version",):
        assert "--data-dir" in result.stdout


def test_version(data_dir) -> None:
    assert run_cli(data_dir, "version").stdout.strip() == "seenby 0.1.0"


def test_data_dir_option_and_environment_are_honoured(tmp_path) -> None:
    by_option = tmp_path / "opt"
    by_env = tmp_path / "env"
    result = run_cli(by_env, "pair", "--data-dir", str(by_option))
    assert result.returncode == 0
    assert (by_option / "pairing.json").exists() and not (by_env / "pairing.json").exists()
    run_cli(by_env, "pair")
    assert (by_env / "pairing.json").exists()


def test_user_mistakes_give_one_line_errors_not_tracebacks(data_dir) -> None:
    for args in (
        ["sql", "SELECT 1"],
        ["token", "revoke", "nope"],
        ["reparse"],
        ["serve", "--port", "99999"],
        ["status", "--bogus"],
    ):
        result = run_cli(data_dir, *args)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert "Error" in result.stderr, (args, result.stderr)


def test_serve_refuses_a_busy_database(server: Server) -> None:
    result = run_cli(server.data_dir, "serve", "--port", str(server.port + 1))
    assert result.returncode == 1
    assert "already running" in result.stderr


def test_status_shows_counts_and_parse_failures(make_server) -> None:
    server: Server = make_server()
    server.post_captures(
        capture(body={"posts": [{"id": "p1", "author": "u"}]}), capture(body={"explode": True})
    )
    live = run_cli(server.data_dir, "status")
    assert live.returncode == 0, live.stderr
    assert f"server:    {server.url}" in live.stdout
    assert "2 captures" in live.stdout and "1 posts" in live.stdout
    assert "example   Feed" in live.stdout
    assert "parser bug triggered on purpose" in live.stdout
    server.stop()
    offline = run_cli(server.data_dir, "status")
    assert "server:    not running" in offline.stdout
    assert "2 captures" in offline.stdout


def test_reparse_recovers_captures_after_a_plugin_fix(make_server, tmp_path) -> None:
    """A capture no plugin could read is parsed once a plugin for it is installed."""
    server: Server = make_server(plugins="")
    # Large enough to be stored compressed: reparse reads it back from body_zstd.
    body = {"posts": [{"id": "p1", "author": "u1", "likes": 4, "text": "long " * 1000}]}
    server.post_captures(
        capture(body=body, platform="example"), capture(body=body, platform="example")
    )
    assert server.sql("SELECT DISTINCT parse_status FROM captures") == [["unhandled"]]
    through_server = subprocess.run(
        [*SEENBY, "reparse", "--platform", "example", "--batch", "1"],
        env=cli_env(server.data_dir, SEENBY_PLUGINS=""),
        capture_output=True,
        text=True,
    )
    assert through_server.returncode == 0, through_server.stderr
    assert "2 unhandled" in through_server.stdout
    server.stop()
    offline = run_cli(server.data_dir, "reparse", "--batch", "1")
    assert offline.returncode == 0, offline.stderr
    assert "2 parsed" in offline.stdout
    again = run_cli(server.data_dir, "reparse")
    assert "2 parsed" in again.stdout
    restarted = make_server(port=server.port)
    assert restarted.sql("SELECT post_id, likes FROM posts_latest") == [["p1", 4]]
    assert restarted.sql("SELECT count(*) FROM post_metrics") == [[2]]
