"""Toward one goal, from one place: the chain turned for ``--goal`` and ``--from``.

``--goal``: only that goal absorbs in the conversion chain, the other goals are
transient states the walk passes through. ``--from``: the walk starts where customers
first get into a node or stage, weighted by how often they first get there at each of
its nodes (``docs/analysis.md``, "Toward one goal, from one place").
"""

from __future__ import annotations

import dataclasses
from typing import Final

import numpy as np

from .. import model
from . import markov

__all__ = ["EVERYTHING", "Focus", "aim", "check"]


@dataclasses.dataclass(frozen=True)
class Focus:
    """Which goal counts as converting (``None``: any goal) and where the walk starts
    (``None``: at the entries; else a node or stage id: customers who reached it)."""

    goal: str | None = None
    start: str | None = None


EVERYTHING: Final = Focus()


def aim(journey: model.Journey, chain: markov.Chain, aim: Focus) -> markov.Chain:
    """``chain`` toward ``aim.goal`` and from ``aim.start``.

    Toward a goal, that goal alone absorbs in the conversion chain; the other goals
    are passed through like touchpoints (a customer who buys the starter tariff on the
    way to the contract converts when reaching the contract). A persona that does not
    meet the goal converts with probability 0.

    From a node or stage X, the start distribution is where customers first get into
    X (``P(first X-node reached is j) / P(reach X)``); a start that is in X counts as
    getting there at once. ``reached_from`` keeps ``P(reach X)`` so that personas can
    be weighted by how many of them get there, and ``reach`` becomes the customers
    who get there (when the entries have reach).

    Raises:
        ValueError: ``aim.goal`` is no goal of the journey, or ``aim.start`` is no
            node or stage.
    """
    if aim == EVERYTHING:
        return chain
    check(journey, aim)
    out = chain
    if aim.goal is not None:
        aims = np.array([node == aim.goal for node in chain.nodes], dtype=bool)
        out = dataclasses.replace(out, aims=aims)
    if aim.start is None:
        return out
    members = [
        i for i, node in enumerate(chain.nodes) if node == aim.start or chain.stages[i] == aim.start
    ]
    weights = np.zeros(chain.size)
    if members:
        k = len(members)
        targets = np.zeros((chain.size, k), dtype=bool)
        blocked = np.zeros((chain.size, k), dtype=bool)
        for column, i in enumerate(members):
            targets[i, column] = True
            blocked[members, column] = True
            blocked[i, column] = False
        first = chain.weights @ markov.first_passage(chain, targets, blocked=blocked)
        weights[members] = first
    total = float(weights.sum())
    notes = list(out.notes)
    if total <= 1e-15:
        notes.append(f"nobody reaches `{aim.start}`: there is no one to analyse from there")
        weights = np.zeros(chain.size)
        starts: tuple[str, ...] = ()
    else:
        weights = weights / total
        starts = tuple(chain.nodes[i] for i in members if weights[i] > 0)
    entering = sum(chain.reach.values()) if chain.reach else None
    reach = (
        None
        if entering is None
        else {node: entering * total * float(weights[chain.index(node)]) for node in starts}
    )
    return dataclasses.replace(
        out,
        weights=weights,
        starts=starts,
        reach=reach,
        reached_from=total,
        notes=tuple(notes),
    )


def check(journey: model.Journey, aim: Focus) -> None:
    """Refuse a ``--goal`` that is no goal and a ``--from`` that is no node or stage.

    Raises:
        ValueError: with the ids there are to choose from.
    """
    goals = [t.id for t in journey.touchpoints if t.kind is model.NodeKind.GOAL]
    if aim.goal is not None and aim.goal not in goals:
        raise ValueError(
            f"`{aim.goal}` is no goal of the journey; goals: "
            + (", ".join(f"`{g}`" for g in goals) or "none")
        )
    places = {t.id for t in journey.touchpoints} | {s.id for s in journey.stages}
    if aim.start is not None and aim.start not in places:
        raise ValueError(
            f"`{aim.start}` is no node or stage of the journey (`--from` takes the id of a "
            "touchpoint, goal, exit or stage)"
        )
