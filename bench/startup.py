"""Server start-up time: from `seenby serve` to the first answered request.

Target (issue #2): under 2 s, with every built-in plugin loaded and an existing
database. Prints the median of several starts.

    .venv/bin/python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import Server, cli_env, free_port  # noqa: E402  (the tests' real-server harness)


def one_start(data: Path) -> float:
    server = Server(data, free_port(), cli_env(data, SEENBY_PLUGINS=""))
    started = time.perf_counter()
    server.start()
    elapsed = time.perf_counter() - started
    server.stop()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        first = one_start(data)  # creates the database and runs the migrations
        times = [one_start(data) for _ in range(args.runs)]
    median = statistics.median(times)
    print(
        f"startup  : first start (new database) {first:.2f} s; "
        f"median of {args.runs} restarts {median:.2f} s (target < 2 s: "
        f"{'met' if median < 2 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
