"""Graphviz layout time of big journeys: today's settings against cjdsl's big-graph settings.

Why: the node limit (``DEFAULT_MAX_NODES``) exists because of Graphviz's time. This runs the
system ``dot`` on the DOT text of ``journeys.synthetic(n)`` twice: once as cjdsl writes it (from
``dot.BIG_NODES`` nodes on edge labels are ``xlabel``s, from ``dot.HUGE_NODES`` on the position
and crossing phases are capped), once as before (labels as label nodes, Graphviz's defaults).
It prints child CPU time (user + sys, ``RUSAGE_CHILDREN``), the crossings ``dot -v`` reports,
the drawing's size in points and the SVG's bytes. A run past the time limit prints ``> N s``.

    .venv/bin/python bench/bench_layout.py            # 50 100 200 300 500, 60 s limit
    .venv/bin/python bench/bench_layout.py 200 --timeout 30 --png /tmp/out
"""

from __future__ import annotations

import argparse
import pathlib
import re
import resource
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import journeys

import cjdsl
from cjdsl.rendering import dot as dot_writer

__all__ = ["main", "run"]

_CROSSINGS = re.compile(rb"best_cross (\d+)")
_FINAL = re.compile(rb"mincross .*: (\d+) crossings")
_SIZE = re.compile(rb'<svg width="(\d+)pt" height="(\d+)pt"')


def today(dot_source: str) -> str:
    """The DOT text as cjdsl wrote it before: edge labels as label nodes, Graphviz's defaults."""
    dropped = (dot_writer.BIG_LAYOUT_LINE, dot_writer.HUGE_LAYOUT_LINE)
    return "".join(
        line.replace(" xlabel=", " label=") if " -> " in line else line
        for line in dot_source.splitlines(keepends=True)
        if line.rstrip("\n") not in dropped
    )


def run(dot_source: str, timeout: float, png: pathlib.Path | None = None) -> str:
    """One layout: ``CPU s, crossings, width x height pt, SVG bytes``, or ``> N s``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run(
            ["dot", "-v", "-Tsvg"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = _FINAL.findall(done.stderr) or _CROSSINGS.findall(done.stderr)
    crossings = int(found[-1]) if found else -1
    size = _SIZE.search(done.stdout)
    shape = f"{size.group(1).decode()} x {size.group(2).decode()} pt" if size else "?"
    if png is not None:
        subprocess.run(
            ["dot", "-Tpng", "-o", str(png)],
            input=dot_source.encode("utf-8"),
            timeout=timeout * 2,
            check=True,
        )
    return f"{cpu:6.2f} s CPU, {crossings:6d} crossings, {shape}, {len(done.stdout):,} B"


def main(argv: list[str] | None = None) -> None:
    """Print one line per size and setting."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[50, 100, 200, 300, 500])
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--png", type=pathlib.Path, help="also write PNGs into this folder")
    parser.add_argument("--only", choices=("today", "cjdsl"), help="run one setting")
    args = parser.parse_args(argv)
    print(f"Graphviz: {cjdsl.rendering.engines.version('dot')}")
    for n in args.sizes:
        doc = cjdsl.loads(journeys.synthetic(n), raise_on_error=False)
        source = cjdsl.render(doc, format="dot", max_nodes=None).decode("utf-8")
        for name, text in (("today", today(source)), ("cjdsl", source)):
            if args.only and name != args.only:
                continue
            png = args.png / f"synthetic-{n}-{name}.png" if args.png else None
            print(f"{n:4d} nodes  {name:6s} {run(text, args.timeout, png)}", flush=True)


if __name__ == "__main__":
    main()
