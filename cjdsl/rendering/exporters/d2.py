"""A journey as D2 text: stages as containers, channels as classes, transitions as edges.

Every key is double-quoted (so an id such as ``label`` or ``style``, which D2 reserves,
stays a name) and every label too, with ``\\``, ``"`` and ``$`` (D2's substitutions)
escaped and line breaks as ``\\n``. A touchpoint is drawn in its stage's container, with
its channel's class (filled by online or offline) and a shape by kind (a goal an oval, an
exit a hexagon); an edge's label is its probability, duration and label.

>>> print(d2(__import__("cjdsl").loads('journey "J"\\nentry touchpoint a "A $1"\\n'
...     'goal b\\na -> b 40%').journey).data, end="")
direction: right
<BLANKLINE>
"a": "A \\$1"
"b": "b" {shape: oval}
<BLANKLINE>
"a" -> "b": "40%"
"""

from __future__ import annotations

from typing import Final

from ... import model
from . import Export

__all__ = ["d2", "quote"]

_FILL: Final = {"online": "#e3f2fd", "offline": "#fff3e0", None: "#f5f5f5"}
_SHAPES: Final = {model.NodeKind.GOAL: "oval", model.NodeKind.EXIT: "hexagon"}


def d2(journey: model.Journey) -> Export:
    """The D2 text of ``journey``."""
    lines = ["direction: right"]
    used = {n.channel for n in journey.touchpoints if n.channel is not None}
    channels = [c for c in journey.channels if c.id in used]
    if channels:
        lines += ["", "classes: {"]
        for channel in channels:
            dash = "; stroke-dash: 3" if channel.kind == "offline" else ""
            style = f"style: {{fill: {quote(_FILL[channel.kind])}{dash}}}"
            lines.append(f"  {quote(channel.id)}: {{{style}}}")
        lines.append("}")
    stages = {s.id for s in journey.stages}
    path: dict[str, str] = {}
    loose = [n for n in journey.touchpoints if n.stage not in stages]
    if loose:
        lines.append("")
    for loose_node in loose:
        path[loose_node.id] = quote(loose_node.id)
        lines.append(_node(loose_node, ""))
    for stage in journey.stages:
        lines += ["", f"{quote(stage.id)}: {quote(stage.label)} {{"]
        for id_ in stage.touchpoints:
            node = journey.touchpoint(id_)
            if node is not None:
                path[node.id] = f"{quote(stage.id)}.{quote(node.id)}"
                lines.append(_node(node, "  "))
        lines.append("}")
    edges = [e for e in journey.transitions if e.source in path and e.target in path]
    if edges:
        lines.append("")
    for edge in edges:
        label = _edge_label(edge)
        tail = f": {quote(label)}" if label else ""
        lines.append(f"{path[edge.source]} -> {path[edge.target]}{tail}")
    return Export("\n".join(lines) + "\n")


def quote(text: str) -> str:
    """A D2 double-quoted string that reads back as ``text``.

    >>> print(quote('a "b" \\\\ ${c}\\nd'))
    "a \\"b\\" \\\\ \\${c}\\nd"
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return '"' + escaped.replace("\n", "\\n").replace("\t", " ") + '"'


def _node(node: model.Touchpoint, indent: str) -> str:
    extras = []
    if node.kind in _SHAPES:
        extras.append(f"shape: {_SHAPES[node.kind]}")
    if node.channel is not None:
        extras.append(f"class: {quote(node.channel)}")
    block = f" {{{'; '.join(extras)}}}" if extras else ""
    return f"{indent}{quote(node.id)}: {quote(node.label)}{block}"


def _edge_label(edge: model.Transition) -> str:
    parts = [edge.probability.text] if edge.probability is not None else []
    if edge.after is not None:
        parts.append(f"after {edge.after.text}")
    if edge.label:
        parts.append(edge.label)
    return " · ".join(parts)
