"""What to fix first: how much conversion one more point on each transition buys.

With ``N = (I − Q)⁻¹`` of the conversion chain, ``h`` each state's conversion probability
and ``v = wᵀN`` the expected visits before converting, the conversion ``P = wᵀh`` changes
with a transition's probability by ``∂P/∂p(u→v) = v[u] · h[v]``: every customer at ``u``
who takes the extra point converts from ``v`` as anyone there does. The point comes from
those who leave ``u`` unwritten (the implicit drop-off, which converts nobody). Both
factors are already solved, so every transition costs one product.
"""

from __future__ import annotations

import numpy as np

from . import conversion, markov, report

__all__ = ["solve"]


def solve(chain: markov.Chain, solution: conversion.Solution) -> tuple[report.Sensitivity, ...]:
    """Each transition's effect on conversion (per point of probability), largest first."""
    q = chain.q.tocoo()
    skip = chain.targets | chain.removed
    out = []
    for u, v, p in zip(q.row.tolist(), q.col.tolist(), q.data.tolist(), strict=True):
        if skip[u] or chain.removed[v]:
            continue
        effect = float(solution.visits[u]) * float(solution.h[v])
        if np.isfinite(effect) and effect > 1e-12:
            out.append(report.Sensitivity(chain.nodes[u], chain.nodes[v], float(p), effect))
    order = {node: i for i, node in enumerate(chain.nodes)}
    out.sort(key=lambda s: (-s.effect, order[s.source], order[s.target]))
    return tuple(out)
