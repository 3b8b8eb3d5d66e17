"""Peak memory per input byte of compiling files of one long run (issue 17, item 7).

Not part of the test suite. From the repository root:

    python bench/bench_memory.py                         # every shape at 1, 4 and 16 MB
    python bench/bench_memory.py --sizes 2 --shapes blank label words

The shapes are ``tests/strategies.py``'s ``LONG_RUNS``: the runs the reliability review
measured (blank lines, CRLF, ``;``, comments, spaces, tabs, labels clean and broken), the
fuzzer's long fillers and the densest runs of tokens and findings. Each file compiles as
``cjdsl check`` compiles it (``pipeline.compile_bytes``) in a process of its own under a
4 GB address-space cap (``tests/test_hostile.py``, ``memory_growth``), which reports how far
its peak resident memory (``ru_maxrss``) rose, the file's bytes and text included. The table
gives that rise per input byte; the target is 50, and ``MAX_SOURCE_BYTES`` times the worst
must fit in 4 GB. ``tests/test_hostile.py`` holds 2 MB of each shape to the same bounds.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Final

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cjdsl.source import MAX_SOURCE_BYTES  # noqa: E402
from tests.strategies import LONG_RUNS  # noqa: E402
from tests.test_hostile import BYTES_PER_BYTE, CI_MEMORY, memory_growth  # noqa: E402

MEMORY_CAP: Final = 4_000_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 16], help="in MB")
    parser.add_argument("--shapes", nargs="+", default=list(LONG_RUNS), choices=list(LONG_RUNS))
    args = parser.parse_args()
    sizes = [int(megabytes * 1_000_000) for megabytes in args.sizes]
    columns = {
        size: memory_growth(args.shapes, size, cap=MEMORY_CAP, timeout=3600) for size in sizes
    }
    print(f"{'bytes per byte':<16}" + "".join(f"{f'{size / 1e6:g} MB':>10}" for size in sizes))
    worst = 0.0
    for shape in args.shapes:
        cells = ""
        for size in sizes:
            found = columns[size][shape]
            if found is None or found[1] is None:
                cells += f"{'no memory' if found else 'killed':>10}"
                continue
            per_byte = found[1] / found[0]
            worst = max(worst, per_byte)
            cells += f"{per_byte:>10.1f}"
        print(f"{shape:<16}{cells}", flush=True)
    fits = CI_MEMORY / MAX_SOURCE_BYTES
    print(f"worst {worst:.0f} (target {BYTES_PER_BYTE}; {fits:.0f} fits 4 GB at the size limit)")


if __name__ == "__main__":
    main()
