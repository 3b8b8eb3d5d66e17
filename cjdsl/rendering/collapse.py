"""Aggregated views of a journey: one node per stage or per channel, edges weighted by flow.

A journey of a few hundred touchpoints is more than Graphviz lays out in
reasonable time and more than a reader can follow node by node. Collapsed,
it becomes the handful of stages (or channels) customers move between, with
each edge as wide as the flow along it: the expected number of times a
customer who enters takes a transition from one group into the other, summed
over the group's members (from the journey's Markov chain, the same one
``cjdsl analyze`` uses). Flow inside a group is shown on the group's node.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Final

import numpy as np

from .. import model
from ..analysis import markov
from . import dotlang, themes

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
    "to_dot",
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
    return Collapsed(by, journey.title, tuple(groups), flows, basis)


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


def _share(flow: float) -> str:
    """A flow per entering customer as a percentage: ``63%``, ``0.4%``, ``<0.1%``."""
    if flow <= 0:
        return "0%"
    if flow < 0.001:
        return "<0.1%"
    return f"{flow * 100:.3g}%"


def to_dot(
    collapsed: Collapsed,
    *,
    theme: str = "light",
    direction: str = "LR",
    prefix: str = "cj",
    html_labels: bool = True,
) -> str:
    """The DOT source of a collapsed journey: a small graph any Graphviz lays out at once.

    Edge width grows with the flow (relative to the largest); labels give the
    flow as a share of entering customers and the number of transitions.
    """
    colours = themes.THEMES[theme]
    probability = collapsed.basis == "probability"
    unit = "summed probability" if probability else "share of entering customers"
    heading = [
        dotlang.Line(collapsed.title, 16, bold=True, width=80),
        dotlang.Line(
            f"By {collapsed.by}: edge width and label = {unit}", 9, colours.muted, width=100
        ),
    ]
    if collapsed.basis not in ("flow", "probability"):
        heading.append(dotlang.Line(collapsed.basis, 9, colours.muted, width=100))
    left = '<br align="left"/>'
    title = dotlang.label(heading, html_labels=html_labels, br=left)
    title = dotlang.Html(title + left) if isinstance(title, dotlang.Html) else title
    out = [
        f"digraph {dotlang.quote(collapsed.title or 'journey')} {{",
        "  graph "
        + dotlang.attrs(
            id=prefix,
            rankdir=direction,
            bgcolor=colours.background,
            label=title,
            labelloc="t",
            labeljust="l",
            fontname=colours.font,
            fontcolor=colours.text,
            nodesep=0.5,
            ranksep=0.9,
            pad=0.3,
        ),
        "  node " + dotlang.attrs(fontname=colours.font, fontcolor=colours.text, margin="0.2,0.1"),
        "  edge " + dotlang.attrs(fontname=colours.font, fontsize=9.0, fontcolor=colours.text),
    ]
    for group in collapsed.groups:
        counts = [
            f"{number} {word}{'s' if number != 1 else ''}"
            for number, word in (
                (group.touchpoints, "touchpoint"),
                (group.goals, "goal"),
                (group.exits, "exit"),
            )
            if number
        ]
        lines = [dotlang.Line(group.label, 12, bold=True, width=30)]
        lines.append(dotlang.Line(" · ".join(counts), 9, colours.muted, width=40))
        if group.entries:
            lines.append(
                dotlang.Line(f"▶ {group.entries} entr{'y' if group.entries == 1 else 'ies'}", 9)
            )
        if group.inside > 0 and not probability:
            steps = f"{group.inside:.2g}"
            lines.append(
                dotlang.Line(f"↻ {steps} steps within, per customer", 9, colours.muted, width=44)
            )
        border = colours.goal if group.goals and not group.touchpoints else colours.stage_border
        border = colours.exit if group.exits and not group.touchpoints + group.goals else border
        out.append(
            f"  {dotlang.quote(group.id)} "
            + dotlang.attrs(
                id=f"{prefix}-g-{dotlang.slug(group.id)}",
                label=dotlang.label(lines, html_labels=html_labels),
                shape="box",
                style="rounded,filled",
                fillcolor=colours.stage_fill,
                color=border,
                penwidth=2.0,
            )
        )
    largest = max((f.flow for f in collapsed.flows), default=0.0)
    rank = {g.id: i for i, g in enumerate(collapsed.groups)}
    for index, flow in enumerate(collapsed.flows):
        share = flow.flow / largest if largest > 0 else 0.0
        text = f"{flow.flow:.2f}" if probability else _share(flow.flow)
        transitions = f"{flow.transitions} transition{'s' if flow.transitions != 1 else ''}"
        out.append(
            f"  {dotlang.quote(flow.source)} -> {dotlang.quote(flow.target)} "
            + dotlang.attrs(
                id=f"{prefix}-f{index}",
                label=f"{text}\n{transitions}",
                penwidth=round(0.5 + 7.5 * math.sqrt(share), 2),
                color=colours.edge,
                style="dashed" if share < 0.01 else None,
                # Stages keep their order left to right: a flow back does not move them.
                constraint="false"
                if collapsed.by == "stage" and rank[flow.target] < rank[flow.source]
                else None,
                tooltip=dotlang.escaped(f"{flow.source} → {flow.target}: {text} ({transitions})"),
            )
        )
    out.append("}")
    return "\n".join(out) + "\n"
