"""Costs as users write them: per contact (times the visits) or a period's budget.

A ``cost 35 EUR per contact`` is paid each time a customer passes, so per customer
entering it costs its amount times the node's expected visits; a budget (``per month``,
or no basis) is divided by the customers entering per period. Each is split at the goal
analysed: the visits before converting are acquisition, the rest service and retention
(a budget in proportion to its node's visits before and after). Computed last, from the
report's own visits, so a mixture of personas needs nothing of its own: its visits are
already the share-weighted ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .. import model
from . import markov, report

__all__ = ["apply"]


@dataclasses.dataclass(frozen=True, slots=True)
class _Split:
    """A cost per customer entering, before and after converting (``None``: unknown)."""

    acquisition: float | None
    service: float | None


def apply(journey: model.Journey, found: report.Report) -> report.Report:
    """``found`` with the costs of its channels and touchpoints and the journey's ``costs``."""
    nodes = {n.id: n for n in found.nodes}
    entering = found.conversion.entering
    probability = found.conversion.probability
    splits: dict[str, _Split] = {}
    currency: dict[str, str] = {}
    for node in journey.touchpoints:
        if node.cost is not None and node.id in nodes:
            splits[node.id] = _split(node.cost, nodes[node.id], entering)
            currency[node.id] = node.cost.currency
    currencies = set(currency.values())
    one = currencies.pop() if len(currencies) == 1 else None
    priced = []
    for n in found.nodes:
        split = splits.get(n.id)
        attributed = None if n.share is None else n.share * probability
        per = (
            None
            if split is None or split.acquisition is None or attributed is None
            else markov.ratio(split.acquisition, attributed)
        )
        priced.append(dataclasses.replace(n, cost_per_conversion=per))
    channels = tuple(_channel(c, splits, currency, entering, probability) for c in found.channels)
    costs = None
    if one is not None:
        acquisition = _total(s.acquisition for s in splits.values())
        service = _total(s.service for s in splits.values())
        value = _value(journey, found, one)
        spent = None if acquisition is None or service is None else acquisition + service
        costs = report.Costs(
            currency=one,
            acquisition=None if acquisition is None else markov.ratio(acquisition, probability),
            service=None if service is None else markov.ratio(service, probability),
            value=None if value is None else markov.ratio(value, probability),
            return_on_spend=None if value is None or spent is None else markov.ratio(value, spent),
            per_period=None if spent is None or entering is None else spent * entering,
        )
    return dataclasses.replace(found, nodes=tuple(priced), channels=channels, costs=costs)


def _split(cost: model.Money, node: report.Node, entering: float | None) -> _Split:
    visits, before = node.visits, node.visits_before
    if visits is None or before is None:
        return _Split(None, None)  # a loop nobody leaves: infinitely many contacts
    before = min(before, visits)
    if cost.per_contact:
        return _Split(cost.amount * before, cost.amount * (visits - before))
    if entering is None or entering <= 0:
        return _Split(None, None)  # a budget needs the customers it is spent on
    each = cost.amount / entering
    part = before / visits if visits > 1e-15 else 1.0
    return _Split(each * part, each * (1.0 - part))


def _total(values: Iterable[float | None]) -> float | None:
    out = 0.0
    for value in values:
        if value is None:
            return None
        out += value
    return out


def _value(journey: model.Journey, found: report.Report, currency: str) -> float | None:
    """The goals' values per customer entering, each counted once per customer reaching it."""
    worth = {
        n.id: n.value.amount
        for n in journey.touchpoints
        if n.value is not None and n.value.currency == currency
    }
    if not worth:
        return None
    return sum(worth[g.id] * g.conversion for g in found.goals if g.id in worth)


def _channel(
    channel: report.Channel,
    splits: dict[str, _Split],
    currency: dict[str, str],
    entering: float | None,
    probability: float,
) -> report.Channel:
    """The channel's acquisition cost per period and per conversion credited to it."""
    members = [n for n in channel.nodes if n in splits]
    if not members:
        return dataclasses.replace(channel, cost=None, currency=None, cost_per_conversion=None)
    kinds = {currency[n] for n in members}
    if len(kinds) > 1:  # CJ309 says so; nothing is added up
        return dataclasses.replace(channel, cost=None, currency=None, cost_per_conversion=None)
    acquisition = _total(splits[n].acquisition for n in members)
    per = (
        None
        if acquisition is None or channel.attributed is None
        else markov.ratio(acquisition, channel.attributed)
    )
    return dataclasses.replace(
        channel,
        cost=None if acquisition is None or entering is None else acquisition * entering,
        currency=kinds.pop(),
        cost_per_conversion=per,
    )
