"""Benchmark of ``cjdsl analyze`` on generated journeys of 1k, 10k and 100k touchpoints.

Not part of the test suite. Run from the repository root:

    python bench/bench_analysis.py                 # 1k, 10k, 100k
    python bench/bench_analysis.py --sizes 1000 --json bench/results.json

Each journey has five stages, about three transitions per touchpoint (two
forward within the next 40 touchpoints, one inside a block of ten that may go
back: small loops such as cart recovery), some implicit drop-off, exits,
eight goals, entries with ``reach``, and a few long back edges from retention
to consideration (re-purchase loops, which join large parts of the journey
into one strongly connected component). The generator is seeded: the same
size always gives the same journey. Every analysis step is timed on its own
and printed as a table; ``--json`` writes the timings.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import platform
import sys
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
                channel=CHANNELS[int(rng.integers(len(CHANNELS)))][0],
                personas=(),
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
                span=span,
                name_span=span,
                channel_span=None,
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
                personas=(),
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
        imports=(),
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
        lambda: attribution.solve(journey, chain, solution),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--json", type=pathlib.Path, help="write the results here")
    args = parser.parse_args()
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
