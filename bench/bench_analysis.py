"""Benchmark of ``cjdsl analyze`` on generated journeys of 1k, 10k and 100k touchpoints.

Not part of the test suite. Run from the repository root:

    python bench/bench_analysis.py                 # 1k, 10k, 100k
    python bench/bench_analysis.py --sizes 1000 --json bench/results.json
    python bench/bench_analysis.py --loops 1000 2000 3000 4000 --before 96546c4

Each journey has five stages, about three transitions per touchpoint (two
forward within the next 40 touchpoints, one inside a block of ten that may go
back: small loops such as cart recovery), some implicit drop-off, exits,
eight goals, entries with ``reach``, and a few long back edges from retention
to consideration (re-purchase loops, which join large parts of the journey
into one strongly connected component). The generator is seeded: the same
size always gives the same journey. Every analysis step is timed on its own
and printed as a table; ``--json`` writes the timings.

``--loops`` times ``analysis.analyze`` end to end (no time limit) on the
reliability review's random-loop journeys (``journeys.random_loops``: one
strongly connected component of nearly every touchpoint; ``--shape
synthetic`` for bench_pipeline's realistic ones instead), each in a fresh
child process with a wall-clock cap (``--timeout``); ``--before REV`` runs the
same in a copy of that commit (``git archive``) and prints before, after and
the ratio. On a busy machine pin BLAS to one thread in both
(``OPENBLAS_NUM_THREADS=1``), which the children inherit: threaded BLAS on
small panels is what makes timings there jump.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pathlib
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cjdsl import analysis, graph, model  # noqa: E402
from cjdsl.analysis import (  # noqa: E402
    attribution,
    conversion,
    emotion,
    funnel,
    markov,
    moments,
    order,
    paths,
    tables,
)
from cjdsl.source import SourceFile, Span  # noqa: E402

STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")
CHANNELS = (
    ("web", "online"),
    ("app", "online"),
    ("email", "online"),
    ("social", "online"),
    ("search", "online"),
    ("store", "offline"),
    ("phone", "offline"),
    ("mail", "offline"),
)


LAYERS = 30
GOAL_LAYERS = (14, 15, 18, 20, 23, 25, 27, 29)


def generate(n: int, *, seed: int = 1) -> model.Journey:
    """A synthetic journey of ``n`` nodes in 30 layers (six per stage), seeded.

    Every touchpoint leads to two nodes of the next layer or the one after, and
    one in its block of ten (a small loop when it points back); a third of the
    touchpoints of the layer before a goal also lead to that goal. About 1% of
    the nodes past the first stage are exits; the first layer holds the
    entries, with ``reach``; ``n / 5000`` transitions go from retention back
    to consideration. Explicit probabilities leave 5–40% implicit drop-off; one
    transition in five has none written (it shares the rest).
    """
    rng = np.random.default_rng(seed)
    source = SourceFile("<generated>", "")
    span = Span(source, 0, 0)
    size = max(1, (n - len(GOAL_LAYERS)) // LAYERS)
    layer_of = [min(LAYERS - 1, i // size) for i in range(n - len(GOAL_LAYERS))]
    layer_of += list(GOAL_LAYERS)
    kinds = [model.NodeKind.TOUCHPOINT] * (n - len(GOAL_LAYERS)) + [model.NodeKind.GOAL] * len(
        GOAL_LAYERS
    )
    for i in rng.choice(np.arange(6 * size, n - len(GOAL_LAYERS)), size=n // 100, replace=False):
        kinds[i] = model.NodeKind.EXIT
    members: list[list[int]] = [[] for _ in range(LAYERS)]
    place: dict[int, int] = {}  # a touchpoint's position in its layer (list.index is quadratic)
    for i, layer in enumerate(layer_of):
        if kinds[i] is model.NodeKind.TOUCHPOINT:
            place[i] = len(members[layer])
            members[layer].append(i)
    goal_of = {layer: n - len(GOAL_LAYERS) + k for k, layer in enumerate(GOAL_LAYERS)}
    ids = [f"n{i}" for i in range(n)]
    touchpoints = []
    for i in range(n):
        entry = layer_of[i] == 0 and kinds[i] is model.NodeKind.TOUCHPOINT
        touchpoints.append(
            model.Touchpoint(
                id=ids[i],
                label=ids[i],
                kind=kinds[i],
                stage=STAGES[layer_of[i] // 6],
                channel_ref=model.Ref(CHANNELS[int(rng.integers(len(CHANNELS)))][0], span),
                persona_refs=(),
                entry=entry,
                reach=float(rng.integers(100, 10_000)) if entry else None,
                emotion=model.Emotion(float(rng.integers(-2, 3)), None, span)
                if rng.random() < 0.5
                else None,
                description=None,
                actions=(),
                motivations=(),
                questions=(),
                pains=(),
                opportunities=(),
                kpis=(),
                cost=model.Money(float(rng.integers(10, 1000)), "EUR", "")
                if rng.random() < 0.1
                else None,
                owner=None,
                link=None,
                link_span=None,
                tags=(),
                events=(),
                span=span,
                name_span=span,
            )
        )
    transitions = []

    def add(u: int, v: int, p: float | None) -> None:
        after = float(rng.choice([0, 0, 3600, 86400, 604800]))
        transitions.append(
            model.Transition(
                source=ids[u],
                target=ids[v],
                probability=None if p is None else model.Quantity(p, "%", ""),
                after=model.Quantity(after, "s", "") if after else None,
                label=None,
                persona_refs=(),
                span=span,
                source_span=span,
                target_span=span,
                probability_span=None,
            )
        )

    layers = [np.array(m, dtype=np.int64) for m in members]  # rng.choice copies a list each call
    for u in range(n):
        layer = layer_of[u]
        if kinds[u] is model.NodeKind.EXIT or layer == LAYERS - 1:
            continue
        targets: set[int] = set()
        for _ in range(2):
            ahead = layers[min(LAYERS - 1, layer + 1 + int(rng.random() < 0.3))]
            if ahead.size:
                targets.add(int(rng.choice(ahead)))
        if kinds[u] is model.NodeKind.TOUCHPOINT:
            block = members[layer][(place[u] // 10) * 10 :][:10]
            inside = int(rng.choice(block))
            if inside != u:
                targets.add(inside)
            if layer + 1 in goal_of and rng.random() < 0.3:
                targets.add(goal_of[layer + 1])
        share = rng.uniform(0.6, 0.95) / max(1, len(targets))
        for v in sorted(targets):
            add(u, v, None if rng.random() < 0.2 else round(share, 4))
    for _ in range(max(2, n // 5000)):  # re-purchase loops: retention back to consideration
        add(int(rng.choice(layers[20])), int(rng.choice(layers[8])), 0.01)
    return model.Journey(
        title=f"generated {n}",
        description=None,
        owner=None,
        personas=(),
        channels=tuple(model.Channel(c, c, k, span, span, "") for c, k in CHANNELS),
        stages=tuple(
            model.Stage(s, s, None, tuple(t.id for t in touchpoints if t.stage == s), span, span)
            for s in STAGES
        ),
        touchpoints=tuple(touchpoints),
        transitions=tuple(transitions),
        import_refs=(),
        span=span,
    )


def run(n: int, top: int) -> dict[str, Any]:
    timings: dict[str, float] = {}

    def timed(name: str, step: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        value = step()
        timings[name] = time.perf_counter() - began
        print(f"{n:>8,}  {name}: {timings[name]:.3f}s", file=sys.stderr, flush=True)
        return value

    journey = timed("generate journey", lambda: generate(n))
    timed("graph.build (NetworkX)", lambda: graph.build(journey))
    chain = timed("chain + condensation", lambda: markov.build(journey))
    solution = timed("conversion (per goal, entry, time)", lambda: conversion.solve(chain))
    funnel_ = timed(
        "funnel (visits, reach, stages)", lambda: funnel.solve(journey, chain, solution)
    )
    timed(
        "removal effects (all touchpoints, channels)",
        lambda: attribution.with_channels(
            chain, solution, attribution.solve(journey, chain, solution)
        ),
    )
    goals = paths.goal_states(chain)
    walk = paths.Adjacency(chain)
    converting = paths.Adjacency(chain, terminal=goals)
    timed("most probable paths", lambda: paths.most_probable(walk, goals))
    timed("shortest paths", lambda: paths.shortest(walk, goals))
    best = timed(f"top-{top} converting paths", lambda: paths.top(converting, goals, top))
    timed(
        "moments of truth (dominators)",
        lambda: (moments.dominator_tree(walk), moments.dominator_tree(converting, sink_from=goals)),
    )
    critical = timed(
        "critical paths", lambda: [paths.longest_to(walk, g, np.zeros(chain.size)) for g in goals]
    )
    values = emotion.scores(journey, chain)
    timed("worst-emotion paths", lambda: [emotion.worst_path(walk, g, values) for g in goals])
    timed("funnel order", lambda: order.moves(journey, chain, funnel_.visits))
    report = timed("analyze() end to end", lambda: analysis.analyze(journey, top=top))
    timed("JSON + text output", lambda: (analysis.to_json(report), tables.text(report)))
    removed = [journey.touchpoints[n // 2].id]
    timed(
        "what-if --without (two analyses)",
        lambda: analysis.analyze(journey, top=top, without=removed),
    )
    return {
        "touchpoints": n,
        "transitions": len(journey.transitions),
        "largest_loop": chain.system.largest_component,
        "conversion": report.conversion.probability,
        "top_complete": best.complete,
        "critical_methods": sorted({c[3] for c in critical if c is not None}),
        "seconds": timings,
    }


_CHILD = """
import inspect, json, sys, time
sys.path.insert(0, {bench!r})
import cjdsl, journeys
from cjdsl import analysis
assert cjdsl.__file__.startswith({tree!r}), cjdsl.__file__
journey = cjdsl.loads(journeys.{shape}({n}), raise_on_error=False).journey
bounded = "time_limit" in inspect.signature(analysis.analyze).parameters
unbounded = {{"time_limit": None}} if bounded else {{}}
began = time.perf_counter()
analysis.analyze(journey, **unbounded)
print(json.dumps({{"seconds": time.perf_counter() - began}}))
"""


def loops(n: int, tree: pathlib.Path, timeout: float, shape: str) -> float | None:
    """Seconds ``analyze`` takes on ``journeys.<shape>(n)`` with ``tree``'s cjdsl (None: capped)."""
    code = _CHILD.format(bench=str(ROOT / "bench"), tree=str(tree), n=n, shape=shape)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=tree,  # ``-c`` puts the working directory first on the path
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"{tree}: {n} touchpoints failed:\n{error.stderr}") from error
    return float(json.loads(done.stdout)["seconds"])


def checkout(rev: str, into: pathlib.Path) -> pathlib.Path:
    """The files of commit ``rev`` under ``into`` (``git archive``: no work tree touched)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def compare_loops(
    sizes: list[int], before: str | None, timeout: float, shape: str
) -> list[dict[str, Any]]:
    """Before (``before`` commit), after (this tree) and their ratio for each size."""

    def shown(seconds: float | None) -> str:
        return f"> {timeout:g} s" if seconds is None else f"{seconds:.2f} s"

    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"journeys.{shape}: analyze() end to end, OPENBLAS_NUM_THREADS={threads}")
    print(f"{'touchpoints':>12}{'before':>14}{'after':>12}{'ratio':>10}")
    out = []
    with tempfile.TemporaryDirectory() as scratch:
        old = checkout(before, pathlib.Path(scratch)) if before else None
        for n in sizes:
            after = loops(n, ROOT, timeout, shape)
            was = loops(n, old, timeout, shape) if old else None
            ratio = "–"
            if old and after:
                ratio = f"> {timeout / after:.0f}×" if was is None else f"{was / after:.1f}×"
            print(f"{n:>12,}{shown(was) if old else '–':>14}{shown(after):>12}{ratio:>10}")
            out.append({"touchpoints": n, "before": was, "after": after})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--loops", type=int, nargs="+", help="random-loop sizes, end to end")
    parser.add_argument("--before", metavar="REV", help="with --loops: also time this commit")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per --loops run")
    parser.add_argument(
        "--shape",
        choices=("random_loops", "synthetic"),
        default="random_loops",
        help="with --loops: the generator (synthetic: bench_pipeline's realistic journey)",
    )
    parser.add_argument("--json", type=pathlib.Path, help="write the results here")
    args = parser.parse_args()
    if args.loops:
        found = compare_loops(args.loops, args.before, args.timeout, args.shape)
        if args.json:
            args.json.write_text(json.dumps({"loops": found}, indent=2) + "\n", encoding="utf-8")
        return
    results = [run(n, args.top) for n in args.sizes]
    steps = list(results[0]["seconds"])
    width = max(map(len, steps))
    print(f"{'step':<{width}}" + "".join(f"{r['touchpoints']:>12,}" for r in results))
    for step in steps:
        print(f"{step:<{width}}" + "".join(f"{r['seconds'][step]:>11.3f}s" for r in results))
    for key in ("transitions", "largest_loop", "top_complete", "critical_methods"):
        print(f"{key:<{width}}" + "".join(f"{r[key]!s:>12}" for r in results))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "results": results,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
