"""Small helpers for parser authors: reading nested JSON and the sites' odd formats."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import msgspec

from seenby.types import Capture, UnrecognizedPayload

_MISSING = object()


def dig(value: Any, *path: str | int, default: Any = None) -> Any:
    """Follow keys and indexes into nested JSON; ``default`` where any step is missing.

    >>> dig({"a": [{"b": 1}]}, "a", 0, "b")
    1
    >>> dig({"a": None}, "a", "b", default=0)
    0
    """
    current = value
    for step in path:
        if isinstance(step, int):
            if not isinstance(current, list) or not -len(current) <= step < len(current):
                return default
            current = current[step]
        else:
            if not isinstance(current, dict):
                return default
            current = current.get(step, _MISSING)
            if current is _MISSING:
                return default
    return default if current is None else current


_COUNT = re.compile(r"^\s*([0-9][0-9.,]*)\s*([KkMmBb]?)\s*$")
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def as_int(value: Any) -> int | None:
    """An integer from an int, a float, or a string such as ``"1,204"`` or ``"1.2K"``.

    Booleans and unreadable values give ``None``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value else None
    if isinstance(value, str):
        match = _COUNT.match(value)
        if not match:
            return None
        number, suffix = match.groups()
        try:
            if suffix:
                return round(float(number.replace(",", "")) * _SUFFIX[suffix.lower()])
            return int(number.replace(",", "").split(".")[0])
        except ValueError:
            return None
    return None


def as_float(value: Any) -> float | None:
    """A float from a number or numeric string; ``None`` otherwise."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def parse_time(value: Any) -> datetime | None:
    """A UTC datetime from RFC 3339 / ISO 8601 text, X's ``Wed Oct 10 20:19:24 +0000 2018``,
    RFC 2822, or a Unix timestamp in seconds or milliseconds."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return parse_time(int(text))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def json_values(text: str) -> Iterator[Any]:
    """Every JSON value in a body that holds several, one after another.

    Facebook's GraphQL answers stream several objects separated by newlines, and
    some sites prefix a guard such as ``for (;;);``; both are handled.
    """
    decoder = json.JSONDecoder()
    index = 0
    length = len(text)
    while index < length:
        brace = _next_json_start(text, index)
        if brace < 0:
            return
        try:
            value, end = decoder.raw_decode(text, brace)
        except json.JSONDecodeError:
            index = brace + 1
            continue
        yield value
        index = end


def _next_json_start(text: str, start: int) -> int:
    positions = [p for p in (text.find("{", start), text.find("[", start)) if p >= 0]
    return min(positions) if positions else -1


def capture_json(capture: Capture, what: str = "body", type: Any = Any) -> Any:
    """``capture.json(type)``, with a body that is not JSON (or does not fit ``type``)
    raised as :class:`seenby.UnrecognizedPayload` (``"<what> is not JSON: …"``): the
    raw capture is kept with status ``unrecognized`` for ``seenby reparse``."""
    try:
        return capture.json(type)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise UnrecognizedPayload(f"{what} is not JSON: {exc}") from exc
