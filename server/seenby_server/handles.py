"""Which accounts are the user's, from the handles pages show (``viewer`` captures).

The extension reads the user's own handle with a platform's ``ViewerHint``; the account
with that handle (compared without regard to case) is the user's. That account may be
known already, or be seen long after the handle. So the handles no account has matched
yet are kept in memory, and each merge looks for them among the accounts it writes, in
polars: a merge that brings no handle and no such account runs no query, as on every
merge's path a query would cost about as much as a third of a typical merge.

The set is read from the database the first time, and again after a write that failed
(its transaction rolled back what the set had recorded); every stored handle is matched
against the accounts known then, so the set holds only handles no account has.
"""

from __future__ import annotations

import duckdb
import polars as pl

from seenby_server.writes import RowFrames, run_with, upsert_newest_wins

_VIEWERS_FROM_HANDLES = """
INSERT INTO viewers BY NAME
SELECT a.platform, a.account_id, a.handle, h.first_seen_at, h.last_seen_at
FROM {accounts} a JOIN {handles} h
  ON h.platform = a.platform AND lower(h.handle) = lower(a.handle)
ON CONFLICT (platform, account_id) DO UPDATE
  SET last_seen_at = greatest(viewers.last_seen_at, excluded.last_seen_at)
RETURNING platform, lower(handle)
"""

_UNMATCHED = """
SELECT platform, lower(handle) FROM viewer_handles h WHERE NOT EXISTS (
  SELECT 1 FROM accounts a WHERE a.platform = h.platform AND lower(a.handle) = lower(h.handle))
"""


class ViewerHandles:
    """The handles pages showed, and the accounts they name made the user's ``viewers``."""

    def __init__(self) -> None:
        self._unmatched: set[tuple[str, str]] | None = None
        """(platform, lower-case handle) of handles no account has matched yet."""

    def write(self, cur: duckdb.DuckDBPyConnection, rows: RowFrames) -> bool:
        """Stores the handles in ``rows`` and makes the accounts they name (known before,
        or in ``rows``) the user's, inside the caller's transaction, after ``rows``'
        accounts are written. True when ``viewers`` changed."""
        changed = False
        if self._unmatched is None:
            sql = _VIEWERS_FROM_HANDLES.format(accounts="accounts", handles="viewer_handles")
            changed = bool(cur.execute(sql).fetchall())
            self._unmatched = {(p, h) for p, h in cur.execute(_UNMATCHED).fetchall()}
        unmatched = self._unmatched
        handles = rows.viewer_handles
        if handles.height:
            seen = handles.group_by("platform", "handle").agg(
                pl.col("seen_at").min().alias("first_seen_at"),
                pl.col("seen_at").max().alias("last_seen_at"),
            )
            upsert_newest_wins(cur, "viewer_handles", seen, ["platform", "handle"])
            sql = _VIEWERS_FROM_HANDLES.format(accounts="accounts", handles="incoming")
            matched = set(run_with(cur, seen, sql, returning=True))
            unmatched |= {(p, h.lower()) for p, h in seen.select("platform", "handle").rows()}
            unmatched -= matched
            changed = changed or bool(matched)
        if unmatched and rows.accounts.height:
            key = pl.concat_str("platform", pl.lit("\n"), pl.col("handle").str.to_lowercase())
            wanted = pl.Series([f"{p}\n{h}" for p, h in unmatched], dtype=pl.String()).implode()
            named = (
                rows.accounts.select("platform", "account_id", "handle")
                .filter(key.is_in(wanted))
                .unique(["platform", "account_id"], keep="last")
            )
            if named.height:
                sql = _VIEWERS_FROM_HANDLES.format(accounts="incoming", handles="viewer_handles")
                matched = set(run_with(cur, named, sql, returning=True))
                unmatched -= matched
                changed = changed or bool(matched)
        return changed

    def forget(self) -> None:
        """A write failed: what was recorded in memory may have been rolled back."""
        self._unmatched = None
