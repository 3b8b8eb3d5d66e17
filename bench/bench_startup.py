"""How fast do the commands start, against the libraries they cannot do without?

Runs each command as a fresh process, N times, interleaved (one run of every
command per round, so a load spike on the machine hits them all alike), and
compares medians with bare interpreters importing only those libraries
(issue 11, "Fast start"):

- ``cjdsl check EXAMPLE`` at most 1.5× ``python -c "import lark, networkx, click"``
- ``cjdsl --version`` and ``cjdsl explain CJ101`` at most 1.5× ``python -c "import click"``

Exits 1 when a target is missed. Commands run as ``python -m cjdsl`` with this
interpreter, so ``PYTHONPATH=<another checkout>`` measures that checkout.
``python -X importtime -m cjdsl …`` shows what a slow one imports.

    python bench/bench_startup.py             # 15 rounds, examples/online-shop.journey
    python bench/bench_startup.py --runs 30 --example examples/saas-trial.journey
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import time
from typing import Final

ROOT: Final = pathlib.Path(__file__).resolve().parent.parent
LIMIT: Final = 1.5


def commands(example: str) -> dict[str, list[str]]:
    """What is timed: two baselines, then the commands."""
    python, cjdsl = [sys.executable], [sys.executable, "-m", "cjdsl"]
    return {
        "import click": [*python, "-c", "import click"],
        "import lark, networkx, click": [*python, "-c", "import lark, networkx, click"],
        "cjdsl --version": [*cjdsl, "--version"],
        "cjdsl explain CJ101": [*cjdsl, "explain", "CJ101"],
        f"cjdsl check {example}": [*cjdsl, "check", example],
    }


TARGETS: Final = (
    ("cjdsl check", "import lark, networkx, click"),
    ("cjdsl --version", "import click"),
    ("cjdsl explain CJ101", "import click"),
)
"""Each command (by the start of its name) and the baseline it may take 1.5× of."""


def once(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=120, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: check found problems, still a full run
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (default 15)")
    parser.add_argument("--example", default="examples/online-shop.journey")
    args = parser.parse_args()
    timed = commands(args.example)
    for argv in timed.values():  # warm the file cache and the bytecode
        once(argv)
    times: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(args.runs):
        for name, argv in timed.items():
            times[name].append(once(argv))
    medians = {name: statistics.median(values) for name, values in times.items()}
    width = max(map(len, timed))
    print(f"median of {args.runs} interleaved runs ({sys.executable})")
    for name, value in medians.items():
        print(f"  {name:<{width}}  {value * 1000:7.1f} ms")
    missed = 0
    for prefix, baseline in TARGETS:
        name = next(n for n in medians if n.startswith(prefix))
        ratio = medians[name] / medians[baseline]
        verdict = "ok" if ratio <= LIMIT else "MISSED"
        missed += ratio > LIMIT
        print(f"  {name} / {baseline}: {ratio:.2f}× (target ≤ {LIMIT}×) {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
