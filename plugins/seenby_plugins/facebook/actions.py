"""The viewer's own reactions, read from the GraphQL mutation the page sends."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import msgspec

import seenby
from seenby.parsing import dig
from seenby.rows import RowCollector

from .declaration import REACT_MUTATION
from .stories import PLATFORM, decode_id, reaction_kind

_NO_REACTION = (None, "", "0", 0)
"""``feedback_reaction_id`` values that take a reaction back."""


def form_fields(request_body: Any) -> dict[str, str]:
    """A GraphQL request's form fields (``fb_api_req_friendly_name``, ``variables``, ``av`` …)."""
    if isinstance(request_body, bytes):
        request_body = request_body.decode("utf-8", errors="replace")
    if isinstance(request_body, str):
        return dict(parse_qsl(request_body, keep_blank_values=True))
    if isinstance(request_body, dict):
        return {
            str(k): v if isinstance(v, str) else msgspec.json.encode(v).decode()
            for k, v in request_body.items()
        }
    return {}


def viewer_id(fields: dict[str, str]) -> str | None:
    """The signed-in user's numeric id, which every request carries as ``av`` / ``__user``."""
    for key in ("av", "__user"):
        value = fields.get(key, "")
        if value.isdigit() and value != "0":
            return value
    return None


def parse_action(capture: seenby.Capture, rows: RowCollector) -> str:
    """Add the interaction a captured mutation is; returns its friendly name."""
    fields = form_fields(capture.request_body)
    name = fields.get("fb_api_req_friendly_name") or capture.operation or ""
    if name != REACT_MUTATION:
        raise seenby.UnrecognizedPayload(f"not a known Facebook action mutation: {name!r}")
    try:
        variables = msgspec.json.decode(fields.get("variables") or "{}")
    except msgspec.DecodeError as error:
        raise seenby.UnrecognizedPayload(f"{name} variables are not JSON") from error
    reaction_input = dig(variables, "input") or {}
    post_id = decode_id(reaction_input.get("feedback_id"))
    if post_id is None:
        raise seenby.UnrecognizedPayload(f"{name} names no readable feedback_id")
    reaction_id = reaction_input.get("feedback_reaction_id")
    undone = reaction_id in _NO_REACTION
    rows.add_interaction(
        seenby.Interaction(
            platform=PLATFORM,
            # Taking a reaction back does not say which one it was; most are Likes.
            kind="like" if undone else reaction_kind(reaction_id),
            post_id=post_id,
            occurred_at=capture.captured_at,
            undone=undone,
            source="action",
        )
    )
    viewer = viewer_id(fields) or str(reaction_input.get("actor_id") or "") or None
    if viewer is not None and viewer.isdigit():
        rows.add_viewer(seenby.Viewer(platform=PLATFORM, account_id=viewer))
    return name
