"""A plugin that hangs while a parse worker loads it (and only there): for the test
that a worker which never gets ready is killed and the server parses by itself."""

from __future__ import annotations

import sys
import time

_main = getattr(sys.modules.get("__main__"), "__spec__", None)
if _main is not None and _main.name == "seenby_server.parse_worker":
    time.sleep(600)
