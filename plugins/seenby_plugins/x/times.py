"""X's timestamps (``Thu Apr 20 23:21:13 +0000 2023``), read without ``strptime``.

Every post and author carries one, and ``strptime`` is the slowest step of a parse.
The same stamps recur (an author on each of their posts, a post in several answers),
so recent ones are kept: datetimes are immutable and can be shared between rows.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from seenby.parsing import parse_time

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}


_X_FORMAT = re.compile(
    r"[^ ]* (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]+) "
    r"([0-9]+):([0-9]+):([0-9]+) \+0000 ([0-9]+)"
)
"""The common case of :func:`_read` (ASCII digits only), matched in one step."""

_RECENT: dict[str, datetime | None] = {}
_RECENT_SIZE = 8192


def x_time(value: Any) -> datetime | None:
    """A UTC datetime from X's format; anything else goes to :func:`seenby.parsing.parse_time`."""
    if type(value) is not str:
        return _read(value)
    try:
        return _RECENT[value]
    except KeyError:
        pass
    match = _X_FORMAT.fullmatch(value)
    if match is None:
        parsed = _read(value)
    else:
        month, day, hour, minute, second, year = match.groups()
        try:
            parsed = datetime(
                int(year),
                _MONTHS[month],
                int(day),
                int(hour),
                int(minute),
                int(second),
                tzinfo=UTC,
            )
        except ValueError:
            parsed = None
    if len(_RECENT) >= _RECENT_SIZE:
        _RECENT.clear()
    _RECENT[value] = parsed
    return parsed


def _read(value: Any) -> datetime | None:
    if isinstance(value, str):
        parts = value.split(" ")
        if len(parts) == 6 and parts[4] == "+0000" and parts[1] in _MONTHS:
            clock = parts[3].split(":")
            if len(clock) == 3 and all(part.isdigit() for part in (*clock, parts[2], parts[5])):
                hour, minute, second = (int(part) for part in clock)
                try:
                    return datetime(
                        int(parts[5]),
                        _MONTHS[parts[1]],
                        int(parts[2]),
                        hour,
                        minute,
                        second,
                        tzinfo=UTC,
                    )
                except ValueError:
                    return None
    return parse_time(value)
