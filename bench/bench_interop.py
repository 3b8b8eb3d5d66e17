"""Benchmark of ``cjdsl import mermaid`` and ``cjdsl import table``: CPU time per size.

Not part of the test suite. Run from the repository root:

    python bench/bench_interop.py                      # 1k, 10k, 100k rows
    python bench/bench_interop.py --sizes 1000 10000

Each size is read three ways: a Mermaid journey diagram of that many tasks (in sections of
fifty, three actors each, a ``%%`` comment every tenth line), the same number of
awkward tasks (long names, a hundred actors, ``%%`` inside the data, a ``[^}]%%`` comment
line after each), and a CSV touchpoint table of that many rows with a
``Next`` cell each. Times are CPU time (user + system, ``time.process_time``) of reading
into the model, the best of three; the last column is microseconds per input line, which
stays flat when reading is linear.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable

from cjdsl.interop import mermaid, sheets, tables


def mermaid_text(size: int) -> str:
    lines = ["journey", "  title Benchmark"]
    for i in range(size):
        if i % 50 == 0:
            lines.append(f"  section Stufe {i // 50}")
        if i % 10 == 0:
            lines.append("%% a comment")
        lines.append(f"    Schritt {i}: {1 + i % 5}: Anna, Jürgen, Zoë")
    return "\n".join(lines) + "\n"


def broken_text(size: int) -> str:
    """Lines Mermaid accepts that cost a naive reader most: long names, a hundred actors,
    a trailing ``%%`` inside the data, a ``[^}]%%`` comment line after each."""
    actors = ",".join(["A"] * 100)
    line = f"    Schritt {'x' * 40} : 3 : {actors} %% {'y' * 40}\nx%% {'z' * 40}"
    return "journey\n" + "\n".join(line for _ in range(size)) + "\n"


def table_text(size: int) -> bytes:
    rows = ["Phase;Kontaktpunkt;Kanal;Emotion;Schmerzpunkt;KPI;Weiter"]
    for i in range(size):
        stage = f"Stufe {i // 50}" if i % 50 == 0 else ""
        following = f"Schritt {i + 1} 60%, Schritt {i + 2} 10%" if i + 2 < size else "-"
        rows.append(f'{stage};Schritt {i};Web;+1 gut;"a\nb";ctr 2.1%;{following}')
    return ("\n".join(rows) + "\n").encode("utf-8")


def _table(data: bytes) -> object:
    return tables.read(sheets.read_csv(data, path="b.csv"))


def best(run: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    print(f"{'input':<22}{'rows':>8}{'lines':>9}{'CPU s':>9}{'µs/line':>9}")
    for size in args.sizes:
        text, bad, data = mermaid_text(size), broken_text(size), table_text(size)
        cases: list[tuple[str, int, Callable[[], object]]] = [
            (
                "mermaid journey",
                text.count("\n"),
                functools.partial(mermaid.read, text, path="b.mmd"),
            ),
            (
                "mermaid, awkward",
                bad.count("\n"),
                functools.partial(mermaid.read, bad, path="b.mmd"),
            ),
            ("csv table", data.count(b"\n"), functools.partial(_table, data)),
        ]
        for name, lines, run in cases:
            seconds = best(run)
            print(f"{name:<22}{size:>8}{lines:>9}{seconds:>9.3f}{seconds / lines * 1e6:>9.1f}")


if __name__ == "__main__":
    main()
