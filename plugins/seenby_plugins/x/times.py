"""X's timestamps (``Thu Apr 20 23:21:13 +0000 2023``), read without ``strptime``.

Every post and author carries one, and ``strptime`` is the slowest step of a parse.
"""

from __future__ import annotations

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


def x_time(value: Any) -> datetime | None:
    """A UTC datetime from X's format; anything else goes to :func:`seenby.parsing.parse_time`."""
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
