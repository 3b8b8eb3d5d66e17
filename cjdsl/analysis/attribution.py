"""Removal effects: how much conversion each touchpoint and channel carries (Anderl et al. 2016).

Removing touchpoint c sends its incoming traffic to "lost". Its removal effect
is the relative drop in conversion, which has a closed form from one solve:
with ``N = (I − Q)⁻¹`` of the conversion chain and ``h`` the conversion
probability per state, ``RE_c = Σ_s w_s (N[s,c] / N[c,c]) · h[c] / Σ_s w_s h[s]``:
the share of converting customers who pass c before converting. ``N[s,c] /
N[c,c]`` is the probability of visiting c at all, from the forward visits and
the diagonal of N, both computed along the condensation for every c at once.
A channel is a set of touchpoints, removed together: one more column per
channel in a single solve. Normalised removal effects are the channels' (and
touchpoints') shares of the conversions.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from .. import model
from . import conversion, markov, report

__all__ = ["Attribution", "channels", "solve", "with_channels"]

Array = NDArray[np.float64]


@dataclasses.dataclass(frozen=True, eq=False)
class Attribution:
    """Removal effects and shares per state (``nan`` where undefined) and per channel."""

    effect: Array
    share: Array
    channels: dict[str, float | None]
    channel_nodes: dict[str, tuple[str, ...]]


def solve(
    journey: model.Journey, chain: markov.Chain, solution: conversion.Solution
) -> Attribution:
    """Every touchpoint's removal effect; the channels' follow from ``with_channels``."""
    touchpoints = chain.touchpoints
    effect = np.full(chain.size, np.nan)
    grouped: dict[str | None, list[str]] = {}
    for i in np.flatnonzero(touchpoints).tolist():
        grouped.setdefault(chain.channels[i], []).append(chain.nodes[i])
    members = {c.id: tuple(grouped.get(c.id, ())) for c in journey.channels}
    members = {c: nodes for c, nodes in members.items() if nodes}
    if solution.probability > 1e-15:
        effect[touchpoints] = (
            solution.reached[touchpoints] * solution.h[touchpoints] / solution.probability
        )
    effect = np.clip(effect, 0.0, 1.0)
    total = float(np.nansum(effect))
    share = effect / total if total > 0 else np.full(chain.size, np.nan)
    return Attribution(effect, share, dict.fromkeys(members), members)


def with_channels(
    chain: markov.Chain, solution: conversion.Solution, credit: Attribution
) -> Attribution:
    """``credit`` with each channel's removal effect: one solve, a column per channel.

    A step of its own because every channel is a mask of its own (a system
    per masked loop): the time limit may leave it out.
    """
    ids = list(credit.channel_nodes)
    if solution.probability <= 1e-15 or not ids:
        return credit
    goals = chain.targets
    blocked = np.zeros((chain.size, len(ids)), dtype=bool)
    for column, channel in enumerate(ids):
        blocked[[chain.index(node) for node in credit.channel_nodes[channel]], column] = True
    targets = np.broadcast_to(goals[:, None], blocked.shape)
    value = np.broadcast_to((~chain.removed).astype(np.float64)[:, None], blocked.shape)
    without = chain.weights @ markov.first_passage(chain, targets, value=value, blocked=blocked)
    by_channel: dict[str, float | None] = {
        channel: max(0.0, 1.0 - float(without[column]) / solution.probability)
        for column, channel in enumerate(ids)
    }
    return dataclasses.replace(credit, channels=by_channel)


def channels(
    journey: model.Journey,
    chain: markov.Chain,
    solution: conversion.Solution,
    attribution: Attribution,
    notes: list[str],
) -> tuple[report.Channel, ...]:
    """Per channel with touchpoints: removal effect, share, attributed conversions and cost."""
    effects = {c: e for c, e in attribution.channels.items() if e is not None}
    total = sum(effects.values())
    entering = sum(chain.reach.values()) if chain.reach else None
    out = []
    for channel in journey.channels:
        if channel.id not in attribution.channel_nodes:
            continue
        effect = attribution.channels[channel.id]
        share = effect / total if effect is not None and total > 0 else None
        attributed = None if share is None else share * solution.probability
        customers = None if attributed is None or entering is None else attributed * entering
        cost, currency = _cost(journey, chain, channel.id, notes)
        out.append(
            report.Channel(
                id=channel.id,
                label=channel.label,
                kind=channel.kind,
                nodes=attribution.channel_nodes[channel.id],
                removal_effect=effect,
                share=share,
                attributed=attributed,
                customers=customers,
                cost=cost,
                currency=currency,
                cost_per_conversion=markov.ratio(cost, customers)
                if cost is not None and customers is not None
                else None,
            )
        )
    return tuple(out)


def _cost(
    journey: model.Journey, chain: markov.Chain, channel: str, notes: list[str]
) -> tuple[float | None, str | None]:
    """The summed ``cost`` of the channel's touchpoints (the ``nodes`` it lists and is
    removed with; goals and exits on it do not count), if they share one currency."""
    costs = [
        node.cost
        for i, id_ in enumerate(chain.nodes)
        if chain.channels[i] == channel
        and chain.kinds[i] is model.NodeKind.TOUCHPOINT
        and not chain.removed[i]
        and (node := journey.touchpoint(id_)) is not None
        and node.cost is not None
    ]
    currencies = sorted({c.currency for c in costs})
    if len(currencies) > 1:
        notes.append(f"channel `{channel}` has costs in {', '.join(currencies)}: not added up")
        return None, None
    if not costs:
        return None, None
    return sum(c.amount for c in costs), currencies[0]
