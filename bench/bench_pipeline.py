"""Benchmark of the whole pipeline against peers, on realistic generated journeys.

Not part of the test suite. One command, from the repository root; it prints a
table and writes JSON:

    python bench/bench_pipeline.py                          # 1k, 10k, 100k + render ladder
    python bench/bench_pipeline.py --sizes 1000 --ladder 25 50 --json /tmp/p.json

For each size (touchpoints, see ``journeys.synthetic``), in a child process
with a memory cap: parse + model + checks end to end (``compile_source``, the
headline in lines per second, best and median), then its parts: grammar load,
the Lark parse (lark-cython where installed), lowering, checks (graph and all
checks); all analyses, DOT emission, the collapsed
render through ``dot``, the full render through ``dot`` (only while smaller
sizes finished), and peak memory. Peers, each in its own capped child, on the
same graph: ``pydot`` and Graphviz's C parser (``gvpr -c 'N{}'``) reading the
graph as plain DOT (``journeys.synthetic_dot``), and the same grammar with
Lark's default Earley parser (against our Lark LALR parse: what the LALR
choice buys). The render ladder lays out small journeys with
our full render and with ``dot`` alone on our DOT, to show our overhead and
where ``dot`` stops finishing (the default of ``max_nodes``).

Times are CPU seconds (user + system) of the process doing the work, the best
of ``--repeat`` runs, with the median of the headline beside it: the machine is
shared, and what other processes take from it shows in wall time, much less in
CPU time, least in the minimum. Renders through ``dot`` and ``gvpr`` count
their child's CPU time, and the render ladder counts wall time (what a user
waits for). A peer that exceeds its time limit is reported as "> limit" and its
ratio as a lower bound.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pathlib
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import journeys  # noqa: E402

from cjdsl import analysis, checks, errors, graph, pipeline, rendering, resolving, views  # noqa: E402
from cjdsl.language import lowering, parsing  # noqa: E402
from cjdsl.source import SourceFile  # noqa: E402

Result = dict[str, Any]
STEPS = (
    "checks",
    "parse+model+checks",
    "parse+model+checks, median",
    "Lark: grammar load (cached)",
    "Lark: parse",
    "Lark: lowering",
    "resolving",
    "analyses",
    "DOT emission",
    "collapsed render (dot)",
)


# -- measuring, in the child -------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of the children it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(repeat: int, step: Callable[[], Any]) -> tuple[list[float], Any]:
    """The CPU times of ``repeat`` runs of ``step`` (collector paused, as in compile_source)."""
    times, value = [], None
    for _ in range(repeat):
        value = None
        gc.collect()
        gc.disable()
        began = cpu_seconds()
        value = step()
        times.append(cpu_seconds() - began)
        gc.enable()
    return times, value


def best(repeat: int, step: Callable[[], Any]) -> tuple[float, Any]:
    """The least CPU time of ``repeat`` runs of ``step``."""
    times, value = timed(repeat, step)
    return min(times), value


def measure(n: int, repeat: int, render_timeout: float, try_render: bool) -> Result:
    """Every figure of our own pipeline for one size (runs in the child process)."""
    text = journeys.synthetic(n)
    source = SourceFile(f"synthetic-{n}.journey", text)
    seconds: dict[str, float] = {}
    # End to end first, so the peak memory of compiling is measured before other steps add theirs.
    times, doc = timed(repeat, lambda: pipeline.compile_source(source))
    assert doc.journey is not None and doc.ok, [str(d) for d in doc.diagnostics[:3]]
    seconds["parse+model+checks"] = min(times)
    seconds["parse+model+checks, median"] = statistics.median(times)
    compile_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    del doc
    began = cpu_seconds()
    parsing.fast_parser()
    seconds["Lark: grammar load (cached)"] = cpu_seconds() - began
    seconds["Lark: parse"], parsed = best(repeat, lambda: parsing.parse_fast(source))
    seconds["Lark: lowering"], (declared, _) = best(repeat, lambda: lowering.lower(parsed))
    seconds["resolving"], (journey, _) = best(repeat, lambda: resolving.resolve(declared, source))
    parsed = declared = None
    seconds["checks"], _ = best(repeat, lambda: checks.run(journey, graph.build(journey)))
    seconds["analyses"], _ = best(1, lambda: analysis.analyze(journey))
    seconds["DOT emission"], dot_text = best(
        1, lambda: rendering.dot.to_dot(journey, findings=views.findings(journey))
    )
    seconds["collapsed render (dot)"], _ = best(
        1,
        lambda: views.render(journey, options=rendering.Options(collapse_by="stage", engine="dot")),
    )
    render: str | float = "not tried (a smaller size did not finish)"
    if try_render:
        try:
            render, _ = best(
                1,
                lambda: views.render(
                    journey,
                    options=rendering.Options(engine="dot", max_nodes=None, timeout=render_timeout),
                ),
            )
        except errors.RenderError as error:
            timed_out = "did not finish" in str(error)
            render = f"> {render_timeout:g} s" if timed_out else f"failed: {str(error)[:60]}"
    return {
        "touchpoints": n,
        "lines": text.count("\n"),
        "bytes": len(text.encode("utf-8")),
        "transitions": len(journey.transitions),
        "parser": "lark-cython" if "lark_cython" in sys.modules else "lark",
        "seconds": seconds,
        "full render (dot)": render,
        "dot_bytes": len(dot_text.encode("utf-8")),
        "compile_peak_mb": compile_peak,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def peer(name: str, n: int, repeat: int) -> float:
    """Time one peer parser on the size's graph (runs in its own child process)."""
    if name == "pydot":
        import pydot

        dot_text = journeys.synthetic_dot(n)
        seconds, graphs = best(repeat, lambda: pydot.graph_from_dot_data(dot_text))
        assert graphs, "pydot read nothing"
        return seconds
    if name == "earley":
        import lark

        earley = lark.Lark(
            parsing.grammar_text(),
            parser="earley",
            propagate_positions=True,
            maybe_placeholders=True,
        )
        text = journeys.synthetic(n)
        seconds, _ = best(repeat, lambda: earley.parse(text))
        return seconds
    raise ValueError(name)


# -- running children with caps, in the parent ----------------------------------------------


def capped(memory_mb: int) -> Callable[[], None]:
    def limit() -> None:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return limit


def child(args: list[str], *, timeout: float, memory_mb: int) -> tuple[Any, str | None]:
    """Run this script as a capped child; its JSON answer, or why there is none."""
    try:
        done = subprocess.run(
            [sys.executable, __file__, *args],
            capture_output=True,
            timeout=timeout,
            preexec_fn=capped(memory_mb),
            check=False,
            text=True,
        )
    except subprocess.TimeoutExpired:
        return None, f"> {timeout:g} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return None, f"failed ({last[:100]}; memory cap {memory_mb} MB)"
    return json.loads(done.stdout), None


def gvpr(n: int, repeat: int, timeout: float, memory_mb: int) -> tuple[float | None, str | None]:
    """Graphviz's C parser on the size's graph as DOT: ``gvpr -c 'N{}'`` reads and writes it."""
    binary = shutil.which("gvpr")
    if binary is None:
        return None, "gvpr not installed"
    with tempfile.NamedTemporaryFile("w", suffix=".gv", encoding="utf-8", delete=False) as f:
        f.write(journeys.synthetic_dot(n))
    try:
        times = []
        for _ in range(repeat):
            began = cpu_seconds()
            done = subprocess.run(
                [binary, "-c", "N{}", f.name],
                capture_output=True,
                timeout=timeout,
                preexec_fn=capped(memory_mb),
                check=False,
            )
            times.append(cpu_seconds() - began)
            if done.returncode != 0:
                return None, f"failed: {done.stderr.decode()[:100]}"
        return min(times), None
    except subprocess.TimeoutExpired:
        return None, f"> {timeout:g} s"
    finally:
        os.unlink(f.name)


def ladder_step(n: int, timeout: float, memory_mb: int) -> Result:
    """Our full render and ``dot`` alone on our DOT, for a small journey (in the parent).

    Both go through a capped child process the same way; the best of three
    runs counts while a layout takes under five seconds.
    """
    doc = pipeline.compile_source(SourceFile(f"synthetic-{n}.journey", journeys.synthetic(n)))
    assert doc.journey is not None
    journey = doc.journey
    dot_text = rendering.dot.to_dot(journey, findings=views.findings(journey))
    entry: Result = {"touchpoints": n, "nodes": doc.graph().number_of_nodes()}
    alone: list[float] = []
    ours: list[float] = []
    while len(alone) < 3 and (not alone or alone[-1] < 5):
        began = time.perf_counter()
        try:
            done = subprocess.run(
                ["dot", "-Gcharset=UTF-8", "-Tsvg"],
                input=dot_text.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                preexec_fn=capped(memory_mb),
                check=False,
            )
        except subprocess.TimeoutExpired:
            entry["dot alone"] = f"> {timeout:g} s"
            return entry
        alone.append(time.perf_counter() - began)
        if done.returncode != 0:
            entry["dot alone"] = f"failed: {done.stderr.decode()[:60]}"
            return entry
        began = time.perf_counter()
        drawing = rendering.Options(
            engine="dot", max_nodes=None, timeout=timeout, memory_mb=memory_mb
        )
        views.render(journey, options=drawing)
        ours.append(time.perf_counter() - began)
    entry["dot alone"], entry["our render"] = min(alone), min(ours)
    entry["overhead"] = entry["our render"] / entry["dot alone"] - 1
    return entry


# -- report ----------------------------------------------------------------------------------


def cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}s" if value < 100 else f"{value:.0f}s"
    return str(value) if value is not None else "-"


def ratio(peer_value: Any, ours: float) -> str:
    """``peer / ours`` as ``12.3×``; a peer over its limit gives a lower bound ``> 12×``."""
    if isinstance(peer_value, float):
        return f"{peer_value / ours:.1f}×"
    if isinstance(peer_value, str) and peer_value.startswith("> "):
        limit = float(peer_value[2:].split()[0])
        return f"> {limit / ours:.0f}×"
    return "-"


def table(results: list[Result], ladder: list[Result]) -> str:
    sizes = [r["touchpoints"] for r in results]
    rows: list[tuple[str, list[str]]] = [
        ("lines", [f"{r['lines']:,}" for r in results]),
        ("transitions", [f"{r['transitions']:,}" for r in results]),
        ("parser", [r["parser"] for r in results]),
    ]
    for step in STEPS:
        rows.append((step, [cell(r["seconds"].get(step)) for r in results]))
    rows.append(("full render (dot)", [cell(r["full render (dot)"]) for r in results]))
    rows.append(
        ("peak memory, compile", [f"{r.get('compile_peak_mb', 0):.0f} MB" for r in results])
    )
    rows.append(("peak memory, all steps", [f"{r['peak_mb']:.0f} MB" for r in results]))
    for label, step in (("best", "parse+model+checks"), ("median", "parse+model+checks, median")):
        rows.append(
            (
                f"parse+model+checks lines/s, {label}",
                [f"{r['lines'] / r['seconds'][step]:,.0f}" for r in results],
            )
        )
    for name, ours in (
        ("pydot", "parse+model+checks"),
        ("gvpr", "parse+model+checks"),
        ("earley", "Lark: parse"),
    ):
        rows.append((f"peer {name} parse", [cell(r["peers"][name]) for r in results]))
        rows.append(
            (
                f"  {name} / our {ours}",
                [ratio(r["peers"][name], r["seconds"][ours]) for r in results],
            )
        )
    out_targets = targets(results, ladder)
    width = max(len(name) for name, _ in rows)
    out = [f"{'touchpoints':<{width}}" + "".join(f"{s:>16,}" for s in sizes)]
    out += [f"{name:<{width}}" + "".join(f"{v:>16}" for v in values) for name, values in rows]
    if ladder:
        out += ["", "render ladder: our full render vs `dot -Tsvg` alone on our DOT"]
        out.append(f"{'touchpoints':>12}{'nodes':>8}{'dot alone':>16}{'ours':>12}{'overhead':>10}")
        for rung in ladder:
            overhead = f"{rung['overhead']:+.1%}" if "overhead" in rung else "-"
            out.append(
                f"{rung['touchpoints']:>12}{rung['nodes']:>8}{cell(rung['dot alone']):>16}"
                f"{cell(rung.get('our render')):>12}{overhead:>10}"
            )
    return "\n".join([*out, "", *out_targets])


def targets(results: list[Result], ladder: list[Result]) -> list[str]:
    """Where the issue's three targets stand, in words."""
    lines = ["targets (issue 11: one parser)"]
    near = [r for r in results if 30_000 <= r["lines"] <= 60_000]
    for r in near:
        best = r["lines"] / r["seconds"]["parse+model+checks"]
        median = r["lines"] / r["seconds"]["parse+model+checks, median"]
        verdict = "met" if best >= 30_000 else "missed"
        lines.append(
            f"  parse+model+checks >= 30,000 lines/s (CPU time) on {r['lines']:,} lines: "
            f"best {best:,.0f}, median {median:,.0f} -> {verdict}"
        )
    timed = [r for r in results if isinstance(r["peers"].get("pydot"), float)]
    for r in timed:
        times = r["peers"]["pydot"] / r["seconds"]["parse+model+checks"]
        verdict = "met" if times >= 50 else "missed"
        lines.append(f"  >= 50x pydot at {r['lines']:,} lines: {times:.0f}x -> {verdict}")
    quick = [s for s in ladder if "overhead" in s and s["dot alone"] < 5]
    if quick:
        worst = max(s["overhead"] for s in quick)
        verdict = "met" if worst < 0.10 else "missed"
        lines.append(
            f"  render overhead < 10% of dot (sizes where dot takes < 5 s): "
            f"at most {worst:+.1%} -> {verdict}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--ladder", type=int, nargs="*", default=[25, 50, 100, 150, 200, 300, 400])
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the best counts")
    parser.add_argument("--memory-mb", type=int, default=8192, help="cap of each child")
    parser.add_argument("--size-timeout", type=float, default=1800.0)
    parser.add_argument("--peer-timeout", type=float, default=600.0)
    parser.add_argument("--render-timeout", type=float, default=120.0)
    parser.add_argument("--json", type=pathlib.Path, help="write the results here")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--try-render", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, n = args.child[0], int(args.child[1])
        if what == "ours":
            answer: Any = measure(n, args.repeat, args.render_timeout, args.try_render)
        else:
            answer = peer(what, n, args.repeat)
        print(json.dumps(answer))
        return

    results: list[Result] = []
    render_finished = True
    for n in args.sizes:
        print(f"{n:>8,} touchpoints: our pipeline", file=sys.stderr, flush=True)
        flags = ["--try-render"] if render_finished else []
        ours, problem = child(
            [
                "--child",
                "ours",
                str(n),
                "--repeat",
                str(args.repeat),
                *flags,
                "--render-timeout",
                str(args.render_timeout),
            ],
            timeout=args.size_timeout,
            memory_mb=args.memory_mb,
        )
        if ours is None:
            print(f"  our pipeline: {problem}", file=sys.stderr)
            continue
        render_finished = isinstance(ours["full render (dot)"], float)
        peers: dict[str, Any] = {}
        for name in ("pydot", "earley"):
            print(f"{n:>8,} touchpoints: peer {name}", file=sys.stderr, flush=True)
            value, problem = child(
                ["--child", name, str(n), "--repeat", "1"],
                timeout=args.peer_timeout,
                memory_mb=args.memory_mb,
            )
            peers[name] = value if value is not None else problem
        print(f"{n:>8,} touchpoints: peer gvpr", file=sys.stderr, flush=True)
        value, problem = gvpr(n, args.repeat, args.peer_timeout, args.memory_mb)
        peers["gvpr"] = value if value is not None else problem
        ours["peers"] = peers
        results.append(ours)
        print(table([ours], []), file=sys.stderr, flush=True)  # in case a later size fails
    ladder: list[Result] = []
    if args.ladder:  # the first render in a process pays for imports: not ours to count
        warm = pipeline.compile_source(SourceFile("warm.journey", journeys.synthetic(5)))
        assert warm.journey is not None
        views.render(warm.journey, options=rendering.Options(engine="dot"))
    for n in args.ladder:
        print(f"{n:>8,} touchpoints: render ladder", file=sys.stderr, flush=True)
        step = ladder_step(n, args.render_timeout, min(args.memory_mb, 4096))
        ladder.append(step)
        if "overhead" not in step:
            break  # where `dot` stops finishing: bigger journeys will not either
    if results:
        print(table(results, ladder))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "cpus": os.cpu_count(),
                    "results": results,
                    "ladder": ladder,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
