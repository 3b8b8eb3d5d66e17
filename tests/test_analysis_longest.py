"""Longest paths: one shared pass gives every goal the answer of the per-goal search.

``reference_*`` below is the per-goal implementation this replaced (slow: one
pass per goal), kept verbatim to check the new one against it on random journeys.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Final, TypeVar

import numpy as np
import pytest

import cjdsl
from cjdsl.analysis import longest, markov, paths

STEPS: Final = 50_000
_TIE: Final = 1e-9
Edges = dict[int, list[tuple[int, float]]]
_How = TypeVar("_How")


def longest_path(
    edges: Edges,
    starts: list[int],
    start_value: Callable[[int], float],
    target: int,
    limit: int,
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
            found = _search(local, entries) if len(nodes) <= limit else None
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


def reference_longest_to(
    adjacency: paths.Adjacency,
    target: int,
    start_value: np.ndarray,
    arrive_value: np.ndarray | None,
    limit: int,
) -> tuple[list[int], float, bool, str] | None:
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
    edges: Edges = {u: [] for u in nodes}
    for u, v, w in zip(rows[kept].tolist(), heads.tolist(), weights.tolist(), strict=True):
        edges[u].append((v, w))
    edges[target] = []
    starts = [s for s in adjacency.starts if s in nodes]
    return longest_path(edges, starts, lambda s: float(start_value[s]), target, limit)


# --- the journeys ------------------------------------------------------------------------------


def chain_of(body: str) -> markov.Chain:
    return markov.build(cjdsl.loads(f'journey "Test"\n{body}').journey)


def random_journey(seed: int, size: int) -> str:
    """Layers going forward, small loops back, goals that lead on, some long loops back."""
    rng = random.Random(seed)
    goals = {i for i in range(5, size) if rng.random() < 0.05}
    lines = []
    for i in range(size):
        kind = "goal" if i in goals else "touchpoint"
        lines.append(f"{'entry ' if i < 3 else ''}{kind} n{i}")
    for i in range(size):
        targets = {min(size - 1, i + rng.randint(1, 12)) for _ in range(2)}
        if rng.random() < 0.3:
            targets.add(max(0, i - rng.randint(1, 6)))  # a small loop
        if rng.random() < 0.01:
            targets.add(max(0, i - rng.randint(20, 200)))  # a long loop
        targets.discard(i)
        for t in sorted(targets):
            after = rng.choice(["", "", " after 1h", " after 1d", " after 3h"])
            lines.append(f"n{i} -> n{t} {rng.randint(5, 30)}%{after}")
    return "\n".join(lines) + "\n"


def compare(chain: markov.Chain, limit: int, seed: int) -> set[str]:
    """The new answers equal the reference for every goal; the methods met."""
    goals = paths.goal_states(chain)
    rng = np.random.default_rng(seed)
    emotions = -rng.integers(-2, 3, chain.size).astype(np.float64)
    methods = set()
    for start, arrive in ((np.zeros(chain.size), None), (emotions, emotions)):
        walk = paths.Adjacency(chain)
        for g in goals:
            expected = reference_longest_to(walk, g, start, arrive, limit)
            assert paths.longest_to(walk, g, start, arrive) == expected
            if expected is not None:
                methods.add(expected[3])
    return methods


@pytest.mark.parametrize("seed", range(6))
def test_every_goal_gets_what_its_own_search_gave(seed: int) -> None:
    methods = compare(chain_of(random_journey(seed, 300)), longest.SEARCH_LIMIT, seed)
    assert "condensation" in methods or "condensation-lower-bound" in methods


@pytest.mark.parametrize("seed", range(4))
def test_lower_bounds_are_the_same_too(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(longest, "SEARCH_LIMIT", 4)  # most loops are now too big to search
    methods = compare(chain_of(random_journey(seed, 200)), 4, seed)
    assert "condensation-lower-bound" in methods


LOOP = "".join(f"touchpoint r{i}\nr{i} -> r{(i + 1) % 45} 50% after 1h\n" for i in range(45))


def test_a_loop_too_big_to_search_gives_a_lower_bound() -> None:
    # a ring of 45 states (more than SEARCH_LIMIT) with a goal on the way out of it
    body = f"entry touchpoint a\ngoal g\na -> r0 50%\n{LOOP}r44 -> g 10% after 1d\n"
    chain = chain_of(body)
    walk = paths.Adjacency(chain)
    found = paths.longest_to(walk, chain.index("g"), np.zeros(chain.size))
    assert found is not None
    nodes, value, exact, method = found
    assert (exact, method) == (False, "condensation-lower-bound")
    assert value == 44 * 3600.0 + 86400.0  # round the ring once: here also the best
    assert [chain.nodes[i] for i in nodes] == ["a", *(f"r{i}" for i in range(45)), "g"]


def test_goals_sharing_a_loop_and_goals_on_a_loop() -> None:
    # `g` and `h` come after the loop b⇄c; `h` leads back into it, so it is on a loop itself
    body = (
        "entry touchpoint a\ntouchpoint b\ntouchpoint c\ngoal g\ngoal h\n"
        "a -> b 50% after 1h\nb -> c 50% after 5h\nc -> b 50% after 1h\n"
        "b -> g 30% after 1h\nc -> h 20% after 2h\nh -> b 50% after 1d\ng -> h 50%\n"
    )
    chain = chain_of(body)
    walk = paths.Adjacency(chain)
    zeros = np.zeros(chain.size)
    answers = {g: paths.longest_to(walk, chain.index(g), zeros) for g in ("g", "h")}
    for g, found in answers.items():
        assert found == reference_longest_to(walk, chain.index(g), zeros, None, 40)
    g, h = answers["g"], answers["h"]
    assert g is not None and h is not None
    # to g: only a→b→g (2h), as from c the way to g goes back through b
    assert [chain.nodes[i] for i in g[0]] == ["a", "b", "g"]
    # to h: a→b→g→h is 2h, a→b→c→h is 8h (passing goal g on the way is allowed)
    assert [chain.nodes[i] for i in h[0]] == ["a", "b", "c", "h"]
    assert (h[1], h[3]) == (8 * 3600.0, "condensation")
