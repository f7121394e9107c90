"""Read-only SQL: through the API and from the CLI without a server."""

from __future__ import annotations

import pytest

from conftest import Server, capture, run_cli

REFUSED = {
    "INSERT INTO captures (id) VALUES ('x')": "INSERT statements are refused",
    "DELETE FROM posts": "DELETE statements are refused",
    "UPDATE posts SET text = 'x'": "UPDATE statements are refused",
    "DROP TABLE posts": "DROP statements are refused",
    "COPY posts TO '/tmp/leak.csv'": "COPY statements are refused",
    "ATTACH '/tmp/other.duckdb' AS other": "ATTACH statements are refused",
    "INSTALL httpfs": "LOAD statements are refused",
    "LOAD httpfs": "LOAD statements are refused",
    "SET enable_external_access = true": "SET statements are refused",
    "PRAGMA enable_profiling": "PRAGMA statements are refused",
    "CREATE TABLE t AS SELECT 1": "CREATE statements are refused",
    "SELECT 1; DELETE FROM posts": "one statement at a time",
    "SELECT * FROM read_csv('/etc/passwd')": "file and network access is disabled",
    "SELECT * FROM read_text('/etc/hostname')": "file and network access is disabled",
    "SELECT * FROM glob('/etc/*')": "file and network access is disabled",
    "SELECT * FROM query('DELETE FROM posts')": "Expected a single SELECT statement",
}


@pytest.mark.parametrize("sql", list(REFUSED))
def test_writes_and_file_access_are_refused_with_a_clear_message(server: Server, sql: str) -> None:
    response = server.request("POST", "/api/v1/sql", json={"sql": sql})
    assert response.status_code == 400, response.text
    assert REFUSED[sql] in response.json()["error"]


def test_read_queries_return_columns_and_rows(server: Server) -> None:
    server.post_captures(capture(body={"posts": [{"id": "p1", "author": "u", "likes": 3}]}))
    result = server.request(
        "POST",
        "/api/v1/sql",
        json={"sql": "SELECT post_id, likes FROM posts_latest WHERE likes > ?", "params": [1]},
    ).json()
    assert result["columns"] == ["post_id", "likes"]
    assert result["rows"] == [["p1", 3]]
    assert result["truncated"] is False
    many = server.request(
        "POST", "/api/v1/sql", json={"sql": "SELECT * FROM range(50)", "max_rows": 10}
    )
    assert len(many.json()["rows"]) == 10 and many.json()["truncated"] is True
    assert server.sql("SELECT count(*) FROM captures") == [[1]]


def test_syntax_errors_are_400_not_500(server: Server) -> None:
    response = server.request("POST", "/api/v1/sql", json={"sql": "SELEC nonsense"})
    assert response.status_code == 400
    assert "syntax error" in response.json()["error"].lower()
    missing = server.request("POST", "/api/v1/sql", json={"sql": "SELECT * FROM nope"})
    assert missing.status_code == 400
    assert "nope" in missing.json()["error"]


def test_cli_sql_goes_through_the_server_or_opens_the_file(make_server) -> None:
    server = make_server()
    server.post_captures(capture(body={"posts": [{"id": "p1", "author": "u"}]}))
    through_server = run_cli(server.data_dir, "sql", "SELECT post_id FROM posts", "--format", "csv")
    assert through_server.returncode == 0, through_server.stderr
    assert through_server.stdout.split() == ["post_id", "p1"]
    server.stop()
    local = run_cli(server.data_dir, "sql", "SELECT count(*) AS n FROM posts")
    assert local.returncode == 0, local.stderr
    assert "n" in local.stdout and "1" in local.stdout
    refused = run_cli(server.data_dir, "sql", "DELETE FROM posts")
    assert refused.returncode == 1
    assert "DELETE statements are refused" in refused.stderr
    assert "Traceback" not in refused.stderr
    leak = run_cli(server.data_dir, "sql", "SELECT * FROM read_csv('/etc/passwd')")
    assert leak.returncode == 1 and "file and network access is disabled" in leak.stderr
