"""Journey analytics: conversion, funnel, paths, moments of truth, attribution, emotion.

``analyze`` treats the journey as an absorbing Markov chain (``markov``) and
returns one typed ``Report`` (``report``); ``docs/analysis.md`` explains every
figure.

>>> import cjdsl
>>> from cjdsl import analysis
>>> doc = cjdsl.loads('journey "Shop"\\nentry touchpoint ad\\ntouchpoint cart\\ngoal bought\\n'
...                   'ad -> cart 50%\\ncart -> bought 40%\\n')
>>> result = analysis.analyze(doc.journey)
>>> round(result.conversion.probability, 4)  # 50% × 40%
0.2
>>> result.goal("bought").most_probable.nodes
('ad', 'cart', 'bought')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable

import networkx as nx
import numpy as np

from .. import graph as graphs
from .. import model, personas
from ..diagnostics import did_you_mean
from . import (
    attribution,
    compare,
    conversion,
    emotion,
    funnel,
    markov,
    moments,
    order,
    paths,
    report,
    solver,
)
from .report import Report, to_dict, to_json

__all__ = [
    "Report",
    "analyze",
    "attribution",
    "compare",
    "conversion",
    "emotion",
    "funnel",
    "markov",
    "moments",
    "order",
    "paths",
    "removal_targets",
    "report",
    "solver",
    "to_dict",
    "to_json",
]


def removal_targets(journey: model.Journey, ids: Iterable[str]) -> tuple[str, ...]:
    """The node ids that removing ``ids`` (node or channel ids) takes out, in declaration order.

    A channel stands for its touchpoints (not its goals or exits).

    Raises:
        ValueError: an id is neither a node nor a channel; the message suggests the closest.
    """
    nodes = {t.id for t in journey.touchpoints}
    channels = {c.id for c in journey.channels}
    chosen: set[str] = set()
    for id_ in ids:
        if id_ in nodes:
            chosen.add(id_)
        elif id_ in channels:
            chosen.update(
                t.id
                for t in journey.touchpoints
                if t.channel == id_ and t.kind is model.NodeKind.TOUCHPOINT
            )
        else:
            close = did_you_mean(id_, sorted(nodes | channels))
            hint = f"; {close}" if close else ""
            raise ValueError(f"`{id_}` is neither a touchpoint nor a channel{hint}")
    return tuple(t.id for t in journey.touchpoints if t.id in chosen)


def analyze(
    journey: model.Journey,
    *,
    persona: str | None = None,
    without: Collection[str] = (),
    top: int = 3,
) -> Report:
    """Every figure of ``journey`` for ``persona`` (everyone when ``None``).

    ``without`` names touchpoints or channels to remove (their traffic is
    lost): the report then holds the changed figures, the original ones as
    ``baseline`` and the ``differences``. ``top`` is the number of most
    probable converting paths.

    Raises:
        ValueError: an unknown persona or ``without`` id, or ``top`` below 1.
    """
    personas.choose(journey, persona)
    if top < 1:
        raise ValueError(f"`top` must be at least 1, not {top}")
    removed = removal_targets(journey, without)
    graph = graphs.build(journey, persona=persona)  # one graph for the journey and its what-if
    base = _analyze(journey, persona, (), top, graph)
    if not without:
        return base
    changed = _analyze(journey, persona, removed, top, graph)
    return dataclasses.replace(
        changed,
        without=tuple(without),
        baseline=base,
        differences=compare.differences(base, changed),
    )


def _analyze(
    journey: model.Journey,
    persona: str | None,
    removed: tuple[str, ...],
    top: int,
    graph: nx.DiGraph,
) -> Report:
    chain = markov.build(journey, persona=persona, without=removed, graph=graph)
    notes = list(chain.notes)
    solution = conversion.solve(chain)
    funnel_ = funnel.solve(journey, chain, solution)
    credit = attribution.solve(journey, chain, solution)
    goals = paths.goal_states(chain)
    walk = paths.Adjacency(chain)
    converting = paths.Adjacency(chain, terminal=goals)
    probable = paths.most_probable(walk, goals)
    fewest = paths.shortest(walk, goals)
    best = paths.top(converting, goals, top)
    if not best.complete:
        notes.append(
            f"the search for the top {top} paths stopped after {best.expansions} expansions"
        )
    tree = moments.dominator_tree(walk)
    sink_tree = moments.dominator_tree(converting, sink_from=goals)
    n = chain.size
    values = emotion.scores(journey, chain)
    goal_reports = []
    for column, g in enumerate(solution.goals):
        g = int(g)
        reachable = g in probable
        critical = _critical(walk, g) if reachable else None
        worst = emotion.worst_path(walk, g, values) if reachable else None
        for name, found in (("critical", critical), ("worst-emotion", worst)):
            if found is not None and not found.exact:
                notes.append(
                    f"the {name} path to `{chain.nodes[g]}` is a lower bound: too many "
                    "simple paths through loops to search them all"
                )
        node = journey.touchpoint(chain.nodes[g])
        entering = sum(chain.reach.values()) if chain.reach else None
        reach_g = float(chain.weights @ solution.per_goal[:, column])
        goal_reports.append(
            report.Goal(
                id=chain.nodes[g],
                label=node.label if node else chain.nodes[g],
                conversion=reach_g,
                first=float(chain.weights @ solution.first[:, column]),
                customers=None if entering is None else reach_g * entering,
                steps=solution.goal_steps[column],
                time=solution.goal_time[column],
                most_probable=probable.get(g),
                shortest=fewest.get(g),
                critical=critical,
                worst_emotion=worst,
                moments=tuple(chain.nodes[d] for d in moments.dominators(tree, g, n)),
            )
        )
    if solution.goals.size == 0:
        notes.append("the journey has no goal: nothing counts as converting")
    elif solution.probability <= 0 and chain.starts:
        notes.append("no goal can be reached from the entries: the conversion is 0")
    moment_ids = tuple(
        chain.nodes[d]
        for d in moments.dominators(sink_tree, n + 1, n)
        if chain.kinds[d] is model.NodeKind.TOUCHPOINT
    )
    main_path = best.paths[0].nodes if best.paths else ()
    points, average = emotion.curve(journey, main_path)
    low, pains = emotion.lowest(journey, chain, funnel_.reached)
    channel_reports = attribution.channels(journey, chain, solution, credit, notes)
    return Report(
        title=journey.title,
        persona=persona,
        without=(),
        weighting="reach" if chain.reach else ("equal" if chain.starts else "none"),
        conversion=conversion.summary(chain, solution),
        entries=conversion.entries(journey, chain, solution),
        goals=tuple(goal_reports),
        stages=funnel.stages(journey, chain, funnel_),
        nodes=_nodes(journey, chain, funnel_, credit),
        channels=channel_reports,
        top_paths=best,
        moments=moment_ids,
        bottlenecks=funnel.bottlenecks(chain, funnel_),
        emotion=report.Emotion(points, average, low, pains),
        moves=order.moves(journey, chain, funnel_.visits),
        switches=order.switches(journey, main_path),
        notes=tuple(notes),
    )


def _critical(walk: paths.Adjacency, goal: int) -> report.LongestPath | None:
    found = paths.longest_to(walk, goal, np.zeros(walk.chain.size))
    if found is None:
        return None
    nodes, value, exact, method = found
    return report.LongestPath(walk.path(nodes), value, exact, method)


def _nodes(
    journey: model.Journey,
    chain: markov.Chain,
    funnel_: funnel.Funnel,
    credit: attribution.Attribution,
) -> tuple[report.Node, ...]:
    out = []
    for i, id_ in enumerate(chain.nodes):
        node = journey.touchpoint(id_)
        visits = float(funnel_.visits[i])
        effect, share = float(credit.effect[i]), float(credit.share[i])
        out.append(
            report.Node(
                id=id_,
                label=node.label if node else id_,
                kind=chain.kinds[i].value,
                stage=chain.stages[i],
                channel=chain.channels[i],
                reach=float(funnel_.reached[i]),
                visits=visits if np.isfinite(visits) else None,
                drop_off=float(funnel_.drop_off[i]),
                implicit=float(funnel_.implicit[i]),
                lost_conversion=float(funnel_.lost_conversion[i]),
                removal_effect=None if np.isnan(effect) else effect,
                share=None if np.isnan(share) else share,
                removed=bool(chain.removed[i]),
            )
        )
    return tuple(out)
