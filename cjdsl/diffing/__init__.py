"""What changed between two journeys, by meaning: ``cjdsl diff`` (docs/scenarios.md).

Not a diff of the text: two journeys that mean the same (``model.meaning``) differ in
nothing, however they are written. ``compare`` lists the nodes and transitions added,
removed and changed (by which attributes; an emotion by how much), the dead ends and
unreachable nodes the second has and the first had not, and every headline figure of the
analysis before and after. ``formats`` writes it as text, Markdown and JSON;
``thresholds`` says whether it crosses a ``--fail-on`` limit.

>>> import cjdsl
>>> text = 'journey "J"\\nentry touchpoint a\\ngoal b\\nexit x\\na -> x\\na -> b '
>>> a, b = cjdsl.loads(text + "40%").journey, cjdsl.loads(text + "50%").journey
>>> d = compare(a, b)
>>> [(e.source, e.target, e.kind) for e in d.transitions], d.figure("conversion").change
([('a', 'b', 're-weighted')], 0.1)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Final

from .. import analysis, graph, model
from ..analysis import budget
from ..checks import structure
from ..language import vocabulary

__all__ = ["Diff", "Figure", "NodeChange", "TransitionChange", "compare"]

ADDED: Final = "added"
REMOVED: Final = "removed"
CHANGED: Final = "changed"
REWEIGHTED: Final = "re-weighted"

_FIELD_NAMES: Final = {
    "label": "label",
    "kind": "kind",
    "stage": "stage",
    "channel_ref": "channel",
    "persona_refs": "personas",
    "entry": "entry",
} | {a.field: a.name for a in vocabulary.attributes("node")}
_SAME: Final = 1e-12


@dataclasses.dataclass(frozen=True, slots=True)
class NodeChange:
    """A node added, removed or changed; ``attributes`` names what changed (``emotion``,
    ``pain``, ``label``, ``channel`` …), ``emotion`` the scores before and after."""

    id: str
    label: str
    kind: str
    change: str
    attributes: tuple[str, ...] = ()
    emotion: tuple[float | None, float | None] = (None, None)

    @property
    def emotion_delta(self) -> float | None:
        before, after = self.emotion
        return None if before is None or after is None else after - before


@dataclasses.dataclass(frozen=True, slots=True)
class TransitionChange:
    """A transition added, removed, re-weighted (its probability) or changed (its duration
    or label); ``before``/``after`` its probability as written (``None``: not written, it
    shares the rest)."""

    source: str
    target: str
    personas: tuple[str, ...]
    kind: str
    before: str | None
    after: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Figure:
    """A headline figure before and after; ``unit`` is ``probability``, ``customers``,
    ``money`` (with ``currency``) or ``steps``; ``key`` names it for ``--fail-on``."""

    key: str
    name: str
    unit: str
    before: float | None
    after: float | None
    currency: str | None = None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 12)


@dataclasses.dataclass(frozen=True, slots=True)
class Diff:
    """Everything ``compare`` found; empty lists when the two journeys mean the same."""

    before: str
    after: str
    touchpoints: tuple[NodeChange, ...]
    transitions: tuple[TransitionChange, ...]
    new_dead_ends: tuple[str, ...]
    new_unreachable: tuple[str, ...]
    figures: tuple[Figure, ...]
    notes: tuple[str, ...] = ()

    @property
    def same(self) -> bool:
        """Whether nothing of the structure changed (figures then cannot have either)."""
        return not (self.touchpoints or self.transitions)

    def figure(self, key: str) -> Figure | None:
        """The figure with this key (``conversion``, ``goal:bought``, ``drop-off:buy``…)."""
        return next((f for f in self.figures if f.key == key), None)


def compare(
    before: model.Journey,
    after: model.Journey,
    *,
    names: tuple[str, str] = ("before", "after"),
    time_limit: float | None = analysis.DEFAULT_TIME_LIMIT,
    persona: str | None = None,
    figures: bool = True,
) -> Diff:
    """What ``after`` changes of ``before``; ``names`` say what each is in the output, and
    the figures are ``persona``'s (everyone's when ``None``; ``figures=False``: none, the
    structure only, without running the analysis)."""
    found, notes = _figures(before, after, time_limit, persona) if figures else ((), ())
    return Diff(
        before=names[0],
        after=names[1],
        touchpoints=tuple(_nodes(before, after)),
        transitions=tuple(_transitions(before, after)),
        new_dead_ends=_new(before, after, _dead_ends),
        new_unreachable=_new(before, after, _unreachable),
        figures=found,
        notes=notes,
    )


def _nodes(before: model.Journey, after: model.Journey) -> Iterator[NodeChange]:
    old = {n.id: n for n in before.touchpoints}
    new = {n.id: n for n in after.touchpoints}
    for node in after.touchpoints:
        if node.id not in old:
            yield NodeChange(node.id, node.label, node.kind.value, ADDED, emotion=(None, _e(node)))
            continue
        was = old[node.id]
        changed = tuple(
            dict.fromkeys(
                _FIELD_NAMES[field]
                for field in _FIELD_NAMES
                if model.meaning(getattr(was, field)) != model.meaning(getattr(node, field))
            )
        )
        if changed:
            yield NodeChange(
                node.id, node.label, node.kind.value, CHANGED, changed, (_e(was), _e(node))
            )
    for node in before.touchpoints:
        if node.id not in new:
            gone = (_e(node), None)
            yield NodeChange(node.id, node.label, node.kind.value, REMOVED, emotion=gone)


def _e(node: model.Touchpoint) -> float | None:
    return None if node.emotion is None else node.emotion.score


def _key(t: model.Transition) -> tuple[str, str, tuple[str, ...]]:
    return t.source, t.target, tuple(sorted(t.personas))


def _transitions(before: model.Journey, after: model.Journey) -> Iterator[TransitionChange]:
    old = {_key(t): t for t in before.transitions}
    new = {_key(t): t for t in after.transitions}
    for key, t in new.items():
        was = old.get(key)
        text = t.probability.text if t.probability else None
        if was is None:
            yield TransitionChange(*key, ADDED, None, text)
            continue
        before_text = was.probability.text if was.probability else None
        if _value(was.probability) != _value(t.probability):
            yield TransitionChange(*key, REWEIGHTED, before_text, text)
        elif (_value(was.after), was.label) != (_value(t.after), t.label):
            yield TransitionChange(*key, CHANGED, before_text, text)
    for key, t in old.items():
        if key not in new:
            text = t.probability.text if t.probability else None
            yield TransitionChange(*key, REMOVED, text, None)


def _value(quantity: model.Quantity | None) -> float | None:
    """What a number means, however written (``60%`` and ``0.6`` are one probability)."""
    return None if quantity is None else quantity.value


def _dead_ends(journey: model.Journey) -> set[str]:
    return {d.message.split("`")[1] for d in structure.dead_ends(journey, graph.build(journey))}


def _unreachable(journey: model.Journey) -> set[str]:
    return {d.message.split("`")[1] for d in structure.unreachable(journey, graph.build(journey))}


def _new(
    before: model.Journey, after: model.Journey, find: Callable[[model.Journey], set[str]]
) -> tuple[str, ...]:
    fresh = find(after) - find(before)
    return tuple(n.id for n in after.touchpoints if n.id in fresh)


def _figures(
    before: model.Journey, after: model.Journey, time_limit: float | None, persona: str | None
) -> tuple[tuple[Figure, ...], tuple[str, ...]]:
    try:
        a = analysis.analyze(before, time_limit=time_limit, persona=persona)
        b = analysis.analyze(after, time_limit=time_limit, persona=persona)
    except (ValueError, budget.TimeLimitError) as error:
        return (), (f"no figures: {error}",)
    figures = [
        Figure("conversion", "conversion", "probability", a.conversion.probability,
               b.conversion.probability),
        Figure("customers", "converted customers", "customers", a.conversion.customers,
               b.conversion.customers),
        Figure("lost", "lost without converting", "probability", a.conversion.lost,
               b.conversion.lost),
        Figure("steps", "steps to convert", "steps", a.conversion.steps, b.conversion.steps),
    ]  # fmt: skip
    goals = {g.id: g for g in b.goals}
    for goal in a.goals:
        other = goals.pop(goal.id, None)
        figures.append(
            Figure(f"goal:{goal.id}", f"goal `{goal.id}` reached", "probability",
                   goal.conversion, other.conversion if other else None)
        )  # fmt: skip
    figures += [
        Figure(f"goal:{g.id}", f"goal `{g.id}` reached", "probability", None, g.conversion)
        for g in goals.values()
    ]
    stages = {s.id: s for s in b.stages}
    for stage in a.stages:
        other_stage = stages.pop(stage.id, None)
        figures.append(
            Figure(f"drop-off:{stage.id}", f"stage `{stage.id}` drop-off", "probability",
                   stage.drop_off, other_stage.drop_off if other_stage else None)
        )  # fmt: skip
    figures += [
        Figure(f"drop-off:{s.id}", f"stage `{s.id}` drop-off", "probability", None, s.drop_off)
        for s in stages.values()
    ]
    if a.churn is not None or b.churn is not None:  # exits that say `loss churn`
        figures += [
            Figure("churn", "churn after the goal", "probability",
                   a.churn.rate if a.churn else None, b.churn.rate if b.churn else None),
            Figure("win-back", "win-back after a cancellation request", "probability",
                   a.churn.win_back if a.churn else None, b.churn.win_back if b.churn else None),
        ]  # fmt: skip
    cost_a, cost_b = _cost_per_conversion(before, a), _cost_per_conversion(after, b)
    if cost_a[0] is not None or cost_b[0] is not None:
        figures.append(
            Figure("cost-per-conversion", "cost per conversion", "money", cost_a[0], cost_b[0],
                   cost_a[1] or cost_b[1])
        )  # fmt: skip
    return tuple(figures), ()


def _cost_per_conversion(
    journey: model.Journey, report: analysis.Report
) -> tuple[float | None, str | None]:
    """What the touchpoints cost per period, divided by the customers converted in it
    (``None`` without costs, without ``reach``, or with costs in several currencies)."""
    costs = [n.cost for n in journey.touchpoints if n.cost is not None]
    currencies = {c.currency for c in costs}
    customers = report.conversion.customers
    if not costs or len(currencies) != 1 or not customers:
        return None, None
    return sum(c.amount for c in costs) / customers, currencies.pop()
