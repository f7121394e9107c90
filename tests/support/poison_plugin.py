"""A parser that brings its process down on some captures: ``{"crash": true}`` kills
it (as a segfault in a plugin's C code would), ``{"hang": true}`` never returns. It
does so only in a parse worker; in any other process it raises instead, so a test sees
at once (an ``error`` that says so) if such a capture was parsed in the server."""

from __future__ import annotations

import os
import signal
import sys
import time

import seenby

_main = getattr(sys.modules.get("__main__"), "__spec__", None)
IN_WORKER = _main is not None and _main.name == "seenby_server.parse_worker"


@seenby.hookimpl
def seenby_parse(capture: seenby.Capture) -> seenby.ParseResult | None:
    body = capture.json() if capture.platform == "example" else None
    if not isinstance(body, dict) or not (body.get("crash") or body.get("hang")):
        return None
    if not IN_WORKER:
        raise RuntimeError("parsed in the server: this would have brought it down")
    if body.get("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(3600)
    return None
