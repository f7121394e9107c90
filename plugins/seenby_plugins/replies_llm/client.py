"""A minimal client for a local OpenAI-compatible chat endpoint (Ollama, llama.cpp server,
LM Studio): ``POST {base}/v1/chat/completions``. Standard library only."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

SYSTEM = (
    "You help a person reply to social media posts. Write {n} short alternative replies to the "
    "post below, in the post's language ({language}). Each reply must refer to something the "
    "post actually says, add the person's own angle where one is given, and end with a question "
    "that invites discussion. No hashtags, no emojis, no greetings, no flattery. "
    "One reply per line, nothing else."
)


class LLMError(Exception):
    """The endpoint is absent, too slow, or answered something unusable."""


def chat(base_url: str, model: str, system: str, user: str, timeout: float) -> str:
    url = base_url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise LLMError(f"SEENBY_LLM_URL must be an http(s) URL, not {base_url!r}")
    host = (urlsplit(url).hostname or "").lower()
    if not (host in ("localhost", "::1") or host.startswith("127.")):
        # Post texts go to this endpoint: all data stays on this machine.
        raise LLMError(
            f"SEENBY_LLM_URL must be on this machine (127.0.0.1, localhost), not {host!r}"
        )
    if not url.endswith("/v1"):
        url += "/v1"
    body = {
        "model": model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        "temperature": 0.7,
        "stream": False,
    }
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        url + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer: Any = json.loads(response.read())
    except TimeoutError as exc:
        raise LLMError(f"no answer within {timeout:g} s") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise LLMError(f"{type(exc).__name__}: {exc}") from exc
    try:
        return str(answer["choices"][0]["message"]["content"])
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError("answer has no choices[0].message.content") from exc


_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


def split_drafts(content: str, limit: int) -> list[str]:
    """One draft per line, bullets, numbering and wrapping quotes removed."""
    lines = [_BULLET.sub("", line).strip().strip('"“”').strip() for line in content.splitlines()]
    return [line for line in lines if len(line.split()) >= 3][:limit]
