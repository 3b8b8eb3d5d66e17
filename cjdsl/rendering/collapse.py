"""Aggregated journeys drawn: one node per stage or per channel, edges as wide as the flow.

The aggregation is the analysis's (``analysis.aggregate.collapse``, the Markov
chain of ``cjdsl analyze``); this module only draws its result, as a small graph
any Graphviz lays out at once, however many touchpoints the journey has.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import dotlang, themes
from .options import DEFAULTS, Options

if TYPE_CHECKING:  # drawing needs no NumPy: the aggregate comes in made
    from ..analysis.aggregate import Collapsed

__all__ = ["to_dot"]


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
    options: Options = DEFAULTS,
    prefix: str = "cj",
    html_labels: bool = True,
) -> str:
    """The DOT source of a collapsed journey in ``options``' theme and direction.

    Edge width grows with the flow (relative to the largest); labels give the
    flow as a share of entering customers and the number of transitions.
    """
    colours = themes.THEMES[options.theme]
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
            rankdir=options.direction,
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
