"""Benchmark of scenarios and the semantic diff: linear in the size of the journey.

Not part of the test suite. Run from the repository root:

    python bench/bench_scenarios.py                 # 8,000, 16,000 and 32,000 touchpoints
    python bench/bench_scenarios.py --sizes 4000 64000

A journey of N touchpoints in a chain, each also leading to the goal, and one scenario that
removes every second of those transitions, re-weights the others and changes every third
touchpoint's emotion. Timed in CPU seconds (user + sys of this process, best of three, the
garbage collector paused as the pipeline pauses it): ``scenarios.apply`` and
``diffing.compare`` without figures (nodes, transitions, new dead ends; the figures are the
analysis's, benchmarked in bench_analysis.py), and ``scenarios.check_all`` of N one-line
scenarios. Linear means the time per 1,000 touchpoints stays flat as N doubles."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cjdsl import diffing, model, pipeline, scenarios  # noqa: E402
from cjdsl.source import SourceFile  # noqa: E402


def journey(n: int) -> model.Journey:
    lines = ['journey "Big"', "entry touchpoint t0"]
    lines += [f"touchpoint t{i}" for i in range(1, n)] + ["goal g"]
    lines += [f"t{i} -> t{i + 1} 50%" for i in range(n - 1)] + [f"t{i} -> g 50%" for i in range(n)]
    lines += ["scenario s {"]
    lines += [f"  remove t{i} -> g" for i in range(0, n, 2)]
    lines += [f"  t{i} -> g 40%" for i in range(1, n, 2)]
    lines += [f"  change t{i} {{ emotion 1 }}" for i in range(0, n, 3)] + ["}"]
    found = pipeline.compile_source(SourceFile("big.journey", "\n".join(lines) + "\n")).journey
    assert found is not None
    return found


def cpu(work: object) -> float:
    assert callable(work)
    best = float("inf")
    for _ in range(3):
        gc.disable()
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
        gc.enable()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8000, 16000, 32000])
    sizes = parser.parse_args().sizes
    print(f"{'touchpoints':>12} {'apply s':>9} {'per 1k':>8} {'diff s':>9} {'per 1k':>8}"
          f" {'check_all s':>12} {'per 1k':>8}")  # fmt: skip
    for n in sizes:
        base = journey(n)
        after, _ = scenarios.apply(base, base.scenarios[0])
        applying = cpu(lambda b=base: scenarios.apply(b, b.scenarios[0]))
        comparing = cpu(lambda b=base, a=after: diffing.compare(b, a, figures=False))
        many = dataclasses.replace(base, scenarios=_one_each(base))
        checking = cpu(lambda m=many: scenarios.check_all(m))
        print(
            f"{n:>12,} {applying:>9.3f} {applying / n * 1000:>8.4f}"
            f" {comparing:>9.3f} {comparing / n * 1000:>8.4f}"
            f" {checking:>12.3f} {checking / n * 1000:>8.4f}"
        )


def _one_each(base: model.Journey) -> tuple[model.Scenario, ...]:
    """A scenario per touchpoint, each removing one transition: N scenarios over N nodes."""
    scenario = base.scenarios[0]
    return tuple(
        dataclasses.replace(
            scenario, id=f"s{k}", removals=(removal,), changes=(), transitions=(), stages=()
        )
        for k, removal in enumerate(scenario.removals * 2)
    )


if __name__ == "__main__":
    main()
