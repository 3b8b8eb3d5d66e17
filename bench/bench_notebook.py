"""Benchmark of the notebook's SVG namespacing (``cjdsl.notebook.svgids``): linear in the size.

Not part of the test suite. Run from the repository root:

    python bench/bench_notebook.py                   # 1, 2, 4, 8 MB of each input
    python bench/bench_notebook.py --sizes 1 16

Each input is timed in CPU seconds (user + sys of this process, best of three) at
each size: a real Graphviz SVG of the German example repeated, and inputs made to
make a careless scanner quadratic: a label of ``url(#`` with no ``)``, tags with no
``=``, an attribute of ``url(#`` after ``url(#``, and unclosed comments and quotes.
Linear means the time per MB stays flat as the size doubles.
"""

from __future__ import annotations

import argparse
import functools
import pathlib
import sys
import time
from collections.abc import Callable

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cjdsl  # noqa: E402
from cjdsl.notebook import svgids  # noqa: E402

MB = 1_000_000


def inputs() -> dict[str, Callable[[int], str]]:
    """Per input, a function of the size in bytes that gives that input."""
    real = cjdsl.render(cjdsl.load(ROOT / "examples" / "versicherung.journey")).decode()
    body = real[real.index("<g ") : real.rindex("</svg>")]

    def repeated(piece: str, head: str = "<svg>", tail: str = "") -> Callable[[int], str]:
        return lambda size: head + piece * (size // len(piece)) + tail

    return {
        "graphviz svg": repeated(body, real[: real.index("<g ")], "</svg>"),
        "text of url(#": repeated("url(#", "<svg><text>", "</text></svg>"),
        "tags without =": repeated("<g a b c ", "<svg>"),
        "url(#url(# value": repeated("url(#", '<svg><path fill="', '"/></svg>'),
        "open comments": repeated("<!-- <g id='x'>", "<svg>"),
        "open quotes": repeated('<g id="x', "<svg>"),
    }


def cpu(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4, 8], help="MB")
    args = parser.parse_args()
    print(f"{'input':<18}" + "".join(f"{s:>9} MB" for s in args.sizes) + "   (CPU s per MB)")
    for name, make in inputs().items():
        cells = []
        for size in args.sizes:
            svg = make(size * MB)
            seconds = cpu(functools.partial(svgids.namespace, svg, "nb1", old="cjdsl"))
            cells.append(f"{seconds / size:>12.3f}")
        print(f"{name:<18}" + "".join(cells))


if __name__ == "__main__":
    main()
