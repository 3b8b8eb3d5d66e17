"""The diagram as a service blueprint (``cjdsl render --view blueprint``): a horizontal band
per lane, from the customer's actions at the top to the processes at the bottom.

Each band is a cluster whose nodes share one rank (top to bottom layout), so the band is a
row; an invisible edge between the bands' headings keeps them in lane order. Touchpoints
stand in their lane's band in stage order, the blueprint's processes in theirs, linked to
the touchpoints they support by dotted lines. The bands' edges are the lines of interaction,
visibility and internal interaction. Draws what it is given, like the diagram.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Final

from .. import graph as graphs
from .. import i18n, model
from . import dotlang, engines, map_curve, svg, themes
from .options import DEFAULTS, Options

__all__ = ["BANDS", "render", "to_dot"]

BANDS: Final = (
    ("customer", i18n.N_("Customer")),
    ("frontstage", i18n.N_("Frontstage · line of interaction above")),
    ("backstage", i18n.N_("Backstage · line of visibility above")),
    ("support", i18n.N_("Support · line of internal interaction above")),
    ("process", i18n.N_("Processes")),
)
"""The lanes top to bottom, each with the heading of its band."""


def to_dot(journey: model.Journey, *, options: Options = DEFAULTS, prefix: str = "bp") -> str:
    """The DOT source of the blueprint view (everyone's graph, or ``options.persona``'s)."""
    return "\n".join(_Emitter(journey, options, prefix).lines()) + "\n"


def render(
    journey: model.Journey,
    *,
    format_: str = "svg",
    options: Options = DEFAULTS,
    prefix: str | None = None,
) -> bytes:
    """The blueprint view laid out by Graphviz (``dot`` gives the DOT source); ``prefix``
    makes its SVG ids unique on a page (default: from the title).

    Raises:
        RenderError: Graphviz is missing, fails or takes too long.
    """
    prefix = prefix or "bp-" + (journey.title or "journey").encode("utf-8").hex()[:8]
    source = to_dot(journey, options=options, prefix=prefix)
    if format_ == "dot":
        return source.encode("utf-8")
    limits = engines.Limits(timeout=options.timeout, memory_mb=options.memory_mb)
    out = engines.layout(
        source, format_=format_, engine=engines.choose(options.engine, format_), limits=limits
    )
    if format_ == "svg":
        out = svg.finish(out, prefix=prefix, title=journey.title, description=journey.description)
    return out


class _Emitter:
    def __init__(self, journey: model.Journey, options: Options, prefix: str) -> None:
        self.journey = journey
        self.theme = themes.THEMES[options.theme]
        self.t = i18n.locale(options.lang_for(journey.lang))
        self.graph = graphs.build(journey, persona=options.persona)
        self.prefix = prefix
        order = {id_: k for k, stage in enumerate(journey.stages) for id_ in stage.touchpoints}
        self.nodes = sorted(
            (n for n in journey.touchpoints if n.id in self.graph),
            key=lambda n: order.get(n.id, len(order)),
        )

    def lines(self) -> Iterator[str]:
        theme = self.theme
        yield f"digraph {dotlang.quote(self.journey.title or 'journey')} {{"
        yield "  graph " + dotlang.attrs(
            id=self.prefix,
            rankdir="TB",
            newrank="true",
            bgcolor=theme.background,
            label=self.journey.title,
            labelloc="t",
            labeljust="l",
            fontname=theme.font,
            fontcolor=theme.text,
            fontsize=16.0,
            nodesep=0.35,
            ranksep=0.5,
            pad=0.3,
        )
        yield "  node " + dotlang.attrs(
            fontname=theme.font, fontcolor=theme.text, fontsize=10.0, shape="box"
        )
        yield "  edge " + dotlang.attrs(fontname=theme.font, fontsize=8.0, arrowsize=0.7)
        shown: list[str] = []
        for lane, heading in BANDS:
            members = [n for n in self.nodes if (n.lane or "customer") == lane]
            processes = [p for p in self.journey.processes if p.lane == lane]
            if not members and not processes:
                continue
            shown.append(lane)
            yield from self.band(lane, self.t._(heading), members, processes)
        for upper, lower in itertools.pairwise(shown):
            yield f"  {_id('lane', upper)} -> {_id('lane', lower)} [style=invis]"
        yield from self.edges()
        yield "}"

    def band(
        self,
        lane: str,
        heading: str,
        members: list[model.Touchpoint],
        processes: list[model.Process],
    ) -> Iterator[str]:
        theme = self.theme
        yield f"  subgraph {_id('cluster', lane)} {{"
        yield "    graph " + dotlang.attrs(
            label="",
            style="filled",
            fillcolor=theme.stage_fill,
            color=theme.stage_border,
            penwidth=1.0 if lane == "customer" else 2.0,
        )
        ids = [_id("lane", lane)]
        yield f"    {ids[0]} " + dotlang.attrs(
            label=heading, shape="plaintext", fontsize=9.0, fontcolor=theme.muted
        )
        for node in members:
            ids.append(_id("n", node.id))
            score = node.emotion.score if node.emotion else None
            label = node.label + (f"\n{map_curve.score_text(score)}" if score is not None else "")
            yield f"    {ids[-1]} " + dotlang.attrs(
                id=f"{self.prefix}-n-{node.id}",
                label=label,
                style="rounded,filled",
                fillcolor=themes.emotion_colour(theme, score),
                color=theme.goal
                if node.kind is model.NodeKind.GOAL
                else theme.exit
                if node.kind is model.NodeKind.EXIT
                else theme.muted,
                tooltip=dotlang.escaped(f"{node.label} ({node.kind.value} {node.id})"),
            )
        for process in processes:
            ids.append(_id("p", process.id))
            owner = f"\n{process.owner}" if process.owner else ""
            yield f"    {ids[-1]} " + dotlang.attrs(
                id=f"{self.prefix}-p-{process.id}",
                label=f"⚙ {process.label}{owner}",
                shape="component",
                style="filled",
                fillcolor=theme.background,
                color=theme.muted,
                tooltip=dotlang.escaped(f"{process.label} (process {process.id})"),
            )
        yield "    { rank=same; " + "; ".join(ids) + " }"
        # Flat edges run left to right: the band's heading stands first.
        yield from (f"    {ids[0]} -> {member} [style=invis]" for member in ids[1:])
        yield "  }"

    def edges(self) -> Iterator[str]:
        theme = self.theme
        for source, target, data in self.graph.edges(data=True):
            label = self.t.percent(data["p"]) if data["explicit"] else None
            yield f"  {_id('n', source)} -> {_id('n', target)} " + dotlang.attrs(
                label=label,
                color=theme.edge,
                fontcolor=theme.text,
                penwidth=1.0 + 3.0 * min(float(data["p"]), 1.0),
            )
        shown = {n.id for n in self.nodes}
        for process in self.journey.processes:
            for id_ in process.supports:
                if id_ in shown:
                    yield f"  {_id('p', process.id)} -> {_id('n', id_)} " + dotlang.attrs(
                        style="dotted", arrowhead="none", color=theme.muted, constraint="false"
                    )


def _id(kind: str, name: str) -> str:
    return dotlang.quote(f"{kind}_{name}")
