"""Aggregated journeys drawn: one node per stage or per channel, edges as wide as the flow.

The aggregation is the analysis's (``analysis.aggregate.collapse``, the Markov
chain of ``cjdsl analyze``); this module only draws its result, as a small graph
any Graphviz lays out at once, however many touchpoints the journey has. Its words and
shares are in the diagram's language (``options.lang``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from .. import i18n
from . import dotlang, themes
from .options import DEFAULTS, Options

if TYPE_CHECKING:  # drawing needs no NumPy: the aggregate comes in made
    from ..analysis.aggregate import Collapsed

__all__ = ["to_dot"]


_BY: Final = {"stage": i18n.N_("stage"), "channel": i18n.N_("channel")}
# The catch-all groups of ``analysis.aggregate`` (ids in parentheses), named in the catalog.
_CATCH_ALL: Final = {
    "(no stage)": i18n.N_("No stage"),
    "(no channel)": i18n.N_("No channel"),
    "(goals)": i18n.N_("Goals"),
    "(exits)": i18n.N_("Exits"),
}


def _share(flow: float, t: i18n.Locale) -> str:
    """A flow per entering customer as a percentage: ``63%``, ``0.4%``, ``<0.1%``."""
    if flow <= 0:
        return t.percent(0)
    if flow < 0.001:
        return "<" + t.percent(0.001)
    return t.percent(flow)


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
    t = i18n.locale(options.lang_for(collapsed.lang))
    probability = collapsed.basis == "probability"
    unit = t._("summed probability") if probability else t._("share of entering customers")
    by = t._(_BY[collapsed.by]) if collapsed.by in _BY else collapsed.by
    heading = [
        dotlang.Line(collapsed.title, 16, bold=True, width=80),
        dotlang.Line(
            t._("By {by}: edge width and label = {unit}").format(by=by, unit=unit),
            9,
            colours.muted,
            width=100,
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
            text.format(n=number)
            for number, text in (
                (
                    group.touchpoints,
                    t.ngettext("{n} touchpoint", "{n} touchpoints", group.touchpoints),
                ),
                (group.goals, t.ngettext("{n} goal", "{n} goals", group.goals)),
                (group.exits, t.ngettext("{n} exit", "{n} exits", group.exits)),
            )
            if number
        ]
        label = t._(_CATCH_ALL[group.id]) if group.id in _CATCH_ALL else group.label
        lines = [dotlang.Line(label, 12, bold=True, width=30)]
        lines.append(dotlang.Line(" · ".join(counts), 9, colours.muted, width=40))
        if group.entries:
            lines.append(
                dotlang.Line(
                    "▶ "
                    + t.ngettext("{n} entry", "{n} entries", group.entries).format(n=group.entries),
                    9,
                )
            )
        if group.inside > 0 and not probability:
            shown = f"{group.inside:.2g}"  # two significant digits
            places = 0 if "e" in shown else len(shown.partition(".")[2])
            steps = t.number(float(shown), places)
            within = t._("{steps} steps within, per customer").format(steps=steps)
            lines.append(dotlang.Line("↻ " + within, 9, colours.muted, width=44))
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

    def named(group: str) -> str:
        return t._(_CATCH_ALL[group]) if group in _CATCH_ALL else group

    largest = max((f.flow for f in collapsed.flows), default=0.0)
    rank = {g.id: i for i, g in enumerate(collapsed.groups)}
    for index, flow in enumerate(collapsed.flows):
        share = flow.flow / largest if largest > 0 else 0.0
        text = t.number(flow.flow, 2) if probability else _share(flow.flow, t)
        transitions = t.ngettext("{n} transition", "{n} transitions", flow.transitions).format(
            n=flow.transitions
        )
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
                tooltip=dotlang.escaped(
                    f"{named(flow.source)} → {named(flow.target)}: {text} ({transitions})"
                ),
            )
        )
    out.append("}")
    return "\n".join(out) + "\n"
