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

Longest paths are asked for one goal at a time, but one forward pass over
every state reachable from an entry answers each goal that is on no loop:
its best path only involves the states that reach it, and those are
processed in the same order, with the same ties, as in a pass over just
them. A goal on a loop is different, as its own way out is cut (a path ends
there), which splits its loop: it gets a pass of its own over just its loop,
entered with the shared pass's values (what comes before the loop is the
same for every goal) and sharing the segment searches of every other loop.
So a journey whose goals sit on one loop of thousands of states costs a pass
per goal over that loop, not over the journey; on a loop of more than
``LOOP_PASS`` states where the cut still leaves a loop too big to search,
the goal's answer would be a lower bound either way, and the shared pass's
bound is given (a real path, ``exact`` false). Passes are kept per set of
values, so the calls for each goal of the critical (or worst-emotion) path
reuse them.
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

from . import budget, longest, markov, report

__all__ = [
    "EXPANSIONS",
    "LOOP_PASS",
    "Adjacency",
    "goal_states",
    "longest_to",
    "most_probable",
    "shortest",
    "top",
]

EXPANSIONS: Final = 200_000
LOOP_PASS: Final = 5_000
"""States of its loop up to which a goal on a loop gets a pass of its own (see above)."""

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
        rows = np.repeat(np.arange(chain.size, dtype=np.int32), np.diff(q.indptr))
        self.after: list[float] = np.asarray(chain.after[rows, q.indices]).ravel().tolist()
        starts = [chain.index(s) for s in chain.starts]
        self.starts = [s for s in starts if chain.weights[s] > 0 and not chain.removed[s]]
        self._relevant: dict[int, set[int]] = {}
        self._rows: NDArray[np.int32] = rows
        self._looped: NDArray[np.bool_] | None = None
        self._components: dict[int | None, list[list[int]]] = {}
        self._searchable: dict[int, bool] = {}
        self._passes: dict[tuple[bytes, bytes | None], _Longest] = {}

    def relevant(self, target: int) -> set[int]:
        """States on some path from an entry to ``target`` (which is terminal there)."""
        found = self._relevant.get(target)
        if found is None:
            found = self._relevant[target] = _relevant(self, target)
        return found

    def rows(self) -> NDArray[np.int32]:
        """The source state of each transition in ``indices``/``p``/``after``."""
        return self._rows

    def on_loops(self) -> NDArray[np.bool_]:
        """Per state, whether it is on a loop (a strongly connected component of several)."""
        if self._looped is None:
            count, labels = csgraph.connected_components(self.q, directed=True, connection="strong")
            self._looped = np.bincount(labels, minlength=count)[labels] > 1
        return self._looped

    def looped(self, node: int) -> bool:
        """Whether ``node`` is on a loop."""
        return bool(self.on_loops()[node])

    def searchable(self, target: int) -> bool:
        """Whether cutting the way out of ``target`` leaves only loops small enough to search.

        Then a goal on a loop gets an exact answer of its own; otherwise its
        loop is too big either way, and the shared pass's lower bound stands.
        One condensation of the states on the goal's way, in C.
        """
        found = self._searchable.get(target)
        if found is None:
            nodes = np.array(sorted(self.relevant(target)), dtype=np.intp)
            keep = np.ones(self.chain.size)
            keep[target] = 0.0
            part = sp.csr_array((sp.diags_array(keep) @ self.q)[nodes][:, nodes])
            count, labels = csgraph.connected_components(part, directed=True, connection="strong")
            largest = int(np.bincount(labels, minlength=count).max(initial=0))
            found = self._searchable[target] = largest <= longest.SEARCH_LIMIT
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
    looped = adjacency.on_loops()
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
        if expansions % 1024 == 0:
            budget.check()
        trail: _Trail = (node, parent)
        if is_goal[node]:
            found.append(adjacency.path(_unwind(trail)))
            continue
        for position in adjacency.successors(node):
            target = adjacency.indices[position]
            if not math.isfinite(remaining[target]) or target in seen or target == node:
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
    A path may pass other goals on its way. The work is shared between calls
    with the same values (see the module docstring).
    """
    start_value = np.asarray(start_value, dtype=np.float64)
    if arrive_value is not None:
        arrive_value = np.asarray(arrive_value, dtype=np.float64)
    key = (start_value.tobytes(), None if arrive_value is None else arrive_value.tobytes())
    found = adjacency._passes.get(key)
    if found is None:
        if len(adjacency._passes) >= _PASSES:
            del adjacency._passes[next(iter(adjacency._passes))]
        found = adjacency._passes[key] = _Longest(adjacency, start_value, arrive_value)
    return found.to(target)


_PASSES: Final = 2
"""Passes kept per adjacency: the critical and the worst-emotion path."""


class _Longest:
    """The longest-path passes for one set of values, shared by every goal."""

    def __init__(self, adjacency: Adjacency, start_value: Array, arrive_value: Array | None):
        self.adjacency = adjacency
        self.start_value = start_value
        if arrive_value is None:
            self.weights = np.asarray(adjacency.after, dtype=np.float64)
        else:
            self.weights = arrive_value[adjacency.q.indices]
        self.searches: longest.Searches = {}
        self.whole: longest.Solution | None = None

    def to(self, target: int) -> tuple[list[int], float, bool, str] | None:
        """The answer for ``target``: from the shared pass, finished inside its loop if on one."""
        adjacency = self.adjacency
        nodes = adjacency.relevant(target)
        if not nodes:
            return None
        whole = self.shared()
        member = whole.member
        if adjacency.looped(target):
            loop = member[target]
            inside = {u for u in nodes if member[u] == loop}
            if len(inside) <= LOOP_PASS or adjacency.searchable(target):
                return self.on_loop(whole, nodes, inside, target)
        return whole.to(target, {member[u] for u in nodes})

    def shared(self) -> longest.Solution:
        """The one pass over every state an entry reaches (made on first use)."""
        if self.whole is None:
            adjacency = self.adjacency
            n = adjacency.chain.size
            ahead = np.flatnonzero(_reach(adjacency.q, adjacency.starts, stop=n))
            self.whole = self.solve(self.edges(set(ahead.tolist()), None), None, None)
        return self.whole

    def on_loop(
        self, whole: longest.Solution, nodes: set[int], inside: set[int], target: int
    ) -> tuple[list[int], float, bool, str] | None:
        """A goal on a loop: its own way out is cut, which splits its loop.

        What leads into the loop (``inside``: its states on the goal's way) is
        the shared pass's, as a value depends only on the states before it; a
        pass over ``inside``, entered with the shared pass's values, gives what
        a pass over the goal's whole part of the journey gave, at the loop's cost.
        """
        loop = whole.member[target]
        edges = self.edges(inside, target)
        entries = [a for a in sorted(inside) if a in whole.into]
        part = self.solve(edges, target, entries, into=whole.into)
        found = part.to(target)
        if found is None:
            return None
        path, value, exact, method = found
        before = whole.via[path[0]]
        if before is not None:
            way = whole.to(before)
            assert way is not None  # it reached the loop
            path = way[0] + path
        upstream = {whole.member[u] for u in nodes} - {loop}
        exact = exact and all(whole.exact[c] for c in upstream)
        looped = method != "dag" or any(whole.looped[c] for c in upstream)
        method = "dag" if not looped else ("condensation" if exact else "condensation-lower-bound")
        return path, value, exact, method

    def solve(
        self,
        edges: longest.Edges,
        target: int | None,
        starts: list[int] | None,
        *,
        into: dict[int, float] | None = None,
    ) -> longest.Solution:
        """The forward pass over ``edges``; its components are kept for the other values.

        ``starts`` default to the entries among ``edges``, valued by
        ``start_value``; ``into`` gives other starts their values instead.
        """
        adjacency = self.adjacency
        components = adjacency._components.get(target)
        if components is None:
            components = adjacency._components[target] = longest.tarjan(edges)
        if starts is None:
            starts = [s for s in adjacency.starts if s in edges]
        value = self.start_value if into is None else into
        return longest.solve(
            edges,
            starts,
            lambda s: float(value[s]),
            components=components,
            searches=self.searches,
        )

    def edges(self, nodes: set[int], target: int | None) -> longest.Edges:
        """The transitions among ``nodes`` but loops on one state, none out of ``target``."""
        adjacency = self.adjacency
        q = adjacency.q
        rows = adjacency.rows()
        inside = np.zeros(adjacency.chain.size, dtype=bool)
        inside[list(nodes)] = True
        kept = np.flatnonzero(inside[rows] & inside[q.indices] & (q.indices != rows))
        out: longest.Edges = {u: [] for u in sorted(nodes)}
        heads = q.indices[kept].tolist()
        weights = self.weights[kept].tolist()
        for u, v, w in zip(rows[kept].tolist(), heads, weights, strict=True):
            out[u].append((v, w))
        if target is not None:
            out[target] = []
        return out


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
    return [int(i) for i in np.flatnonzero(chain.targets & ~chain.removed)]
