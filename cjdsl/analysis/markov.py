"""The journey as an absorbing Markov chain, and its first-passage and visit figures.

States are the nodes of the persona's graph in declaration order. Exits absorb;
the probability a node's transitions leave unwritten is the implicit drop-off
into an absorbing *lost* state that is not stored (it is each row's deficit).
Goals are transient in the *journey* chain (the journey goes on after them)
and absorbing in the *conversion* chain (converting is reaching one the first
time). A removed node (``without``) keeps its incoming traffic but absorbs it:
that traffic is lost there, and customers who start there are lost at once.

``aims`` (the goals that count, ``focus``) and ``reached_from`` let a chain be turned
toward one goal and started where customers reached a node or stage.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Collection
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import csgraph

from .. import graph as graphs
from .. import model
from . import solver

__all__ = ["Chain", "build", "conditional", "first_passage", "ratio", "visits"]

_EPSILON = 1e-9

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]


@dataclasses.dataclass(frozen=True, eq=False)
class Chain:
    """The transition structure of one journey for one persona, ready for solving.

    ``q[i, j]`` is the probability of moving from node ``i`` to ``j`` (0 rows for
    exits and removed nodes); ``after[i, j]`` the transition's duration in
    seconds (0 when none is written); ``weights`` the start distribution.
    """

    nodes: tuple[str, ...]
    kinds: tuple[model.NodeKind, ...]
    stages: tuple[str | None, ...]
    channels: tuple[str | None, ...]
    q: Any
    after: Any
    leak: Array
    to_exit: Array
    weights: Array
    starts: tuple[str, ...]
    reach: dict[str, float] | None
    removed: Mask
    notes: tuple[str, ...]
    system: solver.System
    aims: Mask | None = None
    """The goal states that count as converting (every goal when ``None``; ``focus.aim``)."""
    reached_from: float = 1.0
    """The probability of reaching the ``--from`` node or stage from the entries (``focus.aim``)."""

    @property
    def size(self) -> int:
        """Number of states."""
        return len(self.nodes)

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        return {node: i for i, node in enumerate(self.nodes)}

    def index(self, node: str) -> int:
        """The state number of a node id (a dict look-up: callers ask for every node).

        Raises:
            KeyError: the node is not in the chain.
        """
        return self._positions[node]

    def mask(self, kind: model.NodeKind) -> Mask:
        """True for the states of one kind."""
        return np.array([k is kind for k in self.kinds], dtype=bool)

    @property
    def goals(self) -> Mask:
        """True for the goal states that count as converting and are not removed."""
        return self.targets & ~self.removed

    @property
    def targets(self) -> Mask:
        """True for the goal states that count as converting (``--goal``: that one only)."""
        return self.mask(model.NodeKind.GOAL) if self.aims is None else self.aims

    @property
    def touchpoints(self) -> Mask:
        """True for touchpoint states that are not removed."""
        return self.mask(model.NodeKind.TOUCHPOINT) & ~self.removed

    @property
    def ends(self) -> Array:
        """Per state, the probability that the journey ends on leaving it (drop-off or exit)."""
        return np.where(self.removed, 1.0, self.leak + self.to_exit)


def build(
    journey: model.Journey,
    *,
    persona: str | None = None,
    without: Collection[str] = (),
    graph: nx.DiGraph | None = None,
) -> Chain:
    """The chain of what ``persona`` meets, with the nodes in ``without`` removed.

    Transitions with probability 0 are left out (nobody takes them). Rows whose
    probabilities add up to more than 1 (a CJ302 error) are scaled down to 1.
    ``graph`` is the persona's journey graph when the caller has built it already.
    """
    g = graphs.build(journey, persona=persona) if graph is None else graph
    nodes = tuple(t.id for t in journey.touchpoints if t.id in g)
    index = {node: i for i, node in enumerate(nodes)}
    info = {t.id: t for t in journey.touchpoints}
    n = len(nodes)
    removed = np.array([node in without for node in nodes], dtype=bool)
    kinds = tuple(info[node].kind for node in nodes)
    notes: list[str] = []
    rows, cols, probs, durations = [], [], [], []
    for u, v, data in g.edges(data=True):
        i = index[u]
        if data["p"] <= 0 or removed[i] or kinds[i] is model.NodeKind.EXIT:
            continue
        rows.append(i)
        cols.append(index[v])
        probs.append(float(data["p"]))
        durations.append(float(data["after"] or 0.0))
    q = sp.csr_array((probs, (rows, cols)), shape=(n, n), dtype=np.float64)
    after = sp.csr_array((durations, (rows, cols)), shape=(n, n), dtype=np.float64)
    total = np.asarray(q.sum(axis=1)).ravel()
    over = total > 1 + _EPSILON
    for i in np.flatnonzero(over).tolist():
        notes.append(
            f"the probabilities leaving `{nodes[i]}` add up to {total[i]:.0%}; "
            "they were scaled to 100% (CJ302)"
        )
    if over.any():
        q = sp.csr_array(sp.diags_array(np.where(over, 1 / np.where(over, total, 1), 1.0)) @ q)
        total = np.minimum(total, 1.0)
    exits = np.array([k is model.NodeKind.EXIT for k in kinds], dtype=bool)
    to_exit = np.asarray(q @ exits.astype(np.float64)).ravel()
    leak = np.where(exits | removed, 0.0, np.clip(1.0 - total, 0.0, 1.0))
    starts = tuple(s for s in graphs.starts(journey, g))
    fallback = starts and not any(info[s].entry for s in starts)
    if persona is not None and fallback and any(t.entry for t in journey.touchpoints):
        notes.append(
            f"`{persona}` meets no entry: customers start where nothing leads to in "
            f"what `{persona}` meets ({', '.join(f'`{s}`' for s in starts)})"
        )
    weights, reach = _weights(starts, g, index, n, notes)
    if not starts:
        notes.append("the journey has no start: no `entry` and no touchpoint without a way in")
    return Chain(
        nodes=nodes,
        kinds=kinds,
        stages=tuple(info[node].stage for node in nodes),
        channels=tuple(info[node].channel for node in nodes),
        q=q,
        after=after,
        leak=leak,
        to_exit=to_exit,
        weights=weights,
        starts=starts,
        reach=reach,
        removed=removed,
        notes=tuple(notes),
        system=solver.System(q),
    )


def _weights(
    starts: tuple[str, ...],
    g: nx.DiGraph,
    index: dict[str, int],
    n: int,
    notes: list[str],
) -> tuple[Array, dict[str, float] | None]:
    """Entries weighted by ``reach`` when every one has it (not all 0), else equally; the
    reach is the graph's (the file's, or one from outside it: ``graph.Numbers``)."""
    weights = np.zeros(n)
    if not starts:
        return weights, None
    reach: dict[str, float | None] = {s: g.nodes[s]["reach"] for s in starts}
    known = {s: r for s, r in reach.items() if r is not None}
    if len(known) == len(starts) and sum(known.values()) > 0:
        total = sum(known.values())
        for s, r in known.items():
            weights[index[s]] = r / total
        return weights, known
    if len(known) == len(starts):
        notes.append("entries weighted equally: every entry's `reach` is 0")
    elif known:
        missing = ", ".join(f"`{s}`" for s in starts if reach[s] is None)
        notes.append(f"entries weighted equally: {missing} has no `reach`")
    elif len(starts) > 1:
        notes.append("entries weighted equally: none has a `reach`")
    for s in starts:
        weights[index[s]] = 1 / len(starts)
    return weights, None


def first_passage(
    chain: Chain, targets: Mask, *, value: Array | None = None, blocked: Mask | None = None
) -> Array:
    """Per state, the probability of reaching ``targets`` at least once (1 on the targets).

    ``targets`` is ``(n,)`` or ``(n, k)`` for k target sets at once; ``value``
    (default 1 on every target) lets removed states count as 0; ``blocked``
    states absorb and count 0, as if removed for that column.
    """
    goal = targets.reshape(chain.size, -1)
    b = np.where(goal, 1.0 if value is None else value.reshape(chain.size, -1), 0.0)
    absorbing = goal | chain.removed[:, None]
    if blocked is not None:
        stop = blocked.reshape(chain.size, -1)
        b = np.where(stop, 0.0, b)
        absorbing = absorbing | stop
    out = chain.system.solve(b, ~absorbing)
    return out[:, 0] if targets.ndim == 1 else out


def visits(chain: Chain, absorbing: Mask) -> tuple[Array, Array]:
    """Expected visits to each state from the start distribution, and the probability of any visit.

    The visit probability of state c is ``v_c / N_cc``: the expected visits
    divided by the expected visits of a customer who starts at c. Both are
    ``inf`` inside a loop customers never leave.
    """
    keep = ~(absorbing | chain.removed)
    v = chain.system.solve_transposed(chain.weights, keep)
    diagonal = chain.system.inverse_diagonal(keep)
    with np.errstate(invalid="ignore"):
        reached = np.where(np.isinf(diagonal), 0.0, v / diagonal)
    trapped = np.isinf(diagonal) & (v > 0)
    if trapped.any():
        reached[trapped] = _trap_reach(chain, trapped, v, keep)
    return v, np.where(np.isnan(reached), 0.0, np.minimum(reached, 1.0))


def _trap_reach(chain: Chain, trapped: Mask, v: Array, keep: Mask) -> Array:
    """For the states of loops nobody leaves, the probability of ever getting there.

    Inside such a loop every state is visited once one is, so each state's reach is
    its loop's; and a loop nobody leaves is entered at most once, so that is the
    expected number of entries: the start weight in it plus the visits of the states
    outside that move into it (one product per loop).
    """
    _, labels = csgraph.connected_components(chain.q, directed=True, connection="strong")
    loops = sorted(set(labels[trapped].tolist()))
    column_of = {label: column for column, label in enumerate(loops)}
    member = np.zeros((chain.size, len(loops)))
    for i in np.flatnonzero(trapped).tolist():
        member[i, column_of[int(labels[i])]] = 1.0
    outside = np.where(keep & np.isfinite(v) & ~trapped, v, 0.0)
    into = chain.weights @ member + outside @ np.asarray(chain.q @ member)
    return np.array([into[column_of[int(label)]] for label in labels[trapped]])


def conditional(chain: Chain, h: Array, targets: Mask) -> tuple[Array, Array]:
    """``h``-weighted expected steps and time until ``targets``, per state and target set.

    With ``h`` (``(n, k)``) the first-passage probabilities to the target sets
    (``(n, k)`` masks), returns ``u`` and ``t`` with ``u_i = h_i · E[steps |
    reach]`` and ``t_i = h_i · E[time | reach]`` (the Doob h-transform). For a
    start distribution w, ``E[steps | reach] = w·u / w·h``. Self-loops count as
    steps and add their duration.
    """
    absorbing = targets | chain.removed[:, None]
    steps = np.asarray(chain.q @ h)
    time = np.asarray((chain.q * chain.after) @ h)
    b = np.concatenate([steps, time], axis=1)
    keep = np.concatenate([~absorbing, ~absorbing], axis=1)
    b[~keep] = 0.0
    u = chain.system.solve(b, keep)
    k = h.shape[1]
    return u[:, :k], u[:, k:]


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or ``None`` when the denominator is (about) zero."""
    if denominator <= 1e-15 or not math.isfinite(numerator):
        return None
    return numerator / denominator
