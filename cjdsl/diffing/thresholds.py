"""``--fail-on`` limits of ``cjdsl diff``: when a change is bad enough to fail CI.

A limit is ``NAME=AMOUNT``; the diff fails when the change is worse than the amount
(``conversion-drop=0`` fails on any drop). Probabilities take ``pp`` (percentage points)
or ``%`` (relative to the value before); counts and money a plain number.

>>> parse("conversion-drop=0.5pp")
Limit(name='conversion-drop', amount=0.005, relative=False, text='conversion-drop=0.5pp')
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Final

from ..diagnostics import did_you_mean
from . import Diff, Figure

__all__ = ["LIMITS", "Limit", "broken", "parse"]

LIMITS: Final = {
    "conversion-drop": "the conversion falls by more than the amount (pp or %)",
    "goal-drop": "any goal's conversion falls by more than the amount (pp or %)",
    "drop-off-rise": "any stage's drop-off rises by more than the amount (pp or %)",
    "churn-rise": "the churn after the goal rises by more than the amount (pp or %)",
    "cost-per-conversion-rise": "the cost per conversion rises by more than the amount "
    "(an amount of its currency, or %)",
    "emotion-drop": "any touchpoint's emotion falls by more than the amount (a score)",
    "dead-ends": "more than the amount of new dead ends",
    "unreachable": "more than the amount of newly unreachable nodes",
}
_PROBABILITY: Final = ("conversion-drop", "goal-drop", "drop-off-rise", "churn-rise")
_AMOUNT: Final = re.compile(r"(\d+(?:\.\d+)?)(pp|%)?")


@dataclasses.dataclass(frozen=True, slots=True)
class Limit:
    """One ``--fail-on`` limit: ``amount`` a probability for pp, a fraction when ``relative``."""

    name: str
    amount: float
    relative: bool
    text: str


def parse(text: str) -> Limit:
    """The limit written ``NAME=AMOUNT``.

    Raises:
        ValueError: an unknown name (with a suggestion) or an amount it cannot take.
    """
    name, equals, amount = text.partition("=")
    name = name.strip()
    if name not in LIMITS:
        raise ValueError(
            f"unknown limit `{name}` in --fail-on {text}: "
            + (did_you_mean(name, LIMITS) or "limits are " + ", ".join(LIMITS))
        )
    match = _AMOUNT.fullmatch(amount.strip())
    if not equals or match is None:
        raise ValueError(f"--fail-on {text}: write `{name}=AMOUNT`, e.g. `conversion-drop=0.5pp`")
    value, unit = float(match.group(1)), match.group(2)
    if unit == "pp" and name not in _PROBABILITY:
        raise ValueError(f"--fail-on {text}: `pp` fits a probability; `{name}` takes a number")
    if unit == "%":
        return Limit(name, value / 100, True, text)
    if name in _PROBABILITY and unit != "pp":
        raise ValueError(f"--fail-on {text}: write percentage points (`{value:g}pp`) or `%`")
    return Limit(name, value / 100 if unit == "pp" else value, False, text)


def broken(diff: Diff, limits: tuple[Limit, ...]) -> Iterator[str]:
    """A sentence for each limit the diff crosses."""
    for limit in limits:
        yield from _crossed(diff, limit)


def _crossed(diff: Diff, limit: Limit) -> Iterator[str]:
    name = limit.name
    if name == "dead-ends" and len(diff.new_dead_ends) > limit.amount:
        yield f"{len(diff.new_dead_ends)} new dead ends ({limit.text})"
    elif name == "unreachable" and len(diff.new_unreachable) > limit.amount:
        yield f"{len(diff.new_unreachable)} newly unreachable ({limit.text})"
    elif name == "emotion-drop":
        for node in diff.touchpoints:
            delta = node.emotion_delta
            if delta is not None and -delta > limit.amount:
                yield f"emotion of `{node.id}` falls by {-delta:g} ({limit.text})"
    else:
        prefix, sign = {
            "conversion-drop": ("conversion", -1),
            "goal-drop": ("goal:", -1),
            "drop-off-rise": ("drop-off:", 1),
            "churn-rise": ("churn", 1),
            "cost-per-conversion-rise": ("cost-per-conversion", 1),
        }[name]
        for figure in diff.figures:
            named = figure.key == prefix or (prefix.endswith(":") and figure.key.startswith(prefix))
            if named and _worse(figure, sign, limit):
                yield f"{figure.name} {_moved(figure)} ({limit.text})"


def _worse(figure: Figure, sign: int, limit: Limit) -> bool:
    change = figure.change
    if change is None or figure.before is None:
        return False
    worse = sign * change
    if limit.relative:
        return figure.before != 0 and worse / abs(figure.before) > limit.amount
    return worse > limit.amount + 1e-12


def _moved(figure: Figure) -> str:
    change = figure.change or 0.0
    if figure.unit == "probability":
        return f"{'rises' if change > 0 else 'falls'} by {abs(change) * 100:.2f} pp"
    return f"{'rises' if change > 0 else 'falls'} by {abs(change):.2f}"
