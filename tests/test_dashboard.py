"""The dashboard's login and its security, against a real server process: one-time
login links, the session cookie, the headers, and the gate's Host and Origin checks."""

from __future__ import annotations

import os
import re
import select
from urllib.parse import parse_qs, urlsplit

import httpx

from conftest import Server, run_cli
from dashboard_pages import dashboard, login, login_link
from seenby_server.logins import MAX_PENDING, DashboardLogins

CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def assert_locked_down(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"


def assert_login_page(response: httpx.Response) -> None:
    """The 401 an unlogged browser gets: a page saying what to do, not a JSON error."""
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert "<code>seenby dashboard</code>" in response.text
    assert "set-cookie" not in response.headers
    assert_locked_down(response)


def test_a_login_link_opens_a_session_once(server: Server) -> None:
    link = login_link(server)
    assert link.startswith(f"http://127.0.0.1:{server.port}/dashboard/login?code=")
    code = parse_qs(urlsplit(link).query)["code"][0]
    assert len(code) >= 22  # at least 128 random bits, URL-safe base64

    redirect = httpx.get(link, follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/dashboard"  # the code leaves the address bar
    assert_locked_down(redirect)
    cookie = redirect.headers["set-cookie"]
    name, value = cookie.split(";")[0].split("=", 1)
    assert name == f"seenby_session_{server.port}" and len(value) >= 43
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/dashboard", "max-age=43200"} <= attributes

    page = dashboard(server, redirect.cookies)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h2>Your data</h2>" in page.text
    assert_locked_down(page)

    again = httpx.get(link, follow_redirects=False)  # a link works once
    assert_login_page(again)
    assert "already used" in again.text


def test_the_page_needs_a_valid_session(server: Server) -> None:
    assert_login_page(dashboard(server))
    forged = httpx.Cookies({f"seenby_session_{server.port}": "made-up"})
    assert_login_page(dashboard(server, forged))
    # The API's bearer token is not a session either.
    assert_login_page(
        httpx.get(f"{server.url}/dashboard", headers={"Authorization": f"Bearer {server.token}"})
    )
    for code in ("", "nope", "A" * 43):
        assert_login_page(httpx.get(f"{server.url}/dashboard/login", params={"code": code}))


def test_login_codes_expire_and_sessions_too() -> None:
    """The TTLs, on a clock the test moves (the server uses the monotonic clock)."""
    now = [1000.0]
    logins = DashboardLogins(clock=lambda: now[0])
    late = logins.issue_code()
    now[0] += 5 * 60 + 1
    assert logins.redeem(late) is None
    code = logins.issue_code()
    now[0] += 5 * 60 - 1
    session = logins.redeem(code)
    assert session is not None and logins.session_valid(session)
    assert logins.redeem(code) is None
    now[0] += 12 * 3600 - 1
    assert logins.session_valid(session)
    now[0] += 2
    assert not logins.session_valid(session)
    assert not logins.session_valid(None) and not logins.session_valid("")
    # A script asking for links in a loop keeps only the newest ones.
    codes = [logins.issue_code() for _ in range(MAX_PENDING + 1)]
    assert logins.redeem(codes[0]) is None
    assert logins.redeem(codes[-1]) is not None


def test_the_session_cookie_opens_no_api_route(server: Server) -> None:
    cookies = login(server)
    # Sent on purpose (a browser keeps it to /dashboard): the API takes bearer tokens only.
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    for method, path in (("GET", "/api/v1/status"), ("POST", "/api/v1/dashboard/link")):
        response = server.request(method, path, token="", headers=header)
        assert response.status_code == 401, path
        assert "missing bearer token" in response.json()["error"]


def test_dashboard_paths_check_host_and_origin(server: Server) -> None:
    cookies = login(server)
    link = login_link(server)
    path = link.removeprefix(server.url)
    for host in ("evil.example", f"evil.example:{server.port}", "localhost"):
        for target in ("/dashboard", path):
            refused = httpx.get(
                server.url + target, headers={"Host": host}, cookies=cookies, follow_redirects=False
            )
            assert refused.status_code == 403, (host, target)
            assert "host not allowed" in refused.json()["error"]
    # A cross-origin request, or a POST, cannot log in; the code stays unused.
    evil = {"Origin": "https://evil.example"}
    for method in ("GET", "POST"):
        refused = httpx.request(method, link, headers=evil, follow_redirects=False)
        assert refused.status_code == 403, method
        assert "set-cookie" not in refused.headers
    posted = httpx.post(link, follow_redirects=False)
    assert posted.status_code == 405
    assert "set-cookie" not in posted.headers
    assert httpx.get(f"{server.url}/dashboard", headers=evil, cookies=cookies).status_code == 403
    # Through localhost, the other loopback name, the same link still logs in.
    via_localhost = f"http://localhost:{server.port}{path}"
    assert httpx.get(via_localhost, follow_redirects=False).status_code == 303


def test_serve_prints_a_login_link_and_the_cli_prints_more(server: Server) -> None:
    output = server.process.stdout if server.process else None
    assert output is not None
    printed_so_far = b""  # read from the descriptor: a readline would block on a silent server
    while b"the link works once" not in printed_so_far:
        assert select.select([output], [], [], 10)[0], f"no login link in {printed_so_far!r}"
        printed_so_far += os.read(output.fileno(), 65536)
    [printed] = re.findall(r"Dashboard: (\S+)", printed_so_far.decode())
    assert printed.startswith(f"http://127.0.0.1:{server.port}/dashboard/login?code=")
    assert httpx.get(printed, follow_redirects=False).status_code == 303

    result = run_cli(server.data_dir, "dashboard", "--no-open")
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith(f"http://127.0.0.1:{server.port}/dashboard/login?code=")
    assert "works once, for 5 minutes" in result.stderr
    with httpx.Client(follow_redirects=True) as browser:
        page = browser.get(url)
        assert page.status_code == 200
        assert page.url == f"{server.url}/dashboard"
        assert "<h2>Your data</h2>" in page.text


def test_cli_dashboard_without_a_server_says_so(data_dir) -> None:
    result = run_cli(data_dir, "dashboard", "--no-open")
    assert result.returncode == 1
    assert "no server is running: start it with `seenby serve`" in result.stderr
