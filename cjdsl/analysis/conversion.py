"""Conversion: first passage into the goals, from each entry and overall, and how long it takes.

Two chains answer this. In the *conversion* chain every goal absorbs: ``h``
is the probability of converting at all (reaching any goal), split by the
goal reached first. Per goal, a chain where only that goal absorbs gives the
probability of reaching it at least once, even after other goals. All of them
are columns of one block-triangular solve.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from .. import model
from . import markov, report

__all__ = ["Solution", "entries", "solve", "summary"]

Array = NDArray[np.float64]
_NOISE = 1e-12
"""Below this, ``1 − conversion − lost`` is the rounding of the solves, not customers stuck."""


@dataclasses.dataclass(frozen=True, eq=False)
class Solution:
    """The solved conversion figures, as arrays over the chain's states.

    ``goals`` are the state numbers of the goals (removed ones included: they
    convert nobody). ``visits``/``reached`` are expected visits and visit
    probabilities *before converting* (the conversion chain).
    """

    goals: NDArray[np.intp]
    h: Array
    first: Array
    per_goal: Array
    probability: float
    visits: Array
    reached: Array
    lost: float
    stuck: float
    steps: float | None
    time: float | None
    goal_steps: tuple[float | None, ...]
    goal_time: tuple[float | None, ...]


def solve(chain: markov.Chain) -> Solution:
    """Solve every conversion figure of the chain."""
    n = chain.size
    kind = chain.targets
    goals = np.flatnonzero(kind)
    count = goals.size
    value = (~chain.removed).astype(np.float64)
    # conversion chain: column 0 = any goal, 1..G = this goal is the first one reached
    values = np.zeros((n, 1 + count))
    values[:, 0] = value
    values[goals, 1 + np.arange(count)] = value[goals]
    targets = np.broadcast_to(kind[:, None], values.shape)
    solved = markov.first_passage(chain, targets, value=values)
    h, first = solved[:, 0], solved[:, 1:]
    w = chain.weights
    probability = float(w @ h)
    visits, reached = markov.visits(chain, kind)
    ends = np.where(kind, 0.0, chain.ends)
    with np.errstate(invalid="ignore"):
        lost = float(np.sum(np.where(ends == 0, 0.0, visits * ends)))
    stuck = float(w.sum()) - probability - lost
    stuck = 0.0 if stuck < _NOISE else stuck  # a rest of rounding, not a loop (F7)
    weighted_steps, weighted_time = markov.conditional(chain, h[:, None], kind[:, None])
    per_goal, goal_steps, goal_time = _each_goal(chain, goals)
    reach = w @ per_goal
    return Solution(
        goals=goals,
        h=h,
        first=first,
        per_goal=per_goal,
        probability=probability,
        visits=visits,
        reached=reached,
        lost=lost,
        stuck=stuck,
        steps=markov.ratio(float(w @ weighted_steps[:, 0]), probability),
        time=markov.ratio(float(w @ weighted_time[:, 0]), probability),
        goal_steps=tuple(markov.ratio(float(w @ goal_steps[:, c]), reach[c]) for c in range(count)),
        goal_time=tuple(markov.ratio(float(w @ goal_time[:, c]), reach[c]) for c in range(count)),
    )


def _each_goal(chain: markov.Chain, goals: NDArray[np.intp]) -> tuple[Array, Array, Array]:
    """Per goal g alone: P(reach g) and its h-weighted expected steps and time, per state.

    Without making g absorbing: with ``N = (I − Q)⁻¹`` of the journey chain,
    ``N[i,g] = F[i,g] · N[g,g]`` (reach g first, then count the visits from
    there). With ``N(z) = (I − zQ)⁻¹`` the same holds for generating
    functions, and ``N′(1) = N Q N``; so ``h = N[:,g] / N[g,g]`` and
    ``h · E[steps] = F′(1) = (N′[:,g] N[g,g] − N[:,g] N′[g,g]) / N[g,g]²``,
    likewise for time with ``Q ∘ after``. Three solves serve every goal. A goal
    inside a loop nobody leaves (infinite ``N[g,g]``) is solved absorbing.
    """
    n, count = chain.size, goals.size
    system = chain.system
    unit = np.zeros((n, count))
    unit[goals, np.arange(count)] = (~chain.removed[goals]).astype(np.float64)
    column = system.solve(unit)
    row = system.solve_transposed(unit)
    step = np.asarray(chain.q @ column)
    timed = np.asarray((chain.q * chain.after) @ column)
    derivative = system.solve(np.concatenate([step, timed], axis=1))
    diagonal = column[goals, np.arange(count)]
    with np.errstate(invalid="ignore", divide="ignore"):
        d_steps = np.sum(np.where(step == 0, 0.0, row * step), axis=0)
        d_time = np.sum(np.where(timed == 0, 0.0, row * timed), axis=0)
        squared = diagonal**2
        h = column / diagonal
        u = (derivative[:, :count] * diagonal - column * d_steps) / squared
        t = (derivative[:, count:] * diagonal - column * d_time) / squared
    for c in range(count):
        if diagonal[c] == 0:  # a removed goal: nobody reaches it
            h[:, c] = u[:, c] = t[:, c] = 0.0
        elif not np.isfinite(diagonal[c]) or not np.all(np.isfinite(h[:, c])):
            target = np.zeros(n, dtype=bool)
            target[goals[c]] = True
            h[:, c] = markov.first_passage(chain, target)
            u_c, t_c = markov.conditional(chain, h[:, c : c + 1], target[:, None])
            u[:, c], t[:, c] = u_c[:, 0], t_c[:, 0]
    return np.clip(h, 0.0, 1.0), u, t


def summary(chain: markov.Chain, solution: Solution) -> report.Conversion:
    """The journey's headline: conversion, customers, steps and time, lost and stuck."""
    entering = sum(chain.reach.values()) if chain.reach else None
    return report.Conversion(
        probability=solution.probability,
        customers=None if entering is None else solution.probability * entering,
        entering=entering,
        steps=solution.steps,
        time=solution.time,
        lost=solution.lost,
        stuck=solution.stuck,
    )


def entries(
    journey: model.Journey, chain: markov.Chain, solution: Solution
) -> tuple[report.Entry, ...]:
    """Per start: its weight, reach, and the conversion of the customers who start there."""
    out = []
    for start in chain.starts:
        i = chain.index(start)
        node = journey.touchpoint(start)
        reach = chain.reach.get(start) if chain.reach else None
        out.append(
            report.Entry(
                id=start,
                label=node.label if node else start,
                weight=float(chain.weights[i]),
                reach=reach,
                conversion=float(solution.h[i]),
                customers=None if reach is None else reach * float(solution.h[i]),
                goals=tuple(
                    report.GoalShare(
                        chain.nodes[g],
                        float(solution.per_goal[i, c]),
                        None if reach is None else reach * float(solution.per_goal[i, c]),
                    )
                    for c, g in enumerate(solution.goals)
                ),
            )
        )
    return tuple(out)
