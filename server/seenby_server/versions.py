"""Table versions: what lets a reader keep what it read until a write changes it.

A table's version changes after every committed (or failed) write to it that its
writers announce: a refresh context's ``replace_table``/``upsert`` for plugin tables,
and a merge or reparse for ``post_aliases`` and ``viewers`` (lookup.py). A reader
takes the version *before* it queries, so a read that raced a write is kept under the
old version and read again by the next request. Tables nobody declared (the other
core tables, which every capture changes) get a new number each time they are asked
for, so nothing read from them is ever reused.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable

_NEXT_VERSION = itertools.count(1)
"""Versions come from one counter for the whole process, so a number is never reused, in
any database: a plugin's memo (module-level, shared by every store the process opens,
as in tests) cannot mistake one database's table for another's."""


class TableVersions:
    """One database's versioned tables and their versions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[str, int] = {}

    def declare(self, tables: Iterable[str]) -> None:
        """Version these tables from now on (their writers must :meth:`bump` them)."""
        with self._lock:
            for table in tables:
                self._versions.setdefault(table, next(_NEXT_VERSION))

    def get(self, table: str) -> int:
        version = self._versions.get(table)
        return next(_NEXT_VERSION) if version is None else version

    def bump(self, table: str) -> None:
        """``table`` was written: call after the commit (or the failure)."""
        with self._lock:
            self._versions[table] = next(_NEXT_VERSION)
