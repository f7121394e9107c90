"""Who may talk to the server: tokens, pairing codes, and the request gate.

Tokens are stored hashed in a 0600 file shared by the server and the CLI (the
CLI revokes, the server notices the change on the next request). Pairing codes
are one-time, valid five minutes, and exchanged for a per-install token.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

TOKEN_PREFIX = "sby_"  # noqa: S105 - a prefix that makes leaked tokens recognisable
PAIRING_TTL = timedelta(minutes=5)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
EXTENSION_ORIGIN = re.compile(r"^(chrome-extension://[a-p]{32}|moz-extension://[0-9a-f-]{36})$")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically to ``path``, readable and writable by the user only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between the server and CLI processes while a file is rewritten."""
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class TokenRecord(msgspec.Struct, kw_only=True):
    id: str
    name: str
    kind: str
    """``extension`` (paired), ``cli`` (the CLI's own) or ``script``."""
    hash: str
    created_at: datetime
    revoked_at: datetime | None = None


class TokenCheck(msgspec.Struct):
    ok: bool
    reason: str = ""
    record: TokenRecord | None = None


class TokenStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._records: list[TokenRecord] = []
        self._mtime: int | None = None
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            self._records, self._mtime = [], None
            return
        if mtime != self._mtime:
            data = self.path.read_bytes()
            self._records = msgspec.json.decode(data, type=list[TokenRecord]) if data else []
            self._mtime = mtime

    def records(self) -> list[TokenRecord]:
        with self._lock:
            self._refresh()
            return list(self._records)

    def check(self, token: str) -> TokenCheck:
        """Constant-time check of a bearer token against every stored hash."""
        digest = _hash(token)
        match: TokenRecord | None = None
        for record in self.records():
            if hmac.compare_digest(record.hash, digest):
                match = record
        if match is None:
            return TokenCheck(False, "invalid token")
        if match.revoked_at is not None:
            return TokenCheck(False, "token revoked")
        return TokenCheck(True, record=match)

    def create(self, name: str, kind: str) -> tuple[TokenRecord, str]:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = TokenRecord(
            id=secrets.token_hex(4),
            name=name[:100],
            kind=kind,
            hash=_hash(token),
            created_at=datetime.now(UTC),
        )
        with self._lock, file_lock(self.path):
            self._mtime = None
            self._refresh()
            write_private(self.path, msgspec.json.encode([*self._records, record]))
            self._mtime = None
        return record, token

    def revoke(self, token_id: str) -> TokenRecord | None:
        with self._lock, file_lock(self.path):
            self._mtime = None
            self._refresh()
            found = None
            for record in self._records:
                if record.id == token_id and record.revoked_at is None:
                    record.revoked_at = datetime.now(UTC)
                    found = record
            if found is not None:
                write_private(self.path, msgspec.json.encode(self._records))
            self._mtime = None
            return found


class PendingCode(msgspec.Struct):
    hash: str
    expires_at: datetime


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def issue_pairing_code(path: Path) -> tuple[str, datetime]:
    """A new one-time pairing code (replacing any earlier one) and its expiry."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    expires_at = datetime.now(UTC) + PAIRING_TTL
    with file_lock(path):
        write_private(path, msgspec.json.encode(PendingCode(_hash(raw), expires_at)))
    return f"{raw[:4]}-{raw[4:]}", expires_at


def redeem_pairing_code(path: Path, code: str) -> str | None:
    """Consume the pending code if ``code`` matches and is fresh; else the reason it failed."""
    with file_lock(path):
        try:
            pending = msgspec.json.decode(path.read_bytes(), type=PendingCode)
        except (FileNotFoundError, msgspec.DecodeError):
            return "no pairing code is pending: run `seenby pair` to get one"
        if datetime.now(UTC) > pending.expires_at:
            path.unlink(missing_ok=True)
            return "the pairing code has expired: run `seenby pair` for a new one"
        if not hmac.compare_digest(pending.hash, _hash(normalize_code(code))):
            return "wrong pairing code"
        path.unlink(missing_ok=True)
    return None


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds (process-wide)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: deque[float] = deque()
        self._lock = threading.Lock()

    def retry_after(self) -> float:
        """Seconds to wait before the next event is allowed; 0 when allowed now."""
        with self._lock:
            now = time.monotonic()
            while self._events and now - self._events[0] > self.window:
                self._events.popleft()
            if len(self._events) >= self.limit:
                return self.window - (now - self._events[0])
            return 0.0

    def record(self) -> None:
        with self._lock:
            self._events.append(time.monotonic())
