"""Churn and retention: what becomes of the customers after the goal.

Exits with ``loss churn`` are churn. From the goal a customer reaches (the first one, or
``--goal``'s), the walk goes on in the journey chain (goals are transient there): the
churn rate is the probability of reaching a churn exit from there, split by the stage
of the exit; a touchpoint's churn effect is the share of churners who pass it on the
way (the removal effect toward churn exits, ``visit probability × churn from there /
churn rate``). The win-back probability starts where customers first make a
cancellation request (a touchpoint tagged ``cancellation`` or ``kündigung``) and is
the probability of reaching a goal afterwards. For everyone, each persona's figures
are weighted by the customers they are shares of (``mix``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .. import model
from . import conversion, markov, report

__all__ = ["REQUEST_TAGS", "mix", "solve"]

REQUEST_TAGS = ("cancellation", "kündigung")
"""The tags that mark a cancellation request (``tags cancellation`` or ``tags kündigung``)."""

Array = NDArray[np.float64]


def solve(
    journey: model.Journey, chain: markov.Chain, solution: conversion.Solution
) -> report.Churn | None:
    """The churn figures of one chain; ``None`` when it meets no exit with ``loss churn``."""
    info = {t.id: t for t in journey.touchpoints}
    churn = np.array(
        [info[n].kind is model.NodeKind.EXIT and info[n].loss == "churn" for n in chain.nodes],
        dtype=bool,
    ).reshape(chain.size)
    if not churn.any():
        return None
    exits = tuple(n for n, c in zip(chain.nodes, churn.tolist(), strict=True) if c)
    requests = tuple(
        n
        for i, n in enumerate(chain.nodes)
        if chain.touchpoints[i] and any(tag in REQUEST_TAGS for tag in info[n].tags)
    )
    request_reach, win_back = _win_back(chain, requests)
    arrive = chain.weights @ solution.first if solution.goals.size else np.zeros(0)
    converted = float(arrive.sum())
    if converted <= 1e-15:
        return report.Churn(exits, None, (), (), requests, request_reach, win_back, None, None)
    start = np.zeros(chain.size)
    start[solution.goals] = arrive / converted
    after = dataclasses.replace(chain, weights=start)
    gone = markov.first_passage(chain, churn)
    rate = float(start @ gone)
    stages = []
    for stage in dict.fromkeys(chain.stages[i] for i in np.flatnonzero(churn).tolist()):
        if stage is None:
            continue
        here = churn & np.array([s == stage for s in chain.stages], dtype=bool)
        stages.append(report.StageChurn(stage, float(start @ markov.first_passage(chain, here))))
    _, reached = markov.visits(after, churn)
    touchpoints = sorted(
        (
            report.NodeChurn(
                chain.nodes[i],
                float(reached[i]),
                float(reached[i] * gone[i] / rate) if rate > 1e-15 else 0.0,
                float(gone[i]),
            )
            for i in np.flatnonzero(chain.touchpoints & (reached > 0)).tolist()
        ),
        key=lambda n: (-n.effect, n.id),
    )
    _, time = markov.conditional(chain, gone[:, None], churn[:, None])
    lifetime = markov.ratio(float(start @ time[:, 0]), rate)
    visits, _ = markov.visits(after, np.zeros(chain.size, dtype=bool))
    again = float(visits[solution.goals].sum()) - 1.0
    repurchases = max(0.0, again) if np.isfinite(again) else None
    return report.Churn(
        exits,
        rate,
        tuple(stages),
        tuple(touchpoints),
        requests,
        request_reach,
        win_back,
        lifetime,
        repurchases,
    )


def _win_back(chain: markov.Chain, requests: tuple[str, ...]) -> tuple[float, float | None]:
    """The probability of making a cancellation request, and of reaching a goal after the
    first one made."""
    if not requests:
        return 0.0, None
    members = [chain.index(n) for n in requests]
    k = len(members)
    targets = np.zeros((chain.size, k), dtype=bool)
    blocked = np.zeros((chain.size, k), dtype=bool)
    for column, i in enumerate(members):
        targets[i, column] = True
        blocked[members, column] = True
        blocked[i, column] = False
    first = chain.weights @ markov.first_passage(chain, targets, blocked=blocked)
    total = float(first.sum())
    if total <= 1e-15:
        return 0.0, None
    back = markov.first_passage(chain, chain.goals)
    return total, float(first @ back[members]) / total


def mix(parts: Sequence[tuple[float, report.Report]]) -> report.Churn | None:
    """The churn figures for everyone from each persona's (``(share, report)``): rates
    weighted by the converted customers, churn effects and the lifetime by the churners,
    the win-back by those who make a request."""
    found = [(w, r.conversion.probability, r.churn) for w, r in parts if r.churn is not None]
    if not found:
        return None
    buyers = sum(w * r.conversion.probability for w, r in parts)
    exits = tuple(dict.fromkeys(e for _, _, c in found for e in c.exits))
    requests = tuple(dict.fromkeys(e for _, _, c in found for e in c.requests))
    asked = sum(w * c.request_reach for w, _, c in found)
    win_back = _share(sum(w * c.request_reach * (c.win_back or 0.0) for w, _, c in found), asked)
    if buyers <= 1e-15:
        return report.Churn(exits, None, (), (), requests, asked, win_back, None, None)
    churners = sum(w * conv * (c.rate or 0.0) for w, conv, c in found)
    rate = churners / buyers
    by_stage: dict[str, float] = {}
    for w, conv, c in found:
        for s in c.stages:
            by_stage[s.stage] = by_stage.get(s.stage, 0.0) + w * conv * s.rate / buyers
    nodes: dict[str, list[float]] = {}
    for w, conv, c in found:
        for n in c.touchpoints:
            acc = nodes.setdefault(n.id, [0.0, 0.0, 0.0])
            acc[0] += w * conv * n.reach
            acc[1] += w * conv * (c.rate or 0.0) * n.effect
            acc[2] += w * conv * n.reach * n.churns_from
    touchpoints = sorted(
        (
            report.NodeChurn(id_, r / buyers, _share(e, churners) or 0.0, _share(f, r) or 0.0)
            for id_, (r, e, f) in nodes.items()
        ),
        key=lambda n: (-n.effect, n.id),
    )
    lifetimes = [(w * conv * (c.rate or 0.0), c.lifetime) for w, conv, c in found]
    known = [(x, t) for x, t in lifetimes if t is not None and x > 0]
    lifetime = _share(sum(x * t for x, t in known), sum(x for x, _ in known))
    again = [(w * conv, c.repurchases) for w, conv, c in found]
    repurchases = (
        None if any(r is None for _, r in again) else sum(x * (r or 0.0) for x, r in again) / buyers
    )
    stages = tuple(report.StageChurn(s, v) for s, v in by_stage.items())
    return report.Churn(
        exits, rate, stages, tuple(touchpoints), requests, asked, win_back, lifetime, repurchases
    )


def _share(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 1e-15 else numerator / denominator
