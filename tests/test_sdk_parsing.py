"""seenby.parsing.capture_json: a body that is not JSON is an unrecognized payload."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

import seenby
from seenby.parsing import capture_json
from seenby.testing import make_capture


class Feed(msgspec.Struct):
    items: list[int]


def test_json_bodies_are_decoded_as_asked() -> None:
    capture = make_capture("https://example.com/api/feed", {"items": [1, 2]})
    assert capture_json(capture) == {"items": [1, 2]}
    assert capture_json(capture, type=Feed) == Feed(items=[1, 2])


@pytest.mark.parametrize(
    ("body", "type_", "problem"),
    [
        ("for (;;);{}", Any, "Voyager body is not JSON: "),
        ({"items": ["x"]}, Feed, "Voyager body is not JSON: Expected `int`"),
    ],
)
def test_a_body_that_does_not_fit_is_unrecognized(body: object, type_: Any, problem: str) -> None:
    capture = make_capture("https://example.com/api/feed", body)
    with pytest.raises(seenby.UnrecognizedPayload) as raised:
        capture_json(capture, "Voyager body", type_)
    assert str(raised.value).startswith(problem)
