"""The exact Markov removal effect of order k from aggregated paths: solved, not simulated.

The chain (Anderl et al. 2016, ChannelAttribution's layout): a start state, one state per
window of ``k`` consecutive channels of a path (a path shorter than ``k`` is one state of
its own), and two absorbing states, conversion and null. Each path adds its journeys
(conversions + nulls) to ``start → w₁ → … → wₘ`` and ends in conversion (its
conversions) or null (its nulls). A window repeated back to back (``a > a``) is one visit:
a self-loop only delays absorption and never changes where a journey ends, so every
absorption probability, and with them every removal effect, is the same with or without
it (collapsing also matches ChannelAttribution).

Removing channel c sends every journey entering a state that contains c to null. Its
removal effect is ``RE_c = 1 − P(conversion without c) / P(conversion)``, the share of
conversions whose walk touches c. Both probabilities are absorption probabilities
``h = (I − Q)⁻¹ r`` of the transient part ``Q``: one sparse LU of ``I − Q`` for the whole
chain, one for each channel's chain with its states taken out. Conversion value works the
same with ``r`` the expected value a step into conversion carries (the value that left
each state into conversion over the journeys that left it), so ``RE^value_c`` is the
share of the expected value whose walk touches c.
"""

from __future__ import annotations

import dataclasses
from typing import Final

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from . import pathtables

__all__ = ["MAX_ORDER", "MAX_WORK", "Chain", "Effects", "chain", "removal_effects"]

Array = NDArray[np.float64]
MAX_ORDER: Final = 8
"""The highest order offered: beyond it almost every window is seen once, and the
chain only replays the observed paths."""
MAX_WORK: Final = 200_000_000
"""The most channels × transitions a removal analysis takes on: one solve per channel
makes the work grow with both, so a table of thousands of distinct "channels" (pages,
campaigns) is refused with a hint instead of running for hours."""


@dataclasses.dataclass(frozen=True, eq=False)
class Chain:
    """The transient part of the absorbing chain; state 0 is the start.

    ``q`` holds the transition probabilities between transient states, ``r`` the
    probability (column 0) and the expected value (column 1) of the step into
    conversion; ``members[c]`` the states whose window contains channel c.
    """

    q: sp.csr_matrix
    r: Array
    members: tuple[NDArray[np.int64], ...]
    windows: NDArray[np.int64]


@dataclasses.dataclass(frozen=True, slots=True)
class Effects:
    """Removal effects per channel (conversions, value), and what the full chain gives."""

    conversions: Array
    value: Array
    probability: float
    expected_value: float
    states: int


def chain(paths: pathtables.Paths, order: int) -> Chain:
    """The order-``order`` chain of ``paths``, built with array operations (no loop per path).

    Raises:
        ValueError: ``order`` outside 1..MAX_ORDER.
    """
    if not 1 <= order <= MAX_ORDER:
        raise ValueError(f"the Markov order must be 1 to {MAX_ORDER}, not {order}")
    n = len(paths.channels)
    weight = paths.conversions + paths.null
    used = np.flatnonzero(weight > 0)
    if not len(used):  # no journey: the start alone, going nowhere
        empty = np.zeros(0, dtype=np.int64)
        return Chain(sp.csr_matrix((1, 1)), np.zeros((1, 2)), (empty,) * n, empty)
    lengths = paths.lengths[used]
    starts = paths.offsets[:-1][used]
    base = n + 1
    if order * np.log2(float(base)) >= 62:
        raise ValueError(
            f"order {order} with {n} channels has too many possible states; lower the order"
        )
    if order == 1 and bool((weight > 0).all()):  # every step is a window of its own
        codes = paths.flat + 1
        path_of = np.repeat(np.arange(len(used)), lengths)
    else:
        codes, path_of = _windows(paths, used, lengths, starts, order, base)
    # A window repeated back to back is one visit (a self-loop; see the module docstring).
    same_path = np.empty(len(codes), dtype=bool)
    same_path[0] = False
    np.equal(path_of[1:], path_of[:-1], out=same_path[1:])
    repeat = np.empty(len(codes), dtype=bool)
    repeat[0] = False
    np.equal(codes[1:], codes[:-1], out=repeat[1:])
    repeat &= same_path
    if bool(repeat.any()):
        codes, path_of, same_path = codes[~repeat], path_of[~repeat], same_path[~repeat]
    windows, state = _number(codes, base**order)
    size = len(windows) + 1
    starts_at = ~same_path
    ends_at = np.empty(len(codes), dtype=bool)
    ends_at[-1] = True
    ends_at[:-1] = starts_at[1:]
    w = weight[used]
    inner = ~ends_at
    rows = np.concatenate([np.zeros(len(used), dtype=np.int64), state[inner]])
    cols = np.concatenate([state[starts_at], state[1:][inner[:-1]]])
    data = np.concatenate([w, w[path_of[inner]]])
    if size * size <= 1 << 24:  # few states: count the transitions by one bincount
        dense = np.bincount(rows * size + cols, weights=data, minlength=size * size)
        counts = sp.csr_matrix(dense.reshape(size, size))
    else:
        counts = sp.csr_matrix((data, (rows, cols)), shape=(size, size))
    last = state[ends_at]
    to_goal = np.bincount(last, weights=paths.conversions[used], minlength=size)
    to_value = np.bincount(last, weights=paths.value[used], minlength=size)
    to_null = np.bincount(last, weights=paths.null[used], minlength=size)
    out = np.asarray(counts.sum(axis=1)).ravel() + to_goal + to_null
    scale = np.divide(1.0, out, out=np.zeros(size), where=out > 0)
    q = sp.diags(scale) @ counts
    r = np.column_stack([to_goal * scale, to_value * scale])
    return Chain(sp.csr_matrix(q), r, _members(windows, n, order), windows)


def _windows(
    paths: pathtables.Paths,
    used: NDArray[np.int64],
    lengths: NDArray[np.int64],
    starts: NDArray[np.int64],
    order: int,
    base: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each path's windows of ``order`` channels as codes in base ``n + 1`` (0 pads a path
    shorter than the order), one per position that fits, at least one per path."""
    count = np.maximum(lengths - order + 1, 1)
    path_of = np.repeat(np.arange(len(used)), count)
    first = np.cumsum(count) - count
    local = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(first, count)
    position = starts[path_of] + local
    width = np.minimum(lengths, order)[path_of]
    codes = np.zeros(len(position), dtype=np.int64)
    for j in range(order):
        inside = j < width
        digit = np.where(inside, paths.flat[np.where(inside, position + j, 0)] + 1, 0)
        codes = codes * base + digit
    return codes, path_of


def _number(codes: NDArray[np.int64], bound: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The distinct codes, sorted, and each code's 1-based state number: by a lookup
    table when the codes are small (linear), else by sorting."""
    if bound <= 1 << 24:
        seen = np.zeros(bound, dtype=bool)
        seen[codes] = True
        windows = np.flatnonzero(seen).astype(np.int64)
        number = np.zeros(bound, dtype=np.int64)
        number[windows] = np.arange(1, len(windows) + 1)
        return windows, number[codes]
    windows, inverse = np.unique(codes, return_inverse=True)
    return windows.astype(np.int64), inverse.astype(np.int64) + 1


def _members(windows: NDArray[np.int64], n: int, order: int) -> tuple[NDArray[np.int64], ...]:
    """For each channel, the (1-based) states whose window holds it."""
    base = n + 1
    state_ids: list[NDArray[np.int64]] = []
    channel_ids: list[NDArray[np.int64]] = []
    rest = windows.copy()
    for _ in range(order):
        digit = rest % base - 1
        rest //= base
        held = digit >= 0
        state_ids.append(np.flatnonzero(held) + 1)
        channel_ids.append(digit[held])
    states = np.concatenate(state_ids)
    channels = np.concatenate(channel_ids)
    ordered = np.lexsort((states, channels))
    states, channels = states[ordered], channels[ordered]
    bounds = np.searchsorted(channels, np.arange(n + 1))
    return tuple(np.unique(states[bounds[c] : bounds[c + 1]]) for c in range(n))


def _absorb(q: sp.csr_matrix, r: Array) -> Array:
    """``(I − Q)⁻¹ r`` by a sparse LU, read at the start state (row 0)."""
    system = (sp.identity(q.shape[0], format="csc") - q).tocsc()
    solution = spla.splu(system).solve(np.ascontiguousarray(r))
    return np.asarray(solution[0], dtype=np.float64)


def removal_effects(paths: pathtables.Paths, order: int) -> Effects:
    """Every channel's exact removal effect on conversions and on value."""
    c = chain(paths, order)
    n = len(paths.channels)
    if n * (c.q.nnz + c.q.shape[0]) > MAX_WORK:
        raise ValueError(
            f"the Markov model of order {order} would solve {n:,} chains of "
            f"{c.q.shape[0]:,} states: too much; group the channels, lower the order, or "
            "leave markov out (--model)"
        )
    base = _absorb(c.q, c.r)
    probability, expected = float(base[0]), float(base[1])
    effect = np.zeros((n, 2))
    for channel, states in enumerate(c.members):
        keep = np.ones(c.q.shape[0], dtype=bool)
        keep[states] = False
        kept = np.flatnonzero(keep)
        without = _absorb(c.q[kept][:, kept], c.r[kept]) if len(states) else base
        effect[channel] = 1.0 - np.divide(without, base, out=np.ones(2), where=base > 0)
    effect = np.clip(effect, 0.0, 1.0)
    return Effects(
        np.ascontiguousarray(effect[:, 0]),
        np.ascontiguousarray(effect[:, 1]),
        probability,
        expected,
        c.q.shape[0],
    )
