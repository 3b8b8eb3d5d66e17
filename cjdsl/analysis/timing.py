"""Time to convert as a distribution: its median and 90th percentile, exact.

Durations are written per transition (``after 2d``), so the time to the goal is a sum of
written durations along a random path: a discrete distribution on multiples of their
greatest common divisor. Walking the customers' probability mass forward one such tick at
a time (zero-duration moves settled within the tick by one sparse solve) gives it exactly,
until every converting customer is counted or the walk would take too long (``None``).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from . import markov

__all__ = ["Distribution", "distribution", "quantiles"]

Distribution = tuple[NDArray[np.float64], NDArray[np.float64]]
"""Times in seconds (ascending) and the probability of converting at each, per customer."""

MAX_TICKS = 20_000
"""How many distinct moments the walk may visit before it gives up."""


def distribution(chain: markov.Chain, probability: float) -> Distribution | None:
    """When the converting customers first reach a goal; ``None`` when too long to walk."""
    goals = chain.targets & ~chain.removed
    if probability <= 1e-15:
        return None
    q = sp.coo_array(chain.q)
    after = np.asarray(sp.csr_array(chain.after)[q.row, q.col]).ravel()
    seconds = np.rint(after).astype(np.int64)
    keep = ~(goals | chain.removed)[q.row]  # goals absorb; removed states lose
    rows, cols, probs, seconds = q.row[keep], q.col[keep], q.data[keep], seconds[keep]
    positive = seconds[seconds > 0]
    unit = math.gcd(*positive.tolist()) if positive.size else 1
    ticks = seconds // unit
    n = chain.size
    instant = ticks == 0
    zero = sp.csc_array((probs[instant], (cols[instant], rows[instant])), shape=(n, n))
    try:
        settle = spla.splu(sp.csc_array(sp.identity(n) - zero))
    except RuntimeError:  # a zero-duration loop nobody leaves
        return None
    later = {
        int(d): sp.csr_array((probs[ticks == d], (cols[ticks == d], rows[ticks == d])), (n, n))
        for d in np.unique(ticks[~instant]).tolist()
    }
    pending: dict[int, NDArray[np.float64]] = {0: chain.weights.astype(np.float64)}
    times: list[int] = []
    masses: list[float] = []
    total = 0.0
    for _ in range(MAX_TICKS):
        if not pending or total >= probability * (1 - 1e-12):
            return np.array(times, dtype=np.float64) * unit, np.array(masses)
        now = min(pending)
        mass = settle.solve(pending.pop(now))
        arrived = float(mass[goals].sum())
        if arrived > 0:
            times.append(now)
            masses.append(arrived)
            total += arrived
        mass[goals | chain.removed] = 0.0
        if float(mass.sum()) <= 1e-15:
            continue
        for d, step in later.items():
            moved = step @ mass
            if float(moved.sum()) > 1e-300:
                pending[now + d] = pending.get(now + d, 0.0) + moved
    return None


def quantiles(
    parts: list[tuple[float, Distribution | None]], levels: tuple[float, ...] = (0.5, 0.9)
) -> tuple[float | None, ...]:
    """The ``levels`` quantiles of the converting customers' time over weighted parts (the
    personas, by share): the least time by which that share of them has converted."""
    if any(d is None for _, d in parts):
        return (None,) * len(levels)
    found = [(w, d) for w, d in parts if d is not None and d[0].size]
    if not found:
        return (None,) * len(levels)
    times = np.concatenate([d[0] for _, d in found])
    masses = np.concatenate([w * d[1] for w, d in found])
    order = np.argsort(times, kind="stable")
    times, cumulative = times[order], np.cumsum(masses[order])
    total = float(cumulative[-1])
    return tuple(
        float(times[int(np.searchsorted(cumulative, level * total * (1 - 1e-9)))])
        for level in levels
    )
