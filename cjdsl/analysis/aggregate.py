"""Journeys aggregated by stage or channel: one group per stage or channel, flows between them.

A journey of a few hundred touchpoints is more than Graphviz lays out in
reasonable time and more than a reader can follow node by node. Aggregated,
it becomes the handful of stages (or channels) customers move between, with
the flow along each: the expected number of times a customer who enters takes
a transition from one group into the other, summed over the group's members
(from the journey's Markov chain, the same one ``cjdsl analyze`` uses). Flow
inside a group stays with the group. ``rendering.collapse`` draws the result
(``--collapse``).

>>> import cjdsl
>>> doc = cjdsl.loads('journey "J"\\nstage a {\\n entry touchpoint x\\n}\\n'
...                   'stage b {\\n goal y\\n}\\nx -> y 40%\\n')
>>> [(f.source, f.target, round(f.flow, 2)) for f in collapse(doc.journey, by="stage").flows]
[('a', 'b', 0.4)]
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from typing import Final

import numpy as np

from .. import model
from . import markov

__all__ = [
    "EXITS",
    "GOALS",
    "MODES",
    "NO_CHANNEL",
    "NO_STAGE",
    "Collapsed",
    "Flow",
    "Group",
    "collapse",
]

MODES: Final = ("stage", "channel")
NO_STAGE: Final = "(no stage)"
NO_CHANNEL: Final = "(no channel)"
GOALS: Final = "(goals)"
EXITS: Final = "(exits)"
"""The catch-all groups are in parentheses, which no id can hold: a channel named
``goals`` stays a channel."""


@dataclasses.dataclass(frozen=True, slots=True)
class Group:
    """One node of the collapsed journey: a stage or a channel and what it holds.

    ``inside`` is the flow between members of the group; ``visits`` the
    expected visits to all members per entering customer.
    """

    id: str
    label: str
    touchpoints: int
    goals: int
    exits: int
    entries: int
    visits: float
    inside: float


@dataclasses.dataclass(frozen=True, slots=True)
class Flow:
    """Summed flow from one group into another, and how many transitions make it up."""

    source: str
    target: str
    flow: float
    transitions: int


@dataclasses.dataclass(frozen=True, slots=True)
class Collapsed:
    """A journey collapsed by stage or channel; ``basis`` says what the edge weights are."""

    by: str
    title: str
    groups: tuple[Group, ...]
    flows: tuple[Flow, ...]
    basis: str
    lang: str | None = None
    """The journey's ``lang``, the language the collapsed view is drawn in by default."""


def _group_of(node: model.Touchpoint, by: str) -> str:
    if by == "stage":
        return node.stage if node.stage is not None else NO_STAGE
    # Goals and exits rarely have a channel: they are outcomes, shown as their own groups.
    if node.kind is model.NodeKind.GOAL:
        return GOALS if node.channel is None else node.channel
    if node.kind is model.NodeKind.EXIT:
        return EXITS if node.channel is None else node.channel
    return node.channel if node.channel is not None else NO_CHANNEL


def collapse(journey: model.Journey, *, by: str, persona: str | None = None) -> Collapsed:
    """Collapse what ``persona`` meets (everyone's when ``None``) by ``stage`` or ``channel``.

    Groups come in declaration order (stages, or channels), then the
    catch-all groups; edges in the order of their groups. Deterministic.

    Raises:
        ValueError: ``by`` is not one of ``MODES``.
    """
    if by not in MODES:
        raise ValueError(f"unknown collapse `{by}` (choose from {', '.join(MODES)})")
    chain = markov.build(journey, persona=persona)
    n = chain.size
    visits = np.zeros(n)
    basis = "flow"
    if n and chain.weights.sum() > 0:
        visits, _reached = markov.visits(chain, np.zeros(n, dtype=bool))
        if not np.all(np.isfinite(visits)):  # a loop nobody leaves: count what is finite
            basis = "flow (loops that no path leaves are left out)"
            visits = np.where(np.isfinite(visits), visits, 0.0)
    elif n:
        basis = "probability"  # no start: sum the transitions' probabilities instead
        visits = np.ones(n)
    info = {t.id: t for t in journey.touchpoints}
    group = [_group_of(info[node], by) for node in chain.nodes]
    between: defaultdict[tuple[str, str], float] = defaultdict(float)
    count: defaultdict[tuple[str, str], int] = defaultdict(int)
    q = chain.q.tocoo()
    for i, j, p in zip(q.row.tolist(), q.col.tolist(), q.data.tolist(), strict=True):
        key = (group[i], group[j])
        between[key] += float(visits[i]) * p
        count[key] += 1
    starts = set(chain.starts)
    members: defaultdict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(group):
        members[name].append(index)
    groups = []
    for id_, label in _order(journey, by, members):
        indices = members[id_]
        kinds = [chain.kinds[i] for i in indices]
        groups.append(
            Group(
                id=id_,
                label=label,
                touchpoints=sum(k is model.NodeKind.TOUCHPOINT for k in kinds),
                goals=sum(k is model.NodeKind.GOAL for k in kinds),
                exits=sum(k is model.NodeKind.EXIT for k in kinds),
                entries=sum(chain.nodes[i] in starts for i in indices),
                visits=float(sum(visits[i] for i in indices)),
                inside=between.get((id_, id_), 0.0),
            )
        )
    rank = {g.id: i for i, g in enumerate(groups)}
    flows = tuple(
        Flow(source, target, flow, count[source, target])
        for (source, target), flow in sorted(
            between.items(), key=lambda item: (rank[item[0][0]], rank[item[0][1]])
        )
        if source != target
    )
    return Collapsed(by, journey.title, tuple(groups), flows, basis, journey.lang)


def _order(
    journey: model.Journey, by: str, members: dict[str, list[int]]
) -> Iterator[tuple[str, str]]:
    """The groups that have members, as ``(id, label)`` in declaration order."""
    if by == "stage":
        declared = [(s.id, s.label) for s in journey.stages]
        extra = [(NO_STAGE, "No stage")]
    else:
        declared = [(c.id, c.label) for c in journey.channels]
        extra = [(NO_CHANNEL, "No channel"), (GOALS, "Goals"), (EXITS, "Exits")]
    seen = set()
    for id_, label in [*declared, *extra]:
        if id_ in members and id_ not in seen:
            seen.add(id_)
            yield id_, label
