"""The extension's built-in host permissions match what the built-in plugins declare.

The manifest needs its hosts at build time, while the plugins declare them in
Python; this test fails when the two drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path

from seenby_server.plugins import load_plugins

HOSTS_JSON = Path(__file__).resolve().parent.parent / "extension" / "hosts.json"


def match_pattern(host: str) -> str:
    return f"https://{host}/*"


def test_manifest_hosts_equal_the_built_in_platforms_hosts(monkeypatch) -> None:
    monkeypatch.delenv("SEENBY_PLUGINS", raising=False)
    built_in = load_plugins().platforms
    assert {p.name for p in built_in} >= {
        "x",
        "mastodon",
        "bluesky",
        "reddit",
        "hackernews",
        "linkedin",
        "facebook",
    }
    declared = {match_pattern(host) for platform in built_in for host in platform.hosts}
    assert set(json.loads(HOSTS_JSON.read_text())) == declared
