"""The funnel: how many customers reach each stage and node, and where journeys end.

Reach and drop-off are figures of the *journey* chain (goals do not absorb, so
post-purchase stages count); ``lost_conversion`` is the same drop-off in the
*conversion* chain, counting only customers who had not converted yet. A
journey ends at node u with probability ``visits(u) · (drop-off(u) + Σ
transitions into exits)``; over all nodes these add up to 1, less the
customers stuck in a loop nobody leaves.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from .. import model
from . import attribution, conversion, markov, report

__all__ = ["Funnel", "bottlenecks", "nodes", "solve", "stages"]

Array = NDArray[np.float64]


@dataclasses.dataclass(frozen=True, eq=False)
class Funnel:
    """Per-state funnel figures, and the reach of each stage in declaration order."""

    visits: Array
    reached: Array
    drop_off: Array
    implicit: Array
    lost_conversion: Array
    stage_reach: dict[str, float]


def _finite(values: Array, factor: Array) -> Array:
    """``values · factor`` with ``inf · 0 = 0``: a loop nobody leaves ends no journey."""
    with np.errstate(invalid="ignore"):
        return np.where(factor == 0, 0.0, values * factor)


def solve(journey: model.Journey, chain: markov.Chain, solution: conversion.Solution) -> Funnel:
    """Visits, reach and drop-off per node, and reach per stage (one solve for all stages)."""
    visits, reached = markov.visits(chain, np.zeros(chain.size, dtype=bool))
    staged = [s for s in journey.stages if any(stage == s.id for stage in chain.stages)]
    targets = np.array(
        [[stage == s.id for s in staged] for stage in chain.stages], dtype=bool
    ).reshape(chain.size, len(staged))
    reach = markov.first_passage(chain, targets) if staged else np.zeros((chain.size, 0))
    goals = chain.targets
    return Funnel(
        visits=visits,
        reached=reached,
        drop_off=_finite(visits, chain.ends),
        implicit=_finite(visits, chain.leak),
        lost_conversion=np.where(goals, 0.0, _finite(solution.visits, chain.ends)),
        stage_reach={s.id: float(chain.weights @ reach[:, c]) for c, s in enumerate(staged)},
    )


def stages(journey: model.Journey, chain: markov.Chain, funnel: Funnel) -> tuple[report.Stage, ...]:
    """Per stage with nodes in the chain: reach, drop-off and lost conversion."""
    out = []
    for stage in journey.stages:
        if stage.id not in funnel.stage_reach:
            continue
        members = np.array([s == stage.id for s in chain.stages], dtype=bool)
        out.append(
            report.Stage(
                id=stage.id,
                label=stage.label,
                reach=funnel.stage_reach[stage.id],
                drop_off=float(funnel.drop_off[members].sum()),
                lost_conversion=float(funnel.lost_conversion[members].sum()),
                nodes=tuple(n for n, m in zip(chain.nodes, members, strict=True) if m),
            )
        )
    return tuple(out)


def bottlenecks(chain: markov.Chain, funnel: Funnel) -> tuple[str, ...]:
    """Touchpoints ranked by the conversion lost there (most first; ties in declaration order)."""
    ranked = sorted(
        (i for i in np.flatnonzero(chain.touchpoints) if funnel.lost_conversion[i] > 1e-12),
        key=lambda i: (-funnel.lost_conversion[i], i),
    )
    return tuple(chain.nodes[i] for i in ranked)


def nodes(
    journey: model.Journey,
    chain: markov.Chain,
    funnel_: Funnel,
    credit: attribution.Attribution,
    solution: conversion.Solution,
) -> tuple[report.Node, ...]:
    """Per node: reach, visits, drop-off, removal effect, and who converts from there."""
    out = []
    for i, id_ in enumerate(chain.nodes):
        reach = float(funnel_.reached[i])
        node = journey.touchpoint(id_)
        visits = float(funnel_.visits[i])
        effect, share = float(credit.effect[i]), float(credit.share[i])
        out.append(
            report.Node(
                id=id_,
                label=node.label if node else id_,
                kind=chain.kinds[i].value,
                stage=chain.stages[i],
                channel=chain.channels[i],
                reach=float(funnel_.reached[i]),
                visits=visits if np.isfinite(visits) else None,
                drop_off=float(funnel_.drop_off[i]),
                implicit=float(funnel_.implicit[i]),
                lost_conversion=float(funnel_.lost_conversion[i]),
                removal_effect=None if np.isnan(effect) else effect,
                share=None if np.isnan(share) else share,
                removed=bool(chain.removed[i]),
                converts_from=float(solution.h[i]),
                ends_rate=markov.ratio(float(funnel_.drop_off[i]), reach),
                visits_before=before if np.isfinite(before := float(solution.visits[i])) else None,
            )
        )
    return tuple(out)
