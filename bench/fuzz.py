"""A longer fuzzing run than the test suite's: the same strategies and invariants.

Not part of the test suite. From the repository root:

    python bench/fuzz.py                      # 5,000 broken journeys, 2,000 random byte strings
    python bench/fuzz.py --examples 50000 --seed 7
    python bench/fuzz.py --seed 33 --seed 44 --seed 55 --per-input 5

Each input is compiled, its diagnostics' positions checked, the fast and the
positioned parse compared, and the formatter run (``tests/test_fuzz.py``,
``check_input``), within ``--per-input`` seconds. A failure prints the smallest
input Hypothesis finds (``--no-shrink``: the input as found, for a hang, which
shrinking reruns for minutes) and exits 1; a hang leaves its input in the
temporary file its message names. Run it
under a memory cap on a shared machine, e.g. ``prlimit --as=4000000000 python
bench/fuzz.py``. The test suite runs the seeds of ``tests/test_fuzz.py``'s
``SEEDS`` with a smaller budget.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_fuzz import HANG, fuzz  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5_000, help="broken journeys")
    parser.add_argument("--random-bytes", type=int, default=2_000, help="random byte strings")
    parser.add_argument("--seed", type=int, action="append", help="repeat for several (0)")
    parser.add_argument("--per-input", type=float, default=HANG, help="seconds (%(default)s)")
    parser.add_argument("--no-shrink", action="store_true", help="report failures as found")
    args = parser.parse_args()
    for seed_ in args.seed or [0]:
        began = time.perf_counter()
        try:
            fuzz(
                seed_,
                examples=args.examples,
                random_bytes=args.random_bytes,
                seconds=args.per_input,
                shrink=not args.no_shrink,
            )
        except Exception as error:  # Hypothesis has printed the falsifying example
            print(f"seed {seed_} FAILED: {type(error).__name__}: {error}", file=sys.stderr)
            sys.exit(1)
        took = time.perf_counter() - began
        print(
            f"seed {seed_}: {args.examples} + {args.random_bytes} inputs, no failure ({took:.0f} s)"
        )


if __name__ == "__main__":
    main()
