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

__all__ = ["SEARCH_LIMIT", "STEPS", "Edges", "longest_path"]

SEARCH_LIMIT: Final = 40
STEPS: Final = 50_000
_TIE: Final = 1e-9

Edges = dict[int, list[tuple[int, float]]]
_How = TypeVar("_How")


def longest_path(
    edges: Edges, starts: list[int], start_value: Callable[[int], float], target: int
) -> tuple[list[int], float, bool, str] | None:
    """The simple path from a start to ``target`` with the largest total edge weight.

    ``edges`` holds every node of the subgraph (``target`` with no edges out);
    a path's value is ``start_value`` of its first node plus its edge weights.
    Returns the path, its value, whether that is exact, and the method.
    """
    components = _components(edges)
    member = {node: index for index, nodes in enumerate(components) for node in nodes}
    entered = set(starts)
    for u, targets in edges.items():
        entered.update(v for v, _ in targets if member[v] != member[u])
    exact, looped = True, False
    best: dict[int, float] = {}  # best value of a path that reaches u (and may leave from it)
    came: dict[int, tuple[str, int]] = {}  # how: ("enter", u), ("segment", a) or ("step", u)
    into: dict[int, float] = {}  # best value of a path entering u's component at u
    via: dict[int, int | None] = {}  # the node before that entry (None: the path starts at u)
    segments: dict[tuple[int, int], tuple[float, list[int]]] = {}
    for s in starts:
        into[s], via[s] = start_value(s), None
    for nodes in reversed(components):  # Tarjan gives sinks first
        if len(nodes) == 1:
            (u,) = nodes
            if u in into:
                best[u], came[u] = into[u], ("enter", u)
        else:
            looped = True
            inside = set(nodes)
            local = {u: [(v, w) for v, w in edges[u] if v in inside] for u in nodes}
            entries = [a for a in nodes if a in entered and a in into]
            found = _search(local, entries) if len(nodes) <= SEARCH_LIMIT else None
            if found is not None:
                segments.update(found)
                for (a, b), (value, _) in found.items():
                    _improve(best, came, b, into[a] + value, ("segment", a))
            else:
                exact = False
                _forward_only(local, entries, into, best, came)
        for u in nodes:
            if u not in best:
                continue
            for v, w in edges[u]:
                if member[v] != member[u]:
                    _improve(into, via, v, best[u] + w, u)
    if target not in best:
        return None
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
    method = "dag" if not looped else ("condensation" if exact else "condensation-lower-bound")
    return path, best[target], exact, method


def _improve(
    best: dict[int, float], came: dict[int, _How], node: int, value: float, how: _How
) -> bool:
    """Keep ``value`` for ``node`` if it beats the best so far (ties keep the first)."""
    if node in best and value <= best[node] + _TIE * max(1.0, abs(value)):
        return False
    best[node], came[node] = value, how
    return True


def _search(
    local: Edges, entries: list[int]
) -> dict[tuple[int, int], tuple[float, list[int]]] | None:
    """Every simple path inside a component from each entry; ``None`` past ``STEPS`` steps."""
    out: dict[tuple[int, int], tuple[float, list[int]]] = {}
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
            total = value + w
            known = out.get((a, nxt))
            if known is None or total > known[0] + _TIE * max(1.0, abs(total)):
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
        if u not in best:
            continue
        for v, w in local[u]:
            if rank[v] > rank[u]:
                _improve(best, came, v, best[u] + w, ("step", u))


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


def _components(edges: Edges) -> list[list[int]]:
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
