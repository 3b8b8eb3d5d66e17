"""The journey as a NetworkX graph: the one module that knows its attribute keys.

Nodes are touchpoint, goal and exit ids with ``kind`` (a ``NodeKind``),
``stage``, ``channel`` and ``reach`` (customers entering, or ``None``). Edges carry
``p`` (the effective probability: the written one, or an equal share of what the
written ones leave), ``explicit`` (whether it was given), ``after`` (seconds or
``None``; for parallel transitions the mean of theirs, weighted by their probability)
and ``transitions`` (the model transitions merged into the edge).

Numbers that are not in the file (fitted from event data, a scenario's) come in as
``Numbers`` and take the place of the written ones, so analysis and rendering run on
them without faking ``Quantity`` values into the model.

The stage order (``stage_order``, ``stage_move``: back to an earlier stage, or past
one) lives here, below the funnel checks (CJ501, CJ502) and the analysis's stage moves
that both read it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Final

import networkx as nx

from . import model

__all__ = [
    "NO_NUMBERS",
    "Numbers",
    "StageMove",
    "build",
    "effective_probabilities",
    "move_between",
    "neighbours",
    "outflow",
    "reachable",
    "stage_move",
    "stage_order",
    "starts",
]

Edge = tuple[str, str]


@dataclasses.dataclass(frozen=True, slots=True)
class Numbers:
    """Figures from outside the text, which take the place of what the file says.

    ``probabilities`` and ``durations`` (seconds) are per edge ``(source, target)``:
    parallel transitions of one edge share its probability. Unwritten transitions leaving
    the same touchpoint share what the given and written ones leave, as in a file.
    ``reach`` is per entry.
    """

    probabilities: Mapping[Edge, float] = dataclasses.field(default_factory=dict)
    durations: Mapping[Edge, float] = dataclasses.field(default_factory=dict)
    reach: Mapping[str, float] = dataclasses.field(default_factory=dict)


NO_NUMBERS: Final = Numbers()


def build(
    journey: model.Journey, *, persona: str | None = None, numbers: Numbers = NO_NUMBERS
) -> nx.DiGraph:
    """Build the graph of what ``persona`` meets (everyone's when ``None``), with the
    file's numbers or, where ``numbers`` gives them, those.

    Transitions naming unknown touchpoints are left out: lowering has
    reported them, and NetworkX would silently invent the nodes.
    """
    graph = nx.DiGraph(title=journey.title)
    reach = numbers.reach
    add_node = graph.add_node  # not add_nodes_from: each (id, data) pair there costs a TypeError
    for node in journey.touchpoints:
        if persona is None or node.applies_to(persona):
            add_node(
                node.id,
                kind=node.kind,
                stage=node.stage,
                channel=node.channel,
                reach=reach.get(node.id, node.reach),
            )
    present = set(graph)  # a set: NodeView's `in` is a Python call per transition
    transitions = [
        t
        for t in journey.transitions
        if t.source in present
        and t.target in present
        and (persona is None or t.applies_to(persona))
    ]
    shares = effective_probabilities(transitions, numbers.probabilities)
    durations = numbers.durations
    given = numbers.probabilities
    # Parallel transitions merge into one edge: merged first, then added in one call. An
    # edge's transitions are a tuple, a list only while more are merged in (adding to a
    # tuple copies it).
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    merged: list[dict[str, Any]] = []
    for transition, share in zip(transitions, shares, strict=True):
        key = (transition.source, transition.target)
        after = transition.after.value if transition.after else None
        data = edges.get(key)
        if data is None:
            edges[key] = {
                "p": share,
                "explicit": transition.probability is not None or key in given,
                "after": durations.get(key, after),
                "transitions": (transition,),
            }
            continue
        if key not in durations and (after is not None or data["after"] is not None):
            # the edge's duration is the mean of its transitions', weighted by who takes them
            total = data["p"] + share
            mine, theirs = after or 0.0, data["after"] or 0.0
            data["after"] = (theirs * data["p"] + mine * share) / total if total > 0 else theirs
        data["p"] += share
        if isinstance(data["transitions"], tuple):
            data["transitions"] = list(data["transitions"])
            merged.append(data)
        data["transitions"].append(transition)
    for data in merged:
        data["transitions"] = tuple(data["transitions"])
    graph.add_edges_from((u, v, data) for (u, v), data in edges.items())
    return graph


def effective_probabilities(
    transitions: Iterable[model.Transition], given: Mapping[Edge, float] | None = None
) -> list[float]:
    """Each transition's probability; unwritten ones share what the written ones leave.

    ``given``: probabilities per edge from outside the text, which replace the written
    ones (an edge's parallel transitions share its probability equally).

    >>> from cjdsl import loads
    >>> doc = loads('journey "J"\\ntouchpoint a\\ngoal b\\nexit c\\na -> b 40%\\na -> c',
    ...             raise_on_error=False)
    >>> effective_probabilities(doc.journey.transitions)
    [0.4, 0.6]
    """
    items = list(transitions)
    fixed: list[float | None]
    if given:
        parallel = Counter(edge for t in items if (edge := (t.source, t.target)) in given)

        def fixed_share(t: model.Transition) -> float | None:
            """What the numbers from outside or the file fix; ``None``: a share of the rest."""
            edge = (t.source, t.target)
            if edge in given:
                return given[edge] / parallel[edge]
            return t.probability.value if t.probability is not None else None

        fixed = [fixed_share(t) for t in items]
    else:  # only the file's numbers: no call per transition
        fixed = [q.value if (q := t.probability) is not None else None for t in items]
    written: defaultdict[str, float] = defaultdict(float)
    unwritten: defaultdict[str, int] = defaultdict(int)
    for t, p in zip(items, fixed, strict=True):
        if p is None:
            unwritten[t.source] += 1
        else:
            written[t.source] += p
    return [
        p if p is not None else max(0.0, 1.0 - written[t.source]) / unwritten[t.source]
        for t, p in zip(items, fixed, strict=True)
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
    adjacency = neighbours(graph, backwards=backwards)
    seen = set(sources)
    stack = list(seen)
    while stack:
        for neighbour in adjacency[stack.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return seen


def neighbours(graph: nx.DiGraph, *, backwards: bool = False) -> dict[str, Mapping[str, Any]]:
    """Each node's successors (or predecessors, ``backwards``) with the edge data, read in
    one pass: ``graph.succ[u]`` makes a view object for every node it is asked about."""
    return dict((nx.reverse_view(graph) if backwards else graph).adjacency())


@dataclasses.dataclass(frozen=True, slots=True)
class StageMove:
    """A transition's move between stages: ``back`` to an earlier one or a ``skip`` over some."""

    kind: str
    from_stage: str
    to_stage: str
    skipped: tuple[str, ...]


def stage_order(journey: model.Journey, present: Iterable[str]) -> list[str]:
    """The ids of the stages that hold one of the ``present`` nodes, in declaration order."""
    used = {node.stage for id_ in present if (node := journey.touchpoint(id_)) is not None}
    return [s.id for s in journey.stages if s.id in used]


def stage_move(
    journey: model.Journey, order: list[str], source: str, target: str
) -> StageMove | None:
    """How ``source -> target`` moves through the ``order`` of stages, if out of order.

    Only stages in ``order`` count, and a transition into an exit (customers lost) is no
    funnel move.

    >>> from cjdsl import loads
    >>> j = loads('journey "J"\\nstage a {\\n entry touchpoint x\\n}\\n'
    ...           'stage b {\\n touchpoint y\\n}\\nstage c {\\n goal z\\n}\\n'
    ...           'x -> y -> z\\nx -> z\\n').journey
    >>> stage_move(j, ["a", "b", "c"], "x", "z")
    StageMove(kind='skip', from_stage='a', to_stage='c', skipped=('b',))
    >>> stage_move(j, ["a", "b", "c"], "x", "y") is None
    True
    """
    start, end = journey.touchpoint(source), journey.touchpoint(target)
    if start is None or end is None or end.kind is model.NodeKind.EXIT:
        return None
    if start.stage not in order or end.stage not in order:
        return None
    return move_between(order, order.index(start.stage), order.index(end.stage))


def move_between(order: list[str], i: int, j: int) -> StageMove | None:
    """The move from the ``i``-th stage of ``order`` to the ``j``-th, if out of order."""
    if j < i:
        return StageMove("back", order[i], order[j], ())
    if j > i + 1:
        return StageMove("skip", order[i], order[j], tuple(order[i + 1 : j]))
    return None
