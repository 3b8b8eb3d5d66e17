"""Funnel order and channel switches: stage moves with their traffic, channel changes on a path.

Stage moves are the CJ501/CJ502 findings of ``cjdsl check`` (both read the stage
order of ``graph``), here for the persona's graph and weighted by the traffic that
takes them (expected traversals per entering customer). Channel switches compare
consecutive nodes of a path that have a channel; a switch between an ``online``
and an ``offline`` channel is counted separately.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .. import graph as graphs
from .. import model
from . import markov, report

__all__ = ["moves", "switches"]


def moves(
    journey: model.Journey, chain: markov.Chain, visits: NDArray[np.float64]
) -> tuple[report.Move, ...]:
    """Transitions back to an earlier stage or over a stage, in declaration order."""
    order = graphs.stage_order(journey, chain.nodes)
    q = chain.q.tocoo()
    out = []
    for u, v, p in sorted(zip(q.row.tolist(), q.col.tolist(), q.data.tolist(), strict=True)):
        move = graphs.stage_move(journey, order, chain.nodes[u], chain.nodes[v])
        if move is None:
            continue
        traffic = float(visits[u]) * p if np.isfinite(visits[u]) else float("inf")
        out.append(
            report.Move(
                source=chain.nodes[u],
                target=chain.nodes[v],
                from_stage=move.from_stage,
                to_stage=move.to_stage,
                kind=move.kind,
                skipped=move.skipped,
                probability=p,
                traffic=traffic,
            )
        )
    return tuple(out)


def switches(journey: model.Journey, path: Sequence[str]) -> report.Switches:
    """Channel switches between consecutive channelled nodes of ``path``."""
    kinds = {c.id: c.kind for c in journey.channels}
    channelled = [
        (id_, node.channel)
        for id_ in path
        if (node := journey.touchpoint(id_)) is not None and node.channel is not None
    ]
    found = []
    for (a, ca), (b, cb) in itertools.pairwise(channelled):
        if ca != cb:
            ka, kb = kinds.get(ca), kinds.get(cb)
            found.append(
                report.Switch(a, b, ca, cb, ka is not None and kb is not None and ka != kb)
            )
    return report.Switches(tuple(path), tuple(found))
