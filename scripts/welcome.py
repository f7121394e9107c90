"""Printed by `make run` before the server starts: where things are, how to pair."""

from __future__ import annotations

import os
from pathlib import Path

from seenby_server.config import DEFAULT_PORT, Paths, default_data_dir

ROOT = Path(__file__).resolve().parent.parent
paths = Paths(default_data_dir())
chromium = ROOT / "extension" / "dist" / "chromium"
firefox = ROOT / "extension" / "dist" / "firefox"

print(f"""
Seenby
  data:    {paths.database}
  server:  http://127.0.0.1:{os.environ.get("SEENBY_PORT", DEFAULT_PORT)}
""")
if chromium.exists():
    print(f"""Load the extension:
  Chromium/Chrome: chrome://extensions → Developer mode → Load unpacked → {chromium}
  Firefox:         about:debugging → This Firefox → Load Temporary Add-on → {firefox}/manifest.json
Then pair it: in another terminal run `{ROOT}/.venv/bin/seenby pair` and enter the code
in the extension's popup.
""")
else:
    print("""The browser extension is not part of this build yet; the server accepts captures
from any paired client. Get a pairing code with `.venv/bin/seenby pair`, or a token
for scripts with `.venv/bin/seenby token`.
""")
print("""Your dashboard: open the login link the server prints below (it works once, for 5
minutes); later, `.venv/bin/seenby dashboard` or the popup's "Open the dashboard".
""")
print("Stop the server with Ctrl-C.\n")
