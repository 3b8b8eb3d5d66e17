"""Benchmark of the configuration's scanners: linear in the size of what they read.

Not part of the test suite. Run from the repository root:

    python bench/bench_configuration.py                  # 0.25, 0.5, 1 MB of each input
    python bench/bench_configuration.py --sizes 0.25 1

Each input is timed in CPU seconds (user + sys of this process, best of three) at each
size: where the keys and values of a TOML text are (``configuration.positions``, after
``tomllib`` has parsed it: both are timed), the settings of one ``pyproject.toml``
with every key (``configuration.parse``), gitignore patterns against many paths and a
hostile one (``configuration.globs``), and the ``# cjdsl: ignore[…]`` comments of a
journey (``suppression.find``). Linear means the time per MB stays flat as the size
doubles. 1 MiB is the largest configuration file cjdsl reads.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cjdsl import suppression  # noqa: E402
from cjdsl.configuration import globs, parse, positions  # noqa: E402
from cjdsl.source import SourceFile  # noqa: E402

MB = 1_000_000


def inputs() -> dict[str, Callable[[int], Callable[[], object]]]:
    """Per input, a function of the size in bytes that gives the work to time."""

    def codes_list(size: int) -> str:
        item = '  "CJ201",  # a comment with "quotes" and [brackets]\n'
        return "[tool.cjdsl]\nignore = [\n" + item * (size // len(item)) + "]\n"

    def many_keys(size: int) -> str:
        line = 'key_{} = "value with = and [ inside"\n'
        return "[tool.other]\n" + "".join(line.format(i) for i in range(size // len(line)))

    def long_string(size: int) -> str:
        return '[tool.cjdsl]\ntheme = """' + 'x\\"' * (size // 3) + '"""\n'

    def patterns(size: int) -> Callable[[], object]:
        chosen = globs.Patterns.parse(["*.draft.journey", "build/", "a/**/b/*.journey", "!keep*"])
        paths = [f"journeys/team{i % 50}/sub/file{i}.journey" for i in range(size // 40)]
        return lambda: [chosen.excluded(p) for p in paths]

    def hostile_name(size: int) -> Callable[[], object]:
        return lambda: globs.match_name("*a" * 20 + "b", "a" * size)

    def journey(size: int) -> Callable[[], object]:
        line = 'touchpoint t "T"  # cjdsl: ignore[dead-end, CJ202]\n'
        source = SourceFile("x.journey", 'journey "J"\n' + line * (size // len(line)))
        return lambda: suppression.find(source)

    def scanned(make: Callable[[int], str]) -> Callable[[int], Callable[[], object]]:
        def work(size: int) -> Callable[[], object]:
            text = make(size)
            return lambda: (tomllib.loads(text), positions.scan(text))

        return work

    def settings(size: int) -> Callable[[], object]:
        text = codes_list(size).replace("ignore = [", 'theme = "drak"\nstirct = 1\nselect = [')
        return lambda: parse(text, "pyproject.toml", table=("tool", "cjdsl"))

    return {
        "toml: a long list of codes": scanned(codes_list),
        "toml: many keys of another table": scanned(many_keys),
        "toml: one long string of escapes": scanned(long_string),
        "settings with errors (parse)": settings,
        "gitignore patterns x paths": patterns,
        "glob: 20 stars, hostile name": hostile_name,
        "journey suppressions (find)": journey,
    }


def cpu(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 1.0], help="MB")
    sizes = [int(s * MB) for s in parser.parse_args().sizes]
    print(f"{'input':36} " + " ".join(f"{s / MB:>7.2f} MB" for s in sizes) + "   s/MB")
    for name, make in inputs().items():
        times = [cpu(make(size)) for size in sizes]
        per_mb = " ".join(f"{t / (s / MB):.3f}" for t, s in zip(times, sizes, strict=True))
        print(f"{name:36} " + " ".join(f"{t:>8.3f}s" for t in times) + f"   {per_mb}")


if __name__ == "__main__":
    main()
