"""Every security rule, against a real server process."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta

import httpx

from conftest import Server, capture, run_cli

EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
FIREFOX = "moz-extension://0d9c5b1e-4a7f-4c1e-9e0b-2f3a4b5c6d7e"


def test_foreign_host_header_is_refused(server: Server) -> None:
    for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1:1", "localhost"):
        response = server.request("GET", "/api/v1/status", headers={"Host": host})
        assert response.status_code == 403, host
        assert "host" in response.json()["error"]
    for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}"):
        assert server.request("GET", "/api/v1/status", headers={"Host": host}).status_code == 200


def test_web_origin_is_refused_even_with_a_valid_token(server: Server) -> None:
    for origin in (
        "https://evil.example",
        "null",
        "http://127.0.0.1:1",
        "chrome-extension://short",
    ):
        response = server.post_captures(capture(), headers={"Origin": origin})
        assert response.status_code == 403, origin
        assert "origin" in response.json()["error"]
    assert server.sql("SELECT count(*) FROM captures") == [[0]]


def test_extension_and_own_origins_are_allowed(server: Server) -> None:
    for origin in (EXTENSION, FIREFOX, f"http://127.0.0.1:{server.port}"):
        response = server.request("GET", "/api/v1/rules", headers={"Origin": origin})
        assert response.status_code == 200, origin


def test_cors_answers_only_extension_origins(server: Server) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    ok = server.request(
        "OPTIONS", "/api/v1/captures", token="", headers={"Origin": EXTENSION, **preflight}
    )
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == EXTENSION
    assert "authorization" in ok.headers["access-control-allow-headers"]
    evil = server.request(
        "OPTIONS",
        "/api/v1/captures",
        token="",
        headers={"Origin": "https://evil.example", **preflight},
    )
    assert evil.status_code == 403
    assert "access-control-allow-origin" not in evil.headers
    get = server.request("GET", "/api/v1/rules", headers={"Origin": EXTENSION})
    assert get.headers["access-control-allow-origin"] == EXTENSION
    plain = server.request("GET", "/api/v1/rules")
    assert "access-control-allow-origin" not in plain.headers


def test_missing_and_invalid_tokens_are_refused(server: Server) -> None:
    missing = server.request("GET", "/api/v1/status", token="")
    assert missing.status_code == 401
    assert "missing bearer token" in missing.json()["error"]
    wrong = server.request("GET", "/api/v1/status", token="sby_not-a-real-token")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid token"
    basic = server.request(
        "GET", "/api/v1/status", token="", headers={"Authorization": "Basic eDp5"}
    )
    assert basic.status_code == 401
    posts = ("captures", "sql", "overlays", "reparse", "dashboard/link")
    for path in (f"/api/v1/{name}" for name in posts):
        assert server.request("POST", path, token="", json={}).status_code == 401, path


def pair(server: Server, code: str) -> httpx.Response:
    return server.request(
        "POST", "/api/v1/pair", token="", json={"code": code, "name": "test browser"}
    )


def test_pairing_exchanges_a_one_time_code_for_a_working_revocable_token(server: Server) -> None:
    result = run_cli(server.data_dir, "pair")
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip()
    assert len(code) == 9 and code[4] == "-"
    response = pair(server, code.lower())
    assert response.status_code == 200, response.text
    token, token_id = response.json()["token"], response.json()["token_id"]
    assert server.request("GET", "/api/v1/status", token=token).status_code == 200
    again = pair(server, code)
    assert again.status_code == 400
    assert "no pairing code is pending" in again.json()["error"]
    listed = run_cli(server.data_dir, "token", "list").stdout
    assert token_id in listed and "test browser" in listed
    revoke = run_cli(server.data_dir, "token", "revoke", token_id)
    assert revoke.returncode == 0, revoke.stderr
    refused = server.request("GET", "/api/v1/status", token=token)
    assert refused.status_code == 401
    assert refused.json()["error"] == "token revoked"


def test_expired_pairing_code_is_refused(server: Server) -> None:
    code = run_cli(server.data_dir, "pair").stdout.strip()
    pending = server.data_dir / "pairing.json"
    record = json.loads(pending.read_text())
    record["expires_at"] = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    pending.write_text(json.dumps(record))
    response = pair(server, code)
    assert response.status_code == 400
    assert "expired" in response.json()["error"]


def test_pairing_attempts_are_rate_limited(server: Server) -> None:
    code = run_cli(server.data_dir, "pair").stdout.strip()
    statuses = [pair(server, "WRNG-CODE").status_code for _ in range(5)]
    assert statuses == [400] * 5
    limited = pair(server, code)
    assert limited.status_code == 429
    assert "too many pairing attempts" in limited.json()["error"]
    assert int(limited.headers["retry-after"]) > 0


def test_token_files_are_private(server: Server) -> None:
    run_cli(server.data_dir, "pair")
    for name in ("tokens.json", "cli-token", "pairing.json"):
        mode = stat.S_IMODE(os.stat(server.data_dir / name).st_mode)
        assert mode == 0o600, (name, oct(mode))
    assert "sby_" not in (server.data_dir / "tokens.json").read_text()


def test_script_token_printed_by_cli_works(server: Server) -> None:
    token = run_cli(server.data_dir, "token").stdout.strip()
    assert server.request("GET", "/api/v1/status", token=token).status_code == 200
    named = run_cli(server.data_dir, "token", "new", "notebook").stdout.strip()
    assert server.request("GET", "/api/v1/status", token=named).status_code == 200


def test_refuses_non_loopback_bind_without_allow_remote(data_dir) -> None:
    result = run_cli(data_dir, "serve", "--host", "0.0.0.0", "--port", "7")
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_server_announces_an_address_a_browser_can_open() -> None:
    from seenby_server.config import server_url

    assert server_url("127.0.0.1", 7717) == "http://127.0.0.1:7717"
    assert server_url("::1", 7717) == "http://[::1]:7717"  # IPv6 needs brackets in a URL
    assert server_url("0.0.0.0", 7717) == "http://127.0.0.1:7717"
    assert server_url("::", 7717) == "http://127.0.0.1:7717"
