"""Journey model to Graphviz DOT source: pure, deterministic, golden-tested.

Stages become ordered columns (clusters kept in declaration order by
invisible anchor nodes between them), touchpoints boxes styled by channel and
filled by emotion, edges labelled with probability and duration. Every user
text is written through ``dotlang`` (quoting, labels, ids, links) and nowhere else.

It draws what it is given: the checks' ``Findings`` (dead ends and unreachable
touchpoints flagged, the links that are safe) and an analysis ``Overlay``; it runs
no check and no analysis itself.

Longer than the ~400-line guideline: one writer of one DOT graph (its clusters, anchors,
nodes, edges, legend and tooltips share the one state of which ids are drawn); the DOT
primitives already live in ``dotlang``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Final

from .. import graph as graphs
from .. import i18n, model
from . import dotlang, map_curve, themes
from .findings import Findings
from .options import DEFAULTS, Options
from .overlay import Overlay

__all__ = [
    "BIG_LAYOUT_LINE",
    "BIG_NODES",
    "HUGE_LAYOUT_LINE",
    "HUGE_NODES",
    "PER_PERSONA",
    "id_prefix",
    "to_dot",
]

PER_PERSONA: Final = 12
"""Personas up to which an edge for everyone shows each one's probability (more: ``for …``)."""

BIG_NODES: Final = 150
"""From this many drawn nodes on, edge labels are external (``xlabel``): a label node
doubles the ranks Graphviz lays out, and halving them cuts 200 nodes from 8–16 s to about
1 s CPU (``bench/bench_layout.py``). Below it labels stay real nodes, which never overlap."""
HUGE_NODES: Final = 280
"""From this many drawn nodes on, the position and crossing phases are capped as well
(``HUGE_LAYOUT_LINE``): uncapped, 300 nodes take 12 s and 500 over 20 s even with external
labels. The cap costs straightness (stages drift diagonally); ``docs/big-journeys.md``."""
BIG_LAYOUT_LINE: Final = '  graph [forcelabels="true"]'
"""The graph attributes of a big diagram, one line (the benchmark removes it)."""
HUGE_LAYOUT_LINE: Final = '  graph [nslimit="3", mclimit="0.5"]'
"""The graph attributes of a huge diagram, one line (the benchmark removes it)."""


def id_prefix(
    journey: model.Journey,
    *,
    persona: str | None = None,
    theme: str = "light",
    direction: str = "LR",
    lang: str | None = None,
) -> str:
    """An SVG id prefix unique to this journey's source and view options.

    Different journeys, or different views (persona, theme, direction, language) of
    one journey, never clash when they share an HTML page.
    """
    view = [
        persona or "",
        "" if theme == "light" else theme,
        "" if direction == "LR" else direction,
        "" if not lang or lang == (journey.lang or "en") else lang,
    ]
    key = "\0".join([journey.span.file.text, *view]) if any(view) else journey.span.file.text
    return f"cj{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}"


def _node(name: str) -> str:
    """The DOT node name of a journey node, quoted.

    The emitter's own nodes are named ``__stage_1``, ``__legend`` …; an id of
    the journey that starts with ``__`` gets a ``__user:`` prefix (no id can hold
    a ``:``), so it can never merge with one of them.
    """
    return dotlang.quote(f"__user:{name}" if name.startswith("__") else name)


_CHANNEL_KINDS = {"online": i18n.N_("online"), "offline": i18n.N_("offline")}
_KINDS = {
    model.NodeKind.TOUCHPOINT: i18n.N_("touchpoint"),
    model.NodeKind.GOAL: i18n.N_("goal"),
    model.NodeKind.EXIT: i18n.N_("exit"),
}


class _Emitter:
    def __init__(
        self,
        journey: model.Journey,
        options: Options,
        findings: Findings,
        prefix: str,
        html_labels: bool,
        overlay: Overlay | None = None,
    ) -> None:
        theme = themes.THEMES[options.theme]
        self.journey = journey
        self.persona = options.persona
        self.theme = theme
        self.direction = options.direction
        self.findings = findings
        self.prefix = prefix
        self.html = html_labels
        self.overlay = overlay
        self.t = i18n.locale(options.lang_for(journey.lang))
        self.graph = graphs.build(journey, persona=self.persona)
        self.big = self.graph.number_of_nodes() >= BIG_NODES
        # for everyone: each persona's own graph, for the edges whose probability differs
        # (up to PER_PERSONA personas: a label cannot name more, and the graphs stay few)
        self.by_persona = (
            [(p, graphs.build(journey, persona=p.id)) for p in journey.personas]
            if self.persona is None and len(journey.personas) <= PER_PERSONA
            else []
        )
        self.channel_colour = {
            c.id: theme.channels[i % len(theme.channels)] for i, c in enumerate(journey.channels)
        }
        self.channel_marker = {
            c.id: theme.markers[i % len(theme.markers)]
            for i, c in enumerate(journey.channels)
            if theme.markers
        }

    def label(self, lines: list[dotlang.Line], br: str = "<br/>") -> str:
        return dotlang.label(lines, html_labels=self.html, br=br)

    def per_persona(self, source: str, target: str) -> str | None:
        """``5 % Gisela · 1 % Jonas`` where the personas who take an edge differ in its
        probability, or not all of them take it; ``None`` where it is everyone's alike."""
        groups: dict[str, list[str]] = {}
        for persona, graph in self.by_persona:
            if not graph.has_edge(source, target):
                continue
            data = graph.edges[source, target]
            shown = self.t.percent(data["p"])
            shown = shown if data["explicit"] else f"≈{shown}"
            groups.setdefault(shown, []).append(persona.label.split(",")[0].strip() or persona.id)
        taking = sum(len(names) for names in groups.values())
        if not groups or (len(groups) == 1 and taking == len(self.by_persona)):
            return None
        return " · ".join(f"{shown} {', '.join(names)}" for shown, names in groups.items())

    def persona_name(self, persona_id: str) -> str:
        persona = self.journey.persona(persona_id)
        return persona.label if persona else persona_id

    def channel_key(self, channel: model.Channel) -> str:
        """A channel as the legend lists it: its marker (print) and its label and kind."""
        marker = self.channel_marker.get(channel.id)
        text = _channel_text(channel, self.t)
        return f"{marker} {text}" if marker else text

    def node_id(self, name: str) -> str:
        return f"{self.prefix}-n-{dotlang.slug(name)}"

    # -- pieces --------------------------------------------------------------
    def node(self, node: model.Touchpoint) -> str:
        theme, t = self.theme, self.t
        channel = self.journey.channel(node.channel) if node.channel else None
        lines = []
        if node.kind is model.NodeKind.GOAL:
            lines.append(dotlang.Line("✓ " + t._("GOAL"), 8, theme.goal, bold=True))
        elif node.kind is model.NodeKind.EXIT:
            lines.append(dotlang.Line("✕ " + t._("EXIT"), 8, theme.exit, bold=True))
        elif node.entry:
            lines.append(dotlang.Line("▶ " + t._("ENTRY"), 8, theme.muted, bold=True))
        lines.append(dotlang.Line(node.label, 11, bold=True))
        if channel is not None:
            kind = (
                " · " + t._(_CHANNEL_KINDS.get(channel.kind, channel.kind)) if channel.kind else ""
            )
            marker = self.channel_marker.get(channel.id)
            text = f"{marker} {channel.label}{kind}" if marker else channel.label + kind
            swatch = None if marker else self.channel_colour[channel.id]
            lines.append(dotlang.Line(text, 8, theme.muted, width=30, swatch=swatch))
        if node.personas and self.persona is None:
            # PNG and PDF readers cannot hover: say on the node who meets it.
            names = ", ".join(self.persona_name(p) for p in node.personas)
            only = "◐ " + t._("only {personas}").format(personas=names)
            lines.append(dotlang.Line(only, 8, theme.muted, italic=True, width=30))
        if node.emotion is not None:
            word = f" {node.emotion.word}" if node.emotion.word else ""
            lines.append(
                dotlang.Line(
                    map_curve.score_text(node.emotion.score) + word, 8, theme.muted, width=30
                )
            )
        flag = self.findings.flag(node.id)
        if flag:
            lines.append(dotlang.Line(f"⚠ {flag}", 8, theme.flag, bold=True))
        heat = self.overlay.heat_of(node.id) if self.overlay else None
        if heat:
            lines.append(dotlang.Line(heat[1], 8, theme.accent, bold=True, width=30))
        shape, style, peripheries, border, width = "box", "rounded,filled", None, None, 1.4
        if channel is not None:
            border = self.channel_colour[channel.id]
            if channel.kind == "offline":
                style = "filled"
        if node.kind is model.NodeKind.GOAL:
            style, peripheries, border, width = "rounded,filled,bold", "2", theme.goal, 2.0
        elif node.kind is model.NodeKind.EXIT:
            shape, style, border, width = "octagon", "filled", theme.exit, 2.0
        if flag:
            style += ",dashed"
            border, width = theme.flag, 2.0
        if self.overlay and node.id in self.overlay.nodes:
            border, width = theme.accent, 3.0 + 2.0 * (heat[0] if heat else 0.0)
        marked = self.overlay.mark(node.id) if self.overlay else None  # render --diff
        if marked:
            border, width = marked[0], 3.0
            style += ",dashed" if marked[1] else ""
        link = node.link if node.link and node.id in self.findings.links else None
        url = dotlang.url(link) if link else None
        if url and len(url) > dotlang.TEXT_LIMIT:  # a shortened link would lead somewhere else
            url = None
        return f"  {_node(node.id)} " + dotlang.attrs(
            id=self.node_id(node.id),
            label=self.label(lines),
            shape=shape,
            style=style,
            peripheries=peripheries,
            color=border or theme.muted,
            penwidth=width,
            fillcolor=themes.emotion_colour(theme, node.emotion.score if node.emotion else None),
            tooltip=dotlang.escaped(_tooltip(self.journey, node, t)),
            URL=url,
            target="_blank" if url else None,
        )

    def edges(self) -> Iterator[str]:
        stage_index = {s.id: i for i, s in enumerate(self.journey.stages)}
        for index, (source, target, data) in enumerate(self.graph.edges(data=True)):
            transitions: tuple[model.Transition, ...] = data["transitions"]
            first = transitions[0]
            parts = []
            p = data["p"]
            split = self.per_persona(source, target)
            if split is not None:
                parts.append(split)
            elif data["explicit"]:
                parts.append(self.t.percent(p))
            elif p < 1:
                parts.append(f"≈{self.t.percent(p)}")
            if data["after"] is not None:
                parts.append(
                    self.t._("after {duration}").format(duration=self.t.duration(data["after"]))
                )
            lines = [dotlang.Line(" · ".join(parts), bold=True, width=40)] if parts else []
            lines += [dotlang.Line(t.label, width=28) for t in transitions if t.label]
            personas = sorted({p for t in transitions for p in t.personas})
            if personas and self.persona is None and split is None:
                names = ", ".join(personas)
                lines.append(
                    dotlang.Line(
                        self.t._("for {personas}").format(personas=names), italic=True, width=28
                    )
                )
            src_node, dst_node = self.journey.touchpoint(source), self.journey.touchpoint(target)
            backwards = (
                src_node is not None
                and dst_node is not None
                and src_node.stage in stage_index
                and dst_node.stage in stage_index
                and stage_index[dst_node.stage] < stage_index[src_node.stage]
            )
            colour, text, width = self.theme.edge, self.theme.text, 1.0 + 4.0 * min(p, 1.0)
            if self.overlay and self.overlay.edges:
                if (source, target) in self.overlay.edges:
                    colour, text, width = self.theme.accent, self.theme.accent, width + 2.5
                else:  # dimmed: the highlighted path stands out
                    colour, text = f"{self.theme.edge}55", self.theme.muted
            marked = self.overlay.mark(f"{source} -> {target}") if self.overlay else None
            if marked:  # render --diff
                colour, text, width = marked[0], marked[0], width + 1.5
            yield f"  {_node(source)} -> {_node(target)} " + dotlang.attrs(
                id=f"{self.prefix}-e{index}",
                **{"xlabel" if self.big else "label": self.label(lines) if lines else None},
                penwidth=width,
                style="dashed" if not data["explicit"] or (marked and marked[1]) else None,
                constraint="false" if backwards else None,
                tooltip=dotlang.escaped(f"{first.source} → {first.target}"),
                color=colour,
                fontcolor=text,
            )

    def stages(self) -> Iterator[str]:
        shown = set(self.graph.nodes)
        for index, stage in enumerate(self.journey.stages):
            members = [n for n in stage.touchpoints if n in shown]
            yield f"  subgraph {dotlang.quote(f'cluster_{index}')} {{"
            yield "    graph " + dotlang.attrs(
                id=f"{self.prefix}-s-{dotlang.slug(stage.id)}",
                label=self.label(
                    [dotlang.Line(f"{index + 1} · {stage.label}", bold=True, width=40)]
                ),
                labelloc="t",
                labeljust="l",
                style="rounded,filled",
                fillcolor=self.theme.stage_fill,
                color=self.theme.stage_border,
                fontcolor=self.theme.text,
                fontsize=13.0,
                margin=14.0,
                tooltip=dotlang.escaped(stage.description or stage.label),
            )
            if not members:
                yield f"    {dotlang.quote(f'__empty_{index}')} " + dotlang.attrs(
                    label=self.t._("(empty)"),
                    shape="plaintext",
                    fontcolor=self.theme.muted,
                )
            for name in members:
                node = self.journey.touchpoint(name)
                assert node is not None
                yield "  " + self.node(node)
            yield "  }"

    def ordering(self) -> Iterator[str]:
        """Invisible anchors between stage columns keep stages in declaration order."""
        shown = set(self.graph.nodes)
        columns = [
            [_node(n) for n in s.touchpoints if n in shown] or [dotlang.quote(f"__empty_{i}")]
            for i, s in enumerate(self.journey.stages)
        ]
        for i in range(1, len(columns)):
            anchor = dotlang.quote(f"__stage_{i}")
            yield f"  {anchor} " + dotlang.attrs(
                shape="point", style="invis", width=0.01, height=0.01, label=""
            )
            for name in columns[i - 1]:
                yield f"  {name} -> {anchor} [style=invis]"
            for name in columns[i]:
                yield f"  {anchor} -> {name} [style=invis]"

    def used_channels(self) -> list[model.Channel]:
        used = {t.channel for t in self.journey.touchpoints if t.id in self.graph}
        return [c for c in self.journey.channels if c.id in used]

    def legend(self) -> Iterator[str]:
        if self.html:
            yield from self.legend_table()
        else:
            yield from self.legend_nodes()
        last = [n for s in self.journey.stages[-1:] for n in s.touchpoints if n in self.graph]
        for name in last[:1]:
            yield f"  {_node(name)} -> {dotlang.quote('__legend')} [style=invis]"

    def channel_cell(self, channel: model.Channel) -> str:
        """The legend's key for a channel: its marker where the theme has them, else its colour."""
        marker = self.channel_marker.get(channel.id)
        if marker:
            return f"<td>{marker}</td>"  # a glyph sizes its own cell (no fixed-size warning)
        colour = self.channel_colour[channel.id]
        return f'<td width="14" height="14" fixedsize="true" bgcolor="{colour}"></td>'

    def key_text(self) -> str:
        """What the picture encodes that a reader cannot hover for."""
        t = self.t
        border = t._("marker: channel") if self.channel_marker else t._("border colour: channel")
        parts = [border, t._("square corners: offline"), t._("edge width: probability")]
        if any(n.personas for n in self.journey.touchpoints if n.id in self.graph):
            parts.append("◐ " + t._("only: the personas who meet it"))
        return " · ".join(parts)

    def legend_table(self) -> Iterator[str]:
        theme, t = self.theme, self.t
        rows = [
            f"<tr>{self.channel_cell(c)}"
            f'<td align="left">{dotlang.html_text(_channel_text(c, self.t), 40)}</td></tr>'
            for c in self.used_channels()
        ]
        goal, exit_, dashed = t._("goal"), t._("exit"), t._("dashed edge: share of the rest")
        scale = "".join(
            f'<td bgcolor="{colour}">{map_curve.score_text(score)}</td>'
            for score, colour in zip(range(-2, 3), theme.emotion, strict=True)
        )
        table = (
            '<table border="0" cellborder="0" cellspacing="3" cellpadding="3">'
            '<tr><td colspan="2" align="left"><b>'
            + t._("Legend")
            + "</b></td></tr>"
            + "".join(rows)
            + '<tr><td colspan="2" align="left">'
            + t._("Emotion (fill)")
            + "</td></tr>"
            f'<tr><td colspan="2"><table border="0" cellspacing="0" cellpadding="4"><tr>{scale}'
            "</tr></table></td></tr>"
            f'<tr><td colspan="2" align="left"><font color="{theme.goal}">✓ {goal}</font>'
            f' · <font color="{theme.exit}">✕ {exit_}</font> · {dashed}</td></tr>'
            f'<tr><td colspan="2" align="left">{dotlang.html_text(self.key_text(), 60)}'
            "</td></tr></table>"
        )
        yield f"  {dotlang.quote('__legend')} " + dotlang.attrs(
            id=f"{self.prefix}-legend",
            label=dotlang.Html(table),
            shape="box",
            style="rounded",
            color=theme.stage_border,
            fontcolor=theme.text,
            fontsize=9.0,
        )

    def legend_nodes(self) -> Iterator[str]:
        """The legend without HTML tables: a cluster of sample nodes."""
        theme, t = self.theme, self.t
        yield f"  subgraph {dotlang.quote('cluster_legend')} {{"
        yield "    graph " + dotlang.attrs(
            id=f"{self.prefix}-legend",
            label=t._("Legend"),
            labeljust="l",
            style="rounded",
            color=theme.stage_border,
            fontcolor=theme.text,
            fontsize=9.0,
        )
        yield f"    {dotlang.quote('__legend')} " + dotlang.attrs(
            label="\n".join(
                (
                    "✓ " + t._("goal") + " · ✕ " + t._("exit"),
                    t._("dashed edge: share of the rest"),
                    self.key_text(),
                )
            ),
            shape="plaintext",
            fontsize=8.0,
        )
        for i, channel in enumerate(self.used_channels()):
            yield f"    {dotlang.quote(f'__legend_c{i}')} " + dotlang.attrs(
                label=self.channel_key(channel),
                shape="box",
                style="rounded",
                fontsize=8.0,
                color=self.channel_colour[channel.id],
                penwidth=2.0,
            )
        for score, colour in zip(range(-2, 3), theme.emotion, strict=True):
            yield f"    {dotlang.quote(f'__legend_e{score + 2}')} " + dotlang.attrs(
                label=t._("emotion {score}").format(score=map_curve.score_text(score)),
                shape="box",
                style="filled",
                fontsize=8.0,
                fillcolor=colour,
                color=theme.stage_border,
            )
        yield "  }"

    def emit(self) -> str:
        theme, journey = self.theme, self.journey
        lines = [dotlang.Line(journey.title, 18, bold=True, width=80)]
        if journey.description:
            lines.append(dotlang.Line(journey.description, 10, theme.muted, width=100))
        if self.persona:
            persona = journey.persona(self.persona)
            name = persona.label if persona else self.persona
            shown = self.t._("Persona: {name}").format(name=name)
            lines.append(dotlang.Line(shown, 10, theme.muted, italic=True, width=100))
        if self.overlay:
            lines.append(dotlang.Line(self.overlay.caption, 10, theme.accent, bold=True, width=110))
        left = '<br align="left"/>'
        label = self.label(lines, br=left)
        label = dotlang.Html(label + left) if isinstance(label, dotlang.Html) else label
        out = [
            f"digraph {dotlang.quote(dotlang.shorten(journey.title or 'journey'))} {{",
            "  graph "
            + dotlang.attrs(
                id=self.prefix,
                rankdir=self.direction,
                bgcolor=theme.background,
                label=label,
                labelloc="t",
                labeljust="l",
                fontname=theme.font,
                fontcolor=theme.text,
                nodesep=0.3,
                ranksep=0.55,
                pad=0.3,
                compound="true",
                newrank="false",
                tooltip=dotlang.escaped(journey.title),
            ),
            "  node "
            + dotlang.attrs(fontname=theme.font, fontcolor=theme.text, margin="0.14,0.07"),
            "  edge "
            + dotlang.attrs(
                fontname=theme.font,
                fontsize=8.0,
                arrowsize=0.7,
                fontcolor=theme.text,
            ),
        ]
        if self.big:
            out.append(BIG_LAYOUT_LINE)
        if self.graph.number_of_nodes() >= HUGE_NODES:
            out.append(HUGE_LAYOUT_LINE)
        out += self.stages()
        staged = {n for s in journey.stages for n in s.touchpoints}
        out += (
            self.node(t) for t in journey.touchpoints if t.id in self.graph and t.id not in staged
        )
        out += self.ordering()
        out += self.edges()
        out += self.legend()
        out.append("}")
        return "\n".join(out) + "\n"


def _channel_text(channel: model.Channel, t: i18n.Locale) -> str:
    """A channel as the legend and tooltips name it: its label and, if given, its kind."""
    return channel.label + (
        " (" + t._(_CHANNEL_KINDS.get(channel.kind, channel.kind)) + ")" if channel.kind else ""
    )


def _tooltip(journey: model.Journey, node: model.Touchpoint, t: i18n.Locale) -> str:
    """The node's details, shown on hover in SVG."""
    kind = t._(_KINDS[node.kind])
    lines = [f"{node.label} ({kind} {node.id})"]
    facts = []
    stage = next((s for s in journey.stages if s.id == node.stage), None)
    if stage:
        facts.append(t._("Stage: {stage}").format(stage=stage.label))
    channel = journey.channel(node.channel) if node.channel else None
    if channel:
        facts.append(t._("Channel: {channel}").format(channel=_channel_text(channel, t)))
    if facts:
        lines.append(" · ".join(facts))
    if node.personas:
        lines.append(t._("For: {personas}").format(personas=", ".join(node.personas)))
    if node.emotion:
        word = f" {node.emotion.word}" if node.emotion.word else ""
        score = map_curve.score_text(node.emotion.score) + word
        lines.append(t._("Emotion: {score}").format(score=score))
    for title, items in (
        ("", (node.description,) if node.description else ()),
        (t._("Does"), node.actions),
        (t._("Wants"), node.motivations),
        (t._("Asks"), node.questions),
        (t._("Pain"), node.pains),
        (t._("Opportunity"), node.opportunities),
    ):
        lines += [f"{title}: {item}" if title else item for item in items]
    figures = [f"{k.name} {k.value}" for k in node.kpis]
    if node.cost:
        figures.append(t._("cost {amount}").format(amount=node.cost))
    if node.reach is not None:
        figures.append(t._("reach {customers}").format(customers=t.count(node.reach)))
    if figures:
        lines.append("KPIs: " + " · ".join(figures))
    if node.owner:
        lines.append(t._("Owner: {owner}").format(owner=node.owner))
    if node.tags:
        lines.append(t._("Tags: {tags}").format(tags=", ".join(node.tags)))
    return "\n".join(lines)


def to_dot(
    journey: model.Journey,
    *,
    findings: Findings,
    options: Options = DEFAULTS,
    prefix: str | None = None,
    html_labels: bool = True,
    overlay: Overlay | None = None,
) -> str:
    """The DOT source of a journey diagram: what ``options.persona`` sees (everyone's when
    ``None``), in its theme and direction.

    ``findings`` are the checks' for that view (``cjdsl.views.findings``): flags on
    dead ends and unreachable touchpoints, and the links that may be drawn.
    ``overlay`` draws analysis results over the diagram. ``html_labels=False`` writes
    plain-text labels, for a Graphviz built without expat (the WebAssembly build),
    which shows HTML-like labels as bare node names. Deterministic: the same journey
    and arguments give the same text.
    """
    prefix = prefix or id_prefix(
        journey,
        persona=options.persona,
        theme=options.theme,
        direction=options.direction,
        lang=options.lang,
    )
    return _Emitter(journey, options, findings, prefix, html_labels, overlay).emit()
