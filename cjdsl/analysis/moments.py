"""Moments of truth: the nodes every path from the entries to a goal passes (dominators).

A virtual root leads to every entry; node d dominates node v when every path
from the root to v passes d. The immediate dominators come from the iterative
algorithm of Cooper, Harvey and Kennedy (2001) over the reverse postorder, in
near-linear time on journeys. Dominance is structural: it only asks whether a
path exists (transitions with probability 0 do not count), not how likely it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import budget, paths

__all__ = ["dominator_tree", "dominators"]


def dominator_tree(adjacency: paths.Adjacency, sink_from: Sequence[int] = ()) -> list[int]:
    """Immediate dominator of every state (``-1`` if unreachable); the root is ``n``.

    With ``sink_from``, a virtual sink ``n + 1`` follows those states, so its
    dominators are the nodes on every path to any of them.
    """
    n = adjacency.chain.size
    root, sink = n, n + 1
    successors: list[list[int]] = [
        [adjacency.indices[p] for p in adjacency.successors(u)] for u in range(n)
    ]
    successors.append(list(adjacency.starts))
    successors.append([])
    for u in sink_from:
        successors[u].append(sink)
    post = _postorder(successors, root)
    number = {node: i for i, node in enumerate(post)}
    predecessors: list[list[int]] = [[] for _ in range(n + 2)]
    for u in post:
        for v in successors[u]:
            predecessors[v].append(u)
    idom = [-1] * (n + 2)
    idom[root] = root
    order = [u for u in reversed(post) if u != root]
    changed = True
    while changed:
        budget.check()
        changed = False
        for v in order:
            best = -1
            for u in predecessors[v]:
                if idom[u] < 0:
                    continue
                best = u if best < 0 else _intersect(u, best, idom, number)
            if best != idom[v]:
                idom[v] = best
                changed = True
    return idom


def _intersect(a: int, b: int, idom: list[int], number: dict[int, int]) -> int:
    while a != b:
        while number[a] < number[b]:
            a = idom[a]
        while number[b] < number[a]:
            b = idom[b]
    return a


def _postorder(successors: list[list[int]], root: int) -> list[int]:
    post: list[int] = []
    seen = {root}
    stack = [(root, 0)]
    while stack:
        node, position = stack[-1]
        if position == len(successors[node]):
            stack.pop()
            post.append(node)
            continue
        stack[-1] = (node, position + 1)
        nxt = successors[node][position]
        if nxt not in seen:
            seen.add(nxt)
            stack.append((nxt, 0))
    return post


def dominators(idom: list[int], node: int, root: int) -> list[int]:
    """The strict dominators of ``node`` from the entries on, in path order (none if unreached)."""
    if idom[node] < 0:
        return []
    out = []
    current = idom[node]
    while current != root:
        out.append(current)
        current = idom[current]
    return out[::-1]
