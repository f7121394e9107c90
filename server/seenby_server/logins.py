"""Logins to the dashboard: one-time login codes and the sessions they open.

Like Jupyter's login link: whoever holds a bearer token (the CLI, the paired
extension) asks for a code, and the browser that opens the link gets a session
cookie. Both secrets live only in this process's memory, as SHA-256 hashes: a
restart logs everyone out, and nothing on disk can be stolen to log in.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable

CODE_TTL_S = 5 * 60.0
SESSION_TTL_S = 12 * 3600.0
MAX_PENDING = 64
"""Codes and sessions kept at most (the oldest are dropped): only token holders can make
them, but a script asking in a loop must not grow the server's memory."""


def _hash(secret: str) -> str:
    # Secrets are looked up by their hash: a lookup's timing tells nothing of the secret.
    return hashlib.sha256(secret.encode()).hexdigest()


class _Expiring:
    """Hashes of secrets with their expiry (monotonic seconds), oldest first."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._expiry: dict[str, float] = {}

    def add(self, secret: str, now: float) -> None:
        self.prune(now)
        while len(self._expiry) >= MAX_PENDING:
            del self._expiry[next(iter(self._expiry))]
        self._expiry[_hash(secret)] = now + self.ttl_s

    def valid(self, secret: str, now: float, *, consume: bool = False) -> bool:
        self.prune(now)
        key = _hash(secret)
        if key not in self._expiry:
            return False
        if consume:
            del self._expiry[key]
        return True

    def prune(self, now: float) -> None:
        for key in [k for k, expiry in self._expiry.items() if expiry <= now]:
            del self._expiry[key]


class DashboardLogins:
    """One-time login codes (5 minutes) and the sessions they open (12 hours)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._codes = _Expiring(CODE_TTL_S)
        self._sessions = _Expiring(SESSION_TTL_S)
        self._lock = threading.Lock()

    def issue_code(self) -> str:
        """A new login code: 192 random bits, valid once, for five minutes."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes.add(code, self._clock())
        return code

    def redeem(self, code: str) -> str | None:
        """The secret of a new session if ``code`` is pending (it is used up), else None."""
        with self._lock:
            now = self._clock()
            if not code or not self._codes.valid(code, now, consume=True):
                return None
            session = secrets.token_urlsafe(32)
            self._sessions.add(session, now)
            return session

    def session_valid(self, session: str | None) -> bool:
        if not session:
            return False
        with self._lock:
            return self._sessions.valid(session, self._clock())
