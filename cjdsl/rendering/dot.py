"""Journey model to Graphviz DOT source: pure, deterministic, golden-tested.

Stages become ordered columns (clusters kept in declaration order by
invisible anchor nodes between them), touchpoints HTML-labelled boxes styled
by channel and filled by emotion, edges labelled with probability and
duration. Every user text is escaped here and nowhere else.
"""

from __future__ import annotations

import hashlib
import html
import re
import textwrap
from collections.abc import Iterator
from typing import Final

from .. import graph as graphs
from .. import model
from ..checks import numbers, structure
from . import themes

__all__ = ["DIRECTIONS", "id_prefix", "quote", "to_dot"]

DIRECTIONS: Final = ("LR", "TB")
WRAP: Final = 24
_UNSAFE_ID: Final = re.compile(r"[^A-Za-z0-9_-]")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Characters a URL may not hold raw, and an `&` that starts a character reference (`&#58;`):
# Graphviz 2.43 copies URLs into SVG unescaped, where parsers would decode it.
_URL_UNSAFE: Final = re.compile(r'[\s"<>\\^`{|}]|&(?=#?\w+;)')


def quote(text: str) -> str:
    r"""A DOT double-quoted string whose content Graphviz shows as written.

    Backslashes are doubled so Graphviz's escapes (``\N``, ``\G``, ``\l``)
    cannot fire; newlines become ``\n``.

    >>> print(quote('say "hi" \\ C:\\N\nnext'))
    "say \"hi\" \\ C:\\N\nnext"
    """
    text = _CONTROL.sub("", text)
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text.replace(chr(13), "")}"'


def _html(text: str, width: int = WRAP, br: str = "<br/>") -> str:
    """Escape text for an HTML-like label and wrap it into lines."""
    text = _CONTROL.sub("", text).replace("\r", "")
    # Graphviz expands \N, \G … in HTML labels too; a doubled backslash shows as one.
    lines = [
        html.escape(line.replace("\\", "\\\\"), quote=True)
        for paragraph in text.split("\n")
        for line in (textwrap.wrap(paragraph, width, break_long_words=True) or [""])
    ]
    return br.join(lines)


def _escaped(text: str) -> str:
    r"""Text for a tooltip, shown as written.

    Graphviz expands ``\N``, ``\G`` … in tooltips, in node tooltips twice, so
    backslashes are doubled here and once more by ``quote``.
    """
    return text.replace("\\", "\\\\")


def _url(link: str) -> str:
    """A link with what may not stand raw in an SVG attribute percent-encoded.

    >>> _url('https://a.b/x y?q="<&>"&r=1&#58;')
    'https://a.b/x%20y?q=%22%3C&%3E%22&r=1%26#58;'
    """
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), link)


def id_prefix(journey: model.Journey) -> str:
    """An SVG id prefix unique to this journey's source, so diagrams on one page never clash."""
    digest = hashlib.sha256(journey.span.file.text.encode("utf-8")).hexdigest()
    return f"cj{digest[:8]}"


def _slug(name: str) -> str:
    """An ASCII id fragment; other characters become ``_xHH_`` so slugs stay unique."""
    return _UNSAFE_ID.sub(lambda m: f"_x{ord(m.group()):x}_", name)


def _attrs(**values: str | float | None) -> str:
    items = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        text = str(value)
        items.append(f"{key}={text if text.startswith('<') else quote(text)}")
    return "[" + ", ".join(items) + "]" if items else ""


def _percent(p: float) -> str:
    return f"{p * 100:.3g}%"


def _duration(seconds: float) -> str:
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


class _Emitter:
    def __init__(
        self,
        journey: model.Journey,
        persona: str | None,
        theme: themes.Theme,
        direction: str,
        prefix: str,
    ) -> None:
        self.journey = journey
        self.persona = persona
        self.theme = theme
        self.direction = direction
        self.prefix = prefix
        self.graph = graphs.build(journey, persona=persona)
        self.channel_colour = {
            c.id: theme.channels[i % len(theme.channels)] for i, c in enumerate(journey.channels)
        }
        self.flags = self._flags()

    def _flags(self) -> dict[str, str]:
        flags: dict[str, str] = {}
        for finding in structure.unreachable(self.journey, self.graph):
            flags[finding.span.text] = "unreachable"
        for finding in structure.dead_ends(self.journey, self.graph):
            flags[finding.span.text] = "dead end"
        return flags

    def node_id(self, name: str) -> str:
        return f"{self.prefix}-n-{_slug(name)}"

    # -- pieces --------------------------------------------------------------
    def node(self, node: model.Touchpoint) -> str:
        theme = self.theme
        channel = self.journey.channel(node.channel) if node.channel else None
        lines = []
        if node.kind is not model.NodeKind.TOUCHPOINT:
            colour = theme.goal if node.kind is model.NodeKind.GOAL else theme.exit
            badge = "✓ GOAL" if node.kind is model.NodeKind.GOAL else "✕ EXIT"
            lines.append(f'<font point-size="8" color="{colour}"><b>{badge}</b></font>')
        elif node.entry:
            lines.append(f'<font point-size="8" color="{theme.muted}"><b>▶ ENTRY</b></font>')
        lines.append(f'<font point-size="11"><b>{_html(node.label)}</b></font>')
        if channel is not None:
            kind = f" · {channel.kind}" if channel.kind else ""
            colour = self.channel_colour[channel.id]
            lines.append(
                f'<font point-size="8" color="{colour}">■</font>'
                f'<font point-size="8" color="{theme.muted}"> '
                f"{_html(channel.label + kind, 30)}</font>"
            )
        if node.emotion is not None:
            word = f" {node.emotion.word}" if node.emotion.word else ""
            lines.append(
                f'<font point-size="8" color="{theme.muted}">'
                f"{_html(f'{node.emotion.score:+g}{word}', 30)}</font>"
            )
        flag = self.flags.get(node.id)
        if flag:
            lines.append(f'<font point-size="8" color="{theme.flag}"><b>⚠ {flag}</b></font>')
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
        link = node.link if node.link and numbers.link_is_safe(node.link) else None
        return f"  {quote(node.id)} " + _attrs(
            id=self.node_id(node.id),
            label="<" + "<br/>".join(lines) + ">",
            shape=shape,
            style=style,
            peripheries=peripheries,
            color=border or theme.muted,
            penwidth=width,
            fillcolor=themes.emotion_colour(theme, node.emotion.score if node.emotion else None),
            tooltip=_escaped(_tooltip(self.journey, node)),
            URL=_url(link) if link else None,
            target="_blank" if link else None,
        )

    def edges(self) -> Iterator[str]:
        stage_index = {s.id: i for i, s in enumerate(self.journey.stages)}
        for index, (source, target, data) in enumerate(self.graph.edges(data=True)):
            transitions: tuple[model.Transition, ...] = data["transitions"]
            first = transitions[0]
            parts = []
            p = data["p"]
            if data["explicit"]:
                parts.append(_percent(p))
            elif p < 1:
                parts.append(f"≈{_percent(p)}")
            if data["after"] is not None:
                parts.append(f"after {_duration(data['after'])}")
            lines = [f"<b>{html.escape(' · '.join(parts))}</b>"] if parts else []
            for transition in transitions:
                if transition.label:
                    lines.append(_html(transition.label, 28))
            personas = sorted({p for t in transitions for p in t.personas})
            if personas and self.persona is None:
                lines.append(f"<i>{_html('for ' + ', '.join(personas), 28)}</i>")
            src_node, dst_node = self.journey.touchpoint(source), self.journey.touchpoint(target)
            backwards = (
                src_node is not None
                and dst_node is not None
                and src_node.stage in stage_index
                and dst_node.stage in stage_index
                and stage_index[dst_node.stage] < stage_index[src_node.stage]
            )
            yield f"  {quote(source)} -> {quote(target)} " + _attrs(
                id=f"{self.prefix}-e{index}",
                label="<" + "<br/>".join(lines) + ">" if lines else None,
                penwidth=1.0 + 4.0 * min(p, 1.0),
                style=None if data["explicit"] else "dashed",
                constraint="false" if backwards else None,
                tooltip=f"{first.source} → {first.target}",
                color=self.theme.edge,
                fontcolor=self.theme.text,
            )

    def stages(self) -> Iterator[str]:
        shown = set(self.graph.nodes)
        for index, stage in enumerate(self.journey.stages):
            members = [n for n in stage.touchpoints if n in shown]
            yield f"  subgraph {quote(f'cluster_{index}')} {{"
            yield "    graph " + _attrs(
                id=f"{self.prefix}-s-{_slug(stage.id)}",
                label=f"<<b>{index + 1} · {_html(stage.label, 40)}</b>>",
                labelloc="t",
                labeljust="l",
                style="rounded,filled",
                fillcolor=self.theme.stage_fill,
                color=self.theme.stage_border,
                fontcolor=self.theme.text,
                fontsize=13.0,
                margin=14.0,
                tooltip=_escaped(stage.description or stage.label),
            )
            if not members:
                yield f"    {quote(f'__empty_{index}')} " + _attrs(
                    label="(empty)",
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
            [n for n in s.touchpoints if n in shown] or [f"__empty_{i}"]
            for i, s in enumerate(self.journey.stages)
        ]
        for i in range(1, len(columns)):
            anchor = f"__stage_{i}"
            yield f"  {quote(anchor)} " + _attrs(
                shape="point", style="invis", width=0.01, height=0.01, label=""
            )
            for name in columns[i - 1]:
                yield f"  {quote(name)} -> {quote(anchor)} [style=invis]"
            for name in columns[i]:
                yield f"  {quote(anchor)} -> {quote(name)} [style=invis]"

    def legend(self) -> Iterator[str]:
        theme = self.theme
        used = {t.channel for t in self.journey.touchpoints if t.id in self.graph}
        rows = []
        for channel in self.journey.channels:
            if channel.id not in used:
                continue
            kind = f" ({channel.kind})" if channel.kind else ""
            rows.append(
                f'<tr><td width="14" bgcolor="{self.channel_colour[channel.id]}"></td>'
                f'<td align="left">{_html(channel.label + kind, 40)}</td></tr>'
            )
        scale = "".join(
            f'<td bgcolor="{colour}">{label}</td>'
            for colour, label in zip(theme.emotion, ("−2", "−1", "0", "+1", "+2"), strict=True)
        )
        table = (
            '<<table border="0" cellborder="0" cellspacing="3" cellpadding="3">'
            '<tr><td colspan="2" align="left"><b>Legend</b></td></tr>'
            + "".join(rows)
            + f'<tr><td colspan="2" align="left">Emotion (fill)</td></tr>'
            f'<tr><td colspan="2"><table border="0" cellspacing="0" cellpadding="4"><tr>{scale}'
            f"</tr></table></td></tr>"
            f'<tr><td colspan="2" align="left"><font color="{theme.goal}">✓ goal</font>'
            f' · <font color="{theme.exit}">✕ exit</font> · dashed edge: share of the rest'
            f"</td></tr></table>>"
        )
        yield f"  {quote('__legend')} " + _attrs(
            id=f"{self.prefix}-legend",
            label=table,
            shape="box",
            style="rounded",
            color=theme.stage_border,
            fontcolor=theme.text,
            fontsize=9.0,
        )
        last = [n for s in self.journey.stages[-1:] for n in s.touchpoints if n in self.graph]
        for name in last[:1]:
            yield f"  {quote(name)} -> {quote('__legend')} [style=invis]"

    def emit(self) -> str:
        theme, journey = self.theme, self.journey
        title = f'<font point-size="18"><b>{_html(journey.title, 80)}</b></font>'
        subtitle = []
        if journey.description:
            subtitle.append(_html(journey.description, 100, '<br align="left"/>'))
        if self.persona:
            persona = journey.persona(self.persona)
            subtitle.append(
                f"<i>{_html('Persona: ' + (persona.label if persona else self.persona), 100)}</i>"
            )
        lines = [
            title,
            *(f'<font point-size="10" color="{theme.muted}">{s}</font>' for s in subtitle),
        ]
        label = "<" + '<br align="left"/>'.join(lines) + '<br align="left"/>>'

        out = [
            f"digraph {quote(journey.title or 'journey')} {{",
            "  graph "
            + _attrs(
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
                tooltip=_escaped(journey.title),
            ),
            "  node " + _attrs(fontname=theme.font, fontcolor=theme.text, margin="0.14,0.07"),
            "  edge "
            + _attrs(
                fontname=theme.font,
                fontsize=8.0,
                arrowsize=0.7,
                fontcolor=theme.text,
            ),
        ]
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


def _tooltip(journey: model.Journey, node: model.Touchpoint) -> str:
    """The node's details, shown on hover in SVG."""
    lines = [f"{node.label} ({node.kind.value} `{node.id}`)"]
    facts = []
    stage = next((s for s in journey.stages if s.id == node.stage), None)
    if stage:
        facts.append(f"Stage: {stage.label}")
    channel = journey.channel(node.channel) if node.channel else None
    if channel:
        facts.append(f"Channel: {channel.label}" + (f" ({channel.kind})" if channel.kind else ""))
    if facts:
        lines.append(" · ".join(facts))
    if node.personas:
        lines.append("For: " + ", ".join(node.personas))
    if node.emotion:
        lines.append(
            f"Emotion: {node.emotion.score:+g}"
            + (f" {node.emotion.word}" if node.emotion.word else "")
        )
    for title, items in (
        ("", (node.description,) if node.description else ()),
        ("Does", node.actions),
        ("Wants", node.motivations),
        ("Asks", node.questions),
        ("Pain", node.pains),
        ("Opportunity", node.opportunities),
    ):
        lines += [f"{title}: {item}" if title else item for item in items]
    figures = [f"{k.name} {k.value}" for k in node.kpis]
    if node.cost:
        figures.append(f"cost {node.cost}")
    if node.reach is not None:
        figures.append(f"reach {node.reach:g}")
    if figures:
        lines.append("KPIs: " + " · ".join(figures))
    if node.owner:
        lines.append(f"Owner: {node.owner}")
    if node.tags:
        lines.append("Tags: " + ", ".join(node.tags))
    return "\n".join(lines)


def to_dot(
    journey: model.Journey,
    *,
    persona: str | None = None,
    theme: str = "light",
    direction: str = "LR",
    prefix: str | None = None,
) -> str:
    """The DOT source of a journey diagram (what ``persona`` sees, if given).

    Deterministic: the same journey and options give the same text.
    """
    return _Emitter(
        journey, persona, themes.THEMES[theme], direction, prefix or id_prefix(journey)
    ).emit()
