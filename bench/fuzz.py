"""A longer fuzzing run than the test suite's: the same strategies and invariants.

Not part of the test suite. From the repository root:

    python bench/fuzz.py                      # 5,000 broken journeys, 2,000 random byte strings
    python bench/fuzz.py --examples 50000 --seed 7

Each input is compiled, its diagnostics' positions checked, the fast and the
positioned parse compared, and the formatter run (``tests/test_fuzz.py``,
``check_input``). A failure prints the smallest input Hypothesis finds and
exits 1. Run it under a memory cap on a shared machine, e.g.
``prlimit --as=4000000000 python bench/fuzz.py``.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.strategies import mutated  # noqa: E402
from tests.test_fuzz import check_input  # noqa: E402


def run(examples: int, random_bytes: int, seed_: int) -> None:
    """Run both properties with the given budgets; Hypothesis raises on a failure."""
    slow = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
    for name, strategy, budget in (
        ("broken journeys", mutated(), examples),
        ("random bytes", st.binary(max_size=2000), random_bytes),
    ):
        began = time.perf_counter()

        @seed(seed_)
        @settings(max_examples=budget, deadline=None, suppress_health_check=slow, database=None)
        @given(strategy)
        def property_(data: bytes) -> None:
            check_input(data)

        property_()
        print(f"{name}: {budget} inputs, no failure ({time.perf_counter() - began:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5_000, help="broken journeys")
    parser.add_argument("--random-bytes", type=int, default=2_000, help="random byte strings")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        run(args.examples, args.random_bytes, args.seed)
    except Exception as error:  # Hypothesis has printed the falsifying example
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
