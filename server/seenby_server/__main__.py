"""``python -m seenby_server`` is the ``seenby`` command."""

from seenby_server.cli import main

main()
