"""Paths to the goals: most probable, top-k, shortest, and longest (critical, worst emotion).

A path's probability is the share of customers whose journey goes exactly that
way: the start's weight times each transition's probability, so the most
probable path is a shortest path on ``−log p`` (Dijkstra, from a virtual
source whose edges carry ``−log w``). Top-k converting paths come from a
best-first search over simple paths ordered by ``−log p`` plus the exact
``−log`` of the best way on to a goal, so it expands little more than the
paths it returns; it stops after ``EXPANSIONS`` expansions and says so.
Longest paths run along the condensation (``longest``). Cycles and simple
paths are never enumerated without a bound.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import csgraph

from .. import model
from . import longest, markov, report

__all__ = [
    "EXPANSIONS",
    "Adjacency",
    "goal_states",
    "longest_to",
    "most_probable",
    "shortest",
    "top",
]

EXPANSIONS: Final = 200_000

Array = NDArray[np.float64]
_Trail = tuple[int, "_Trail | None"]
"""A path as a linked list back to its start: the search shares every prefix."""


class Adjacency:
    """The chain's transitions with ``p > 0`` as lists, with goals optionally terminal."""

    def __init__(self, chain: markov.Chain, *, terminal: Sequence[int] = ()) -> None:
        q = sp.csr_array(chain.q)
        if len(terminal):
            keep = np.ones(chain.size)
            keep[list(terminal)] = 0.0
            q = sp.csr_array(sp.diags_array(keep) @ q)
        q.eliminate_zeros()
        q.sort_indices()
        self.q = q
        self.chain = chain
        self.indptr: list[int] = q.indptr.tolist()
        self.indices: list[int] = q.indices.tolist()
        self.p: list[float] = q.data.tolist()
        rows = np.repeat(np.arange(chain.size), np.diff(q.indptr))
        self.after: list[float] = np.asarray(chain.after[rows, q.indices]).ravel().tolist()
        starts = [chain.index(s) for s in chain.starts]
        self.starts = [s for s in starts if chain.weights[s] > 0 and not chain.removed[s]]
        self._relevant: dict[int, set[int]] = {}

    def relevant(self, target: int) -> set[int]:
        """States on some path from an entry to ``target`` (which is terminal there)."""
        found = self._relevant.get(target)
        if found is None:
            found = self._relevant[target] = _relevant(self, target)
        return found

    def successors(self, node: int) -> range:
        """Positions of the node's transitions in ``indices``/``p``/``after``."""
        return range(self.indptr[node], self.indptr[node + 1])

    def path(self, nodes: Sequence[int]) -> report.Path:
        """A path of state numbers as a report path, with probability and duration."""
        chain = self.chain
        probability = float(chain.weights[nodes[0]])
        duration = 0.0
        for u, v in itertools.pairwise(nodes):
            probability *= float(chain.q[u, v])
            duration += float(chain.after[u, v])
        return report.Path(
            tuple(chain.nodes[i] for i in nodes), probability, len(nodes) - 1, duration
        )

    def with_source(self, weights: Array) -> sp.csr_array:
        """The ``−log p`` graph with a virtual source (the last state) leading to the starts."""
        n = self.chain.size
        q = self.q.tocoo()
        rows = np.concatenate([q.row, np.full(len(self.starts), n)])
        cols = np.concatenate([q.col, np.array(self.starts, dtype=np.int64)])
        cost = np.concatenate([-np.log(q.data), -np.log(weights[self.starts])])
        return sp.csr_array((np.maximum(cost, 0.0), (rows, cols)), shape=(n + 1, n + 1))


def _walk(predecessors: NDArray[np.int32], node: int, source: int) -> list[int]:
    out = [node]
    while predecessors[out[-1]] != source:
        out.append(int(predecessors[out[-1]]))
    return out[::-1]


def most_probable(adjacency: Adjacency, goals: Sequence[int]) -> dict[int, report.Path]:
    """Per goal, the most probable path from any entry (Dijkstra on ``−log p``)."""
    n = adjacency.chain.size
    if not adjacency.starts:
        return {}
    graph = adjacency.with_source(adjacency.chain.weights)
    _, predecessors = csgraph.dijkstra(graph, indices=n, return_predecessors=True)
    return {g: adjacency.path(_walk(predecessors, g, n)) for g in goals if predecessors[g] >= 0}


def shortest(adjacency: Adjacency, goals: Sequence[int]) -> dict[int, report.Path]:
    """Per goal, a path from an entry with the fewest transitions; of those, the most probable.

    Dijkstra on ``1 + 10⁻⁹ · (−log p)`` per transition: the step count decides,
    the probability only breaks ties.
    """
    n = adjacency.chain.size
    if not adjacency.starts:
        return {}
    graph = adjacency.with_source(adjacency.chain.weights)
    graph.data = 1.0 + 1e-9 * graph.data
    _, predecessors = csgraph.dijkstra(graph, indices=n, return_predecessors=True)
    return {g: adjacency.path(_walk(predecessors, g, n)) for g in goals if predecessors[g] >= 0}


def top(adjacency: Adjacency, goals: Sequence[int], k: int) -> report.TopPaths:
    """The k most probable simple paths from an entry to a goal, best first.

    ``adjacency`` must have the goals terminal. The search pops partial paths
    by ``−log`` probability plus the exact ``−log`` of the best continuation
    to a goal, so complete paths come out in order of probability.
    """
    chain = adjacency.chain
    n = chain.size
    if not adjacency.starts or not len(goals) or k < 1:
        return report.TopPaths((), True, 0)
    q = adjacency.q
    cost = sp.csr_array((-np.log(q.data), q.indices, q.indptr), shape=q.shape)
    remaining = csgraph.dijkstra(sp.csr_array(cost.T), indices=list(goals), min_only=True)
    count, labels = csgraph.connected_components(adjacency.q, directed=True, connection="strong")
    looped = np.bincount(labels, minlength=count)[labels] > 1
    is_goal = np.zeros(n, dtype=bool)
    is_goal[list(goals)] = True
    heap: list[tuple[float, int, float, int, _Trail | None, frozenset[int]]] = []
    counter = 0
    for s in adjacency.starts:
        if math.isfinite(remaining[s]):
            cost = -math.log(chain.weights[s])
            seen = frozenset((s,)) if looped[s] else frozenset()
            heap.append((cost + remaining[s], counter, cost, s, None, seen))
            counter += 1
    heapq.heapify(heap)
    found: list[report.Path] = []
    expansions = 0
    while heap and len(found) < k and expansions < EXPANSIONS:
        _, _, cost, node, parent, seen = heapq.heappop(heap)
        expansions += 1
        trail: _Trail = (node, parent)
        if is_goal[node]:
            found.append(adjacency.path(_unwind(trail)))
            continue
        for position in adjacency.successors(node):
            target = adjacency.indices[position]
            if not math.isfinite(remaining[target]) or target in seen:
                continue
            step = cost - math.log(adjacency.p[position])
            after = seen | {target} if looped[target] else seen
            heapq.heappush(heap, (step + remaining[target], counter, step, target, trail, after))
            counter += 1
    complete = len(found) == k or not heap
    return report.TopPaths(tuple(found), complete, expansions)


def _unwind(trail: _Trail | None) -> list[int]:
    out: list[int] = []
    while trail is not None:
        node, trail = trail
        out.append(node)
    return out[::-1]


def longest_to(
    adjacency: Adjacency,
    target: int,
    start_value: Array,
    arrive_value: Array | None = None,
) -> tuple[list[int], float, bool, str] | None:
    """The simple path from an entry to ``target`` with the largest total value.

    A path's value is ``start_value`` of its first node plus, for every
    transition, its ``after`` (when ``arrive_value`` is ``None``) or the
    ``arrive_value`` of the node it enters. Returns the path, its value,
    whether it is exact, and the method; ``None`` if no path reaches ``target``.
    """
    nodes = adjacency.relevant(target)
    if not nodes:
        return None
    q = adjacency.q
    inside = np.zeros(adjacency.chain.size, dtype=bool)
    inside[list(nodes)] = True
    rows = np.repeat(np.arange(adjacency.chain.size), np.diff(q.indptr))
    kept = np.flatnonzero(inside[rows] & inside[q.indices] & (q.indices != rows))
    heads = q.indices[kept]
    if arrive_value is None:
        weights = np.asarray(adjacency.after)[kept]
    else:
        weights = np.asarray(arrive_value, dtype=np.float64)[heads]
    edges: longest.Edges = {u: [] for u in nodes}
    for u, v, w in zip(rows[kept].tolist(), heads.tolist(), weights.tolist(), strict=True):
        edges[u].append((v, w))
    edges[target] = []
    starts = [s for s in adjacency.starts if s in nodes]
    return longest.longest_path(edges, starts, lambda s: float(start_value[s]), target)


def _relevant(adjacency: Adjacency, target: int) -> set[int]:
    """Reachable from an entry with ``target`` terminal, and reaching ``target``: two BFS in C."""
    n = adjacency.chain.size
    ahead = _reach(adjacency.q, adjacency.starts, stop=target)
    if not ahead[target]:
        return set()
    passing = ahead.astype(np.float64)
    passing[target] = 0.0
    back = _reach(sp.csr_array((sp.diags_array(passing) @ adjacency.q).T), [target], stop=n)
    return set(np.flatnonzero(back & ahead).tolist())


def _reach(q: sp.csr_array, sources: Sequence[int], *, stop: int) -> NDArray[np.bool_]:
    """The states reachable from ``sources`` (included) along ``q``, not leaving ``stop``."""
    n = q.shape[0]
    coo = q.tocoo()
    keep = coo.row != stop
    rows = np.concatenate([coo.row[keep], np.full(len(sources), n)])
    cols = np.concatenate([coo.col[keep], np.asarray(sources, dtype=coo.col.dtype)])
    graph = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n + 1, n + 1))
    found = np.zeros(n + 1, dtype=bool)
    found[csgraph.breadth_first_order(graph, n, directed=True, return_predecessors=False)] = True
    return found[:n]


def goal_states(chain: markov.Chain) -> list[int]:
    """The goals that are not removed, as state numbers."""
    return [int(i) for i in np.flatnonzero(chain.mask(model.NodeKind.GOAL) & ~chain.removed)]
