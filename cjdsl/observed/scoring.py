"""Who is likely to convert, and who to leave: ``cjdsl score``.

For every user still on a journey (their latest journey has not converted), the state they
are in (the touchpoint of their last touch) and, from the fitted chain, their probability
to reach each goal, each exit and the implicit drop-off (``lost``), and the expected time
to each goal given they reach it (seconds, from the fitted ``after`` durations; unwritten
durations count as 0). Rows are ranked by the probability to convert (any goal).

The chain is absorbing at goals and exits (reaching a goal is converting); what a
touchpoint's probabilities leave is ``lost``. Pure: from a fitted graph to arrays, and
from users' states to rows; the engine only finds each user's last touch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from .. import model
from .journeys import touches

if TYPE_CHECKING:
    from .events import Log

__all__ = ["Chain", "chain", "rows", "users"]


@dataclasses.dataclass(frozen=True, slots=True)
class Chain:
    """Per transient state: the probability of each absorbing outcome, and the expected
    time to each goal given it is reached (``nan`` where it cannot be)."""

    states: tuple[str, ...]
    goals: tuple[str, ...]
    exits: tuple[str, ...]
    absorb: Mapping[str, np.ndarray[Any, Any]]
    time: Mapping[str, np.ndarray[Any, Any]]

    def index(self, state: str) -> int | None:
        try:
            return self.states.index(state)
        except ValueError:
            return None


def chain(journey: model.Journey, graph: nx.DiGraph) -> Chain:
    """Solve the absorbing chain of ``graph`` (``cjdsl.graph.build``, fitted numbers)."""
    kinds = {n.id: n.kind for n in journey.touchpoints if n.id in graph}
    states = tuple(n for n, k in kinds.items() if k is model.NodeKind.TOUCHPOINT)
    goals = tuple(n for n, k in kinds.items() if k is model.NodeKind.GOAL)
    exits = tuple(n for n, k in kinds.items() if k is model.NodeKind.EXIT)
    where = {s: i for i, s in enumerate(states)}
    size = len(states)
    q = np.zeros((size, size))
    gap = np.zeros((size, size))
    to: dict[str, np.ndarray[Any, Any]] = {a: np.zeros(size) for a in (*goals, *exits)}
    to_gap: dict[str, np.ndarray[Any, Any]] = {a: np.zeros(size) for a in goals}
    for u, v, data in graph.edges(data=True):
        if u not in where:
            continue
        i, p, after = where[u], float(data["p"]), float(data["after"] or 0.0)
        if v in where:
            q[i, where[v]] += p
            gap[i, where[v]] = after
        elif v in to:
            to[v][i] += p
            if v in to_gap:
                to_gap[v][i] = after
    system = np.eye(size) - q
    absorb = {a: _clean(_solve(system, r)) for a, r in to.items()}
    absorb["lost"] = np.clip(1.0 - sum(absorb.values(), np.zeros(size)), 0.0, 1.0)
    time = {}
    for g in goals:
        h = absorb[g]
        # E[T; reach g] from i: the gaps along the way, weighted by reaching g afterwards.
        weighted = _solve(system, (q * gap) @ h + to[g] * to_gap[g])
        with np.errstate(divide="ignore", invalid="ignore"):
            time[g] = np.where(h > 1e-12, weighted / h, np.nan)
    return Chain(states, goals, exits, absorb, time)


def _clean(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Round-off below 1e-12 is 0: no customer has a 1e-17 chance."""
    return np.where(np.abs(values) < 1e-12, 0.0, values)


def _solve(system: np.ndarray[Any, Any], rhs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    if not len(rhs):
        return rhs
    solution, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    return np.asarray(solution)


def users(log: Log, *, cut_at_conversion: bool = True, session_gap: float | None = None) -> Any:
    """An Ibis table of each user still on a journey: user, state, last_seen, segment."""
    import ibis

    t = touches(log, cut_at_conversion=cut_at_conversion, session_gap=session_gap)
    last = t.filter(t.seq == t.length)
    last = last.mutate(latest=last.journey.max().over(ibis.window(group_by=last.user)))
    open_ = last.filter(last.journey == last.latest, last.converted == 0)
    return open_.select(
        user=open_.user, state=open_.event, last_seen=open_.time, segment=open_.segment
    )


def rows(
    found: Sequence[Mapping[str, Any]], chains: Mapping[str | None, Chain]
) -> list[dict[str, Any]]:
    """The score rows of ``found`` users (``users``), ranked by the probability to convert;
    a user's chain is their segment's (a persona) or everyone's (key ``None``)."""
    out = []
    for user in found:
        c = chains.get(user["segment"]) or chains[None]
        i = c.index(user["state"])
        if i is None:
            continue
        row: dict[str, Any] = {
            "user": user["user"],
            "state": user["state"],
            "last_seen": user["last_seen"],
            "segment": user["segment"],
        }
        convert = 0.0
        for g in c.goals:
            row[f"p_{g}"] = float(c.absorb[g][i])
            t = float(c.time[g][i])
            row[f"time_{g}_s"] = None if np.isnan(t) else t
            convert += row[f"p_{g}"]
        for e in (*c.exits, "lost"):
            row[f"p_{e}"] = float(c.absorb[e][i])
        row["p_convert"] = convert
        out.append(row)
    out.sort(key=lambda r: (-r["p_convert"], str(r["user"])))
    for rank, row in enumerate(out, start=1):
        row["rank"] = rank
    return out
