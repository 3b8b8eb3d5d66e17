"""The journey as a NetworkX graph: the one module that knows its attribute keys.

Nodes are touchpoint, goal and exit ids with ``kind`` (a ``NodeKind``),
``stage`` and ``channel``. Edges carry ``p`` (the effective probability:
the written one, or an equal share of what the written ones leave),
``explicit`` (whether it was written), ``after`` (seconds or ``None``) and
``transitions`` (the model transitions merged into the edge).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from . import model

__all__ = ["build", "effective_probabilities", "outflow", "reachable", "starts"]


def build(journey: model.Journey, *, persona: str | None = None) -> nx.DiGraph:
    """Build the graph of what ``persona`` meets (everyone's when ``None``).

    Transitions naming unknown touchpoints are left out: lowering has
    reported them, and NetworkX would silently invent the nodes.
    """
    graph = nx.DiGraph(title=journey.title)
    graph.add_nodes_from(
        (node.id, {"kind": node.kind, "stage": node.stage, "channel": node.channel})
        for node in journey.touchpoints
        if node.applies_to(persona)
    )
    present = graph.nodes
    transitions = [
        t
        for t in journey.transitions
        if t.source in present and t.target in present and t.applies_to(persona)
    ]
    shares = effective_probabilities(transitions)
    # Parallel transitions merge into one edge: merged first, then added in one call.
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for transition, share in zip(transitions, shares, strict=True):
        key = (transition.source, transition.target)
        data = edges.get(key)
        if data is not None:
            data["p"] += share
            data["transitions"] += (transition,)
            continue
        edges[key] = {
            "p": share,
            "explicit": transition.probability is not None,
            "after": transition.after.value if transition.after else None,
            "transitions": (transition,),
        }
    graph.add_edges_from((u, v, data) for (u, v), data in edges.items())
    return graph


def effective_probabilities(transitions: Iterable[model.Transition]) -> list[float]:
    """Each transition's probability; unwritten ones share what the written ones leave.

    >>> from cjdsl import loads
    >>> doc = loads('journey "J"\\ntouchpoint a\\ngoal b\\nexit c\\na -> b 40%\\na -> c',
    ...             raise_on_error=False)
    >>> effective_probabilities(doc.journey.transitions)
    [0.4, 0.6]
    """
    items = list(transitions)
    written: defaultdict[str, float] = defaultdict(float)
    unwritten: defaultdict[str, int] = defaultdict(int)
    for t in items:
        if t.probability is None:
            unwritten[t.source] += 1
        else:
            written[t.source] += t.probability.value
    return [
        t.probability.value
        if t.probability is not None
        else max(0.0, 1.0 - written[t.source]) / unwritten[t.source]
        for t in items
    ]


def outflow(graph: nx.DiGraph) -> dict[str, float]:
    """The probability of leaving each node by a transition (the rest is its drop-off).

    >>> from cjdsl import loads
    >>> outflow(loads('journey "J"\\nentry touchpoint a\\ngoal b\\na -> b 40%').graph())
    {'a': 0.4, 'b': 0.0}
    """
    return {u: sum((data["p"] for data in out.values()), 0.0) for u, out in graph.adjacency()}


def starts(journey: model.Journey, graph: nx.DiGraph) -> list[str]:
    """Where customers start: the ``entry`` touchpoints, else those nothing leads to."""
    entries = [t.id for t in journey.touchpoints if t.entry and t.id in graph]
    if entries:
        return entries
    return [
        t.id
        for t in journey.touchpoints
        if t.id in graph and t.kind is model.NodeKind.TOUCHPOINT and graph.in_degree(t.id) == 0
    ]


def reachable(graph: nx.DiGraph, sources: Iterable[str], *, backwards: bool = False) -> set[str]:
    """Every node reachable from ``sources`` (or reaching one, ``backwards``), sources included.

    One traversal for all sources, where a union of ``nx.descendants`` would walk the graph
    once per source.
    """
    adjacency = graph.pred if backwards else graph.succ
    seen = set(sources)
    stack = list(seen)
    while stack:
        for neighbour in adjacency[stack.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return seen
