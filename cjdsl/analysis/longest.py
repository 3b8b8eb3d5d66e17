"""Longest simple paths (critical path, worst-emotion path) along the condensation.

The longest simple path is NP-hard in general, but a simple path visits each
strongly connected component (SCC) at most once, in one piece: it is a chain
of within-component segments joined by edges of the condensation, which has no
loop. So the best path is found by dynamic programming over the condensation
in topological order, where each component contributes the best simple path
from the node where the path enters it to the node where it leaves. Those
segments come from an exhaustive search inside the component, exact for the
small loops journeys have (cart recovery, support); a component with more
than ``SEARCH_LIMIT`` nodes, or whose search needs more than ``STEPS`` steps,
keeps only the edges that follow a depth-first order (its back edges dropped):
the path found is still a real path, but its value is then only a lower
bound. ``method`` reports which: ``dag`` (no loop), ``condensation`` (loops,
all searched: exact) or ``condensation-lower-bound``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

from . import budget

__all__ = [
    "SEARCH_LIMIT",
    "STEPS",
    "Edges",
    "Searches",
    "Solution",
    "solve",
    "tarjan",
]

SEARCH_LIMIT: Final = 40
STEPS: Final = 50_000
_TIE: Final = 1e-9

Edges = dict[int, list[tuple[int, float]]]
Segments = dict[tuple[int, int], tuple[float, list[int]]]
Searches = dict[tuple[tuple[int, ...], tuple[int, ...]], "Segments | None"]
"""Segment searches already done, by component and entries (the edge weights are fixed)."""
_How = TypeVar("_How")


class Solution:
    """The best value of a path reaching every node, and how it got there.

    One forward pass answers every target at once: the value at a node depends
    only on the nodes that reach it, so a target's answer is the same as from a
    pass over just the nodes on its way (see ``paths.longest_to``).
    """

    def __init__(self, components: list[list[int]]) -> None:
        self.components = components
        self.member = {node: index for index, nodes in enumerate(components) for node in nodes}
        self.looped = [len(nodes) > 1 for nodes in components]
        self.exact = [True] * len(components)
        self.best: dict[int, float] = {}  # best value of a path that reaches u (may leave it)
        self.came: dict[int, tuple[str, int]] = {}  # ("enter", u), ("segment", a), ("step", u)
        self.into: dict[int, float] = {}  # best value of a path entering u's component at u
        self.via: dict[int, int | None] = {}  # the node before that entry (None: starts at u)
        self.segments: Segments = {}

    def to(
        self, target: int, among: set[int] | None = None
    ) -> tuple[list[int], float, bool, str] | None:
        """The best path to ``target``, its value, whether exact, and the method.

        ``among`` lists the components on the target's way (``None``: all), as
        only those decide whether the answer is exact and if loops were met.
        """
        if target not in self.best:
            return None
        came, via, segments = self.came, self.via, self.segments
        path: list[int] = []
        node: int | None = target
        while node is not None:
            how, at = came[node]
            if how == "segment":
                path[:0] = segments[(at, node)][1]
                node = via[at]
            elif how == "step":
                path.insert(0, node)
                node = at
            else:
                path.insert(0, node)
                node = via[node]
        indices = range(len(self.components)) if among is None else among
        looped = any(self.looped[c] for c in indices)
        exact = all(self.exact[c] for c in indices)
        method = "dag" if not looped else ("condensation" if exact else "condensation-lower-bound")
        return path, self.best[target], exact, method


def solve(
    edges: Edges,
    starts: list[int],
    start_value: Callable[[int], float],
    *,
    components: list[list[int]] | None = None,
    searches: Searches | None = None,
) -> Solution:
    """The forward pass over the condensation of ``edges``, from ``starts``.

    ``components`` are ``edges``' strongly connected components, sinks first
    (Tarjan's order, which breaks ties: pass it only when it came from
    ``tarjan(edges)``); ``searches`` caches segment searches between
    passes with the same weights, as most components recur from goal to goal.
    """
    if components is None:
        components = tarjan(edges)
    out = Solution(components)
    member, best, came, into, via = out.member, out.best, out.came, out.into, out.via
    for s in starts:
        into[s], via[s] = start_value(s), None
    for index in range(len(components) - 1, -1, -1):  # Tarjan gives sinks first
        budget.check()
        nodes = components[index]
        if len(nodes) == 1:
            (u,) = nodes
            if u in into:
                best[u], came[u] = into[u], ("enter", u)
        else:
            # only starts and edges from other components set ``into``: these are the entries
            entries = [a for a in nodes if a in into]
            found = _cached_search(edges, nodes, entries, searches)
            if found is not None:
                out.segments.update(found)
                for (a, b), (gain, _) in found.items():
                    _improve(best, came, b, into[a] + gain, ("segment", a))
            else:
                out.exact[index] = False
                _forward_only(_local(edges, nodes), entries, into, best, came)
        for u in nodes:
            reached = best.get(u)
            if reached is None:
                continue
            for v, w in edges[u]:
                if member[v] != index:
                    total = reached + w  # _improve, inlined: this loop sees every edge
                    known = into.get(v)
                    if known is None or total > known + _tie(total):
                        into[v], via[v] = total, u
    return out


def _tie(value: float) -> float:
    """How much a value must beat another by to replace it (``_TIE``, relative past 1)."""
    size = abs(value)
    return _TIE * size if size > 1.0 else _TIE


def _local(edges: Edges, nodes: list[int]) -> Edges:
    """The edges of a component that stay inside it."""
    inside = set(nodes)
    return {u: [(v, w) for v, w in edges[u] if v in inside] for u in nodes}


def _cached_search(
    edges: Edges, nodes: list[int], entries: list[int], searches: Searches | None
) -> Segments | None:
    """The component's segments, or ``None`` when it is too big to search them all."""
    if len(nodes) > SEARCH_LIMIT:
        return None
    if searches is None:
        return _search(_local(edges, nodes), entries)
    key = (tuple(nodes), tuple(entries))
    if key not in searches:
        searches[key] = _search(_local(edges, nodes), entries)
    return searches[key]


def _improve(
    best: dict[int, float], came: dict[int, _How], node: int, value: float, how: _How
) -> bool:
    """Keep ``value`` for ``node`` if it beats the best so far (ties keep the first)."""
    if node in best and value <= best[node] + _tie(value):
        return False
    best[node], came[node] = value, how
    return True


def _search(local: Edges, entries: list[int]) -> Segments | None:
    """Every simple path inside a component from each entry; ``None`` past ``STEPS`` steps."""
    out: Segments = {}
    steps = 0
    for a in entries:
        path, on_path = [a], {a}
        stack = [(a, 0, 0.0)]
        out[(a, a)] = (0.0, [a])
        while stack:
            node, position, value = stack[-1]
            if position == len(local[node]):
                stack.pop()
                on_path.discard(path.pop())
                continue
            stack[-1] = (node, position + 1, value)
            nxt, w = local[node][position]
            if nxt in on_path:
                continue
            steps += 1
            if steps > STEPS:
                return None
            if steps % 4096 == 0:
                budget.check()
            total = value + w
            known = out.get((a, nxt))
            if known is None or total > known[0] + _tie(total):
                out[(a, nxt)] = (total, [*path, nxt])
            path.append(nxt)
            on_path.add(nxt)
            stack.append((nxt, 0, total))
    return out


def _forward_only(
    local: Edges,
    entries: list[int],
    into: dict[int, float],
    best: dict[int, float],
    came: dict[int, tuple[str, int]],
) -> None:
    """One pass over a large component in depth-first order, its back edges dropped."""
    rank = _depth_first_rank(local, entries)
    for a in entries:
        _improve(best, came, a, into[a], ("enter", a))
    for u in sorted(local, key=rank.__getitem__):
        value = best.get(u)
        if value is None:
            continue
        here, how = rank[u], ("step", u)
        for v, w in local[u]:
            if rank[v] > here:
                total = value + w
                known = best.get(v)
                if known is None or total > known + _tie(total):
                    best[v], came[v] = total, how


def _depth_first_rank(local: Edges, entries: list[int]) -> dict[int, int]:
    post: list[int] = []
    seen: set[int] = set()
    for root in [*entries, *sorted(local)]:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, 0)]
        while stack:
            node, position = stack[-1]
            if position == len(local[node]):
                stack.pop()
                post.append(node)
                continue
            stack[-1] = (node, position + 1)
            nxt = local[node][position][0]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, 0))
    return {node: i for i, node in enumerate(reversed(post))}


def tarjan(edges: Edges) -> list[list[int]]:
    """Tarjan's strongly connected components, iteratively; sinks come first."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, position = work[-1]
            if position < len(edges[node]):
                work[-1] = (node, position + 1)
                nxt = edges[node][position][0]
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                out.append(sorted(component))
    return out
