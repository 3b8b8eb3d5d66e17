"""Graph-structure checks (CJ2xx): dead ends, reachability, loops, goals."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from .. import codes, model
from .. import graph as graphs
from ..diagnostics import Diagnostic, Related
from . import check, shared

__all__ = [
    "closed_loops",
    "dead_ends",
    "duplicate_transitions",
    "inescapable_cycles",
    "no_entry",
    "no_goal",
    "no_path_to_goal",
    "transitions_from_exits",
    "unreachable",
]

_EPSILON = 1e-9


def _touchpoints(journey: model.Journey, graph: nx.DiGraph) -> Iterator[model.Touchpoint]:
    return (t for t in journey.touchpoints if t.kind is model.NodeKind.TOUCHPOINT and t.id in graph)


@shared
def _leaving(graph: nx.DiGraph) -> set[str]:
    """The nodes a transition leaves: one pass over the adjacency, where ``out_degree``
    makes a degree view for each node it is asked about."""
    return {u for u, successors in graph.adjacency() if successors}


@check(codes.DEAD_END)
def dead_ends(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Touchpoints (not goals or exits) that no transition leaves."""
    leaving = _leaving(graph)
    for node in _touchpoints(journey, graph):
        if node.id not in leaving:
            yield Diagnostic(
                codes.DEAD_END,
                f"`{node.id}` is a dead end",
                node.name_span,
                label="no transition leaves this touchpoint",
                hint=f"add a transition such as `{node.id} -> …`, or declare it as an `exit`",
            )


@check(codes.UNREACHABLE)
def unreachable(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Nodes no path from a start reaches."""
    starts = graphs.starts(journey, graph)
    if not starts:
        return
    reached = graphs.reachable(graph, starts)
    for node in journey.touchpoints:
        if node.id in graph and node.id not in reached:
            yield Diagnostic(
                codes.UNREACHABLE,
                f"`{node.id}` cannot be reached",
                node.name_span,
                label="no path from an entry leads here",
                hint=f"add a transition into `{node.id}`, or mark it `entry`"
                if node.kind is model.NodeKind.TOUCHPOINT
                else f"add a transition into `{node.id}`",
            )


@check(codes.NO_PATH_TO_GOAL)
def no_path_to_goal(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Touchpoints whose every path ends in a dead end or a closed loop."""
    ends = [
        t.id
        for t in journey.touchpoints
        if t.id in graph and t.kind is not model.NodeKind.TOUCHPOINT
    ]
    if not any(t.kind is model.NodeKind.GOAL for t in journey.touchpoints):
        return  # CJ206 says it once for the journey
    reaching = graphs.reachable(graph, ends, backwards=True)
    looped = set().union(*closed_loops(graph))  # CJ204 reports those
    leaving = _leaving(graph)
    for node in _touchpoints(journey, graph):
        if node.id not in reaching and node.id not in looped and node.id in leaving:
            yield Diagnostic(
                codes.NO_PATH_TO_GOAL,
                f"no goal or exit can be reached from `{node.id}`",
                node.name_span,
                label="every path from here ends in a dead end or a loop",
                hint="lead a path on to a goal, or end it in an `exit`",
            )


@shared
def closed_loops(graph: nx.DiGraph) -> list[set[str]]:
    """Loops customers can never leave: no edge out and no implicit drop-off inside.

    Such a loop lies among the sealed nodes: those that leave no drop-off and lead
    only to sealed nodes. In a sound journey there are none, so the loops are
    searched among those few nodes only.
    """
    sealed = {u for u, total in graphs.outflow(graph).items() if total >= 1 - _EPSILON}
    if not sealed:
        return []
    successors = graphs.neighbours(graph)
    predecessors = graphs.neighbours(graph, backwards=True)
    pending = list(sealed)
    while pending:  # unseal what leads out of the sealed nodes, and what leads there
        u = pending.pop()
        if u in sealed and not sealed.issuperset(successors[u]):
            sealed.discard(u)
            pending.extend(w for w in predecessors[u] if w in sealed)
    if not sealed:  # the search below walks every node of the graph, sealed or not
        return []
    loops = []
    for component in nx.strongly_connected_components(graph.subgraph(sealed)):
        if len(component) == 1:
            (only,) = component
            if not graph.has_edge(only, only):
                continue
        if all(v in component for u in component for v in graph.successors(u)):
            loops.append(component)
    return loops


@check(codes.INESCAPABLE_CYCLE)
def inescapable_cycles(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Loops that customers can never leave."""
    order = {t.id: i for i, t in enumerate(journey.touchpoints)}
    for loop in closed_loops(graph):
        members = sorted(loop, key=order.__getitem__)
        node = journey.touchpoint(members[0])
        assert node is not None
        names = ", ".join(f"`{n}`" for n in members)
        yield Diagnostic(
            codes.INESCAPABLE_CYCLE,
            f"customers who enter the loop {names} never leave it",
            node.name_span,
            label="no transition leaves this loop and every probability is spent",
            hint="add a transition out of the loop, or lower a probability to leave a drop-off",
        )


@check(codes.TRANSITION_FROM_EXIT)
def transitions_from_exits(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Transitions that leave an exit."""
    exits = {t.id: t for t in journey.touchpoints if t.kind is model.NodeKind.EXIT}
    for transition in journey.transitions:
        node = exits.get(transition.source)
        if node is not None:
            yield Diagnostic(
                codes.TRANSITION_FROM_EXIT,
                f"a transition leaves the exit `{node.id}`",
                transition.span,
                label="exits are terminal",
                hint=f"declare `{node.id}` as a touchpoint if customers come back from it",
                related=(Related(node.name_span, "declared as an exit here"),),
            )


@check(codes.NO_GOAL)
def no_goal(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """A journey without any goal."""
    if journey.touchpoints and not any(t.kind is model.NodeKind.GOAL for t in journey.touchpoints):
        yield Diagnostic(
            codes.NO_GOAL,
            f"journey `{journey.title}` has no goal",
            journey.span,
            label="nothing counts as converting",
            hint='declare the conversion milestone, e.g. `goal bought "Order placed"`',
        )


@check(codes.NO_ENTRY)
def no_entry(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """No start at all: no ``entry`` and every touchpoint has a way in."""
    if any(t.kind is model.NodeKind.TOUCHPOINT for t in journey.touchpoints) and not (
        graphs.starts(journey, graph)
    ):
        yield Diagnostic(
            codes.NO_ENTRY,
            "the journey has no start",
            journey.span,
            label="no `entry`, and every touchpoint has an incoming transition",
            hint="mark where customers start: `entry touchpoint …`",
        )


@check(codes.DUPLICATE_TRANSITION)
def duplicate_transitions(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """The same source and target declared twice for overlapping personas."""
    # An edge's first transition is kept as it is; its ``_Declared`` is made only when a
    # second one comes (most edges have one: 30,000 of them cost a sixth of all checks).
    seen: dict[tuple[str, str], _Declared | model.Transition] = {}
    for transition in journey.transitions:
        key = (transition.source, transition.target)
        declared = seen.get(key)
        if declared is None:
            seen[key] = transition
            continue
        if isinstance(declared, model.Transition):
            first, declared = declared, _Declared()
            declared.add(first)
            seen[key] = declared
        earlier = declared.first_overlap(transition)
        if earlier is not None:
            yield Diagnostic(
                codes.DUPLICATE_TRANSITION,
                f"`{key[0]} -> {key[1]}` is declared twice",
                transition.span,
                label="second declaration",
                hint="keep one transition and merge the probabilities",
                related=(Related(earlier.span, "first declared here"),),
            )
        declared.add(transition)


class _Declared:
    """The transitions of one ``source -> target`` so far, indexed by the personas they name.

    The first earlier one that overlaps a new one is found from the new one's ``for`` list,
    not by comparing it with every earlier one: a transition per persona for 64,000
    personas made 2 billion set comparisons."""

    def __init__(self) -> None:
        self.all: list[model.Transition] = []
        self.first_for_everyone: int | None = None
        self.first_naming: dict[str, int] = {}

    def first_overlap(self, transition: model.Transition) -> model.Transition | None:
        """The first earlier transition met by someone who also meets ``transition``."""
        if not self.all:
            return None
        personas = transition.personas
        if not personas:
            return self.all[0]
        found = [self.first_naming[p] for p in personas if p in self.first_naming]
        if self.first_for_everyone is not None:
            found.append(self.first_for_everyone)
        return self.all[min(found)] if found else None

    def add(self, transition: model.Transition) -> None:
        index = len(self.all)
        self.all.append(transition)
        personas = transition.personas
        if not personas and self.first_for_everyone is None:
            self.first_for_everyone = index
        for persona in personas:
            self.first_naming.setdefault(persona, index)
