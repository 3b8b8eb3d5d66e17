"""A journey as Mermaid text: a ``journey`` diagram (lossy) and a ``flowchart``.

The journey diagram holds stages (sections, in their order), touchpoints (tasks: first
those in no stage, then each stage's in its order), the emotion as the score
``emotion + 3`` and the personas a touchpoint is for as its actors; ``import mermaid``
reads it back to the same stages, labels, emotions and actors. The rest it cannot hold
(``journey`` says what, for stderr). Names lose the characters Mermaid's lexer stops at
(``#`` ``;`` and, in names, ``:``; in actors ``,``), written as their full-width forms; a
name Mermaid would read as a keyword (``Title page``) gets a zero-width space in front.

The flowchart holds everything the graph has: stages as subgraphs, touchpoints with
their shape by kind, every transition with its probability, duration and label. Labels
are quoted, with ``"`` ``#`` ``<`` ``>`` ``&`` ``%`` and backticks as Mermaid's ``#…;``
entity codes and line breaks as ``<br>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from ... import model
from ...interop import mermaid as reading
from . import Export

__all__ = ["actor", "flowchart", "journey", "name", "text", "title"]

_BREAKS: Final = {"\n": " ", "\r": " ", "\t": " "}
_NAME: Final = str.maketrans({"#": "＃", ";": "；", ":": "：", **_BREAKS})
_ACTOR: Final = str.maketrans({"#": "＃", ";": "；", ":": "：", ",": "，", **_BREAKS})
_TITLE: Final = str.maketrans({"#": "＃", ";": "；", **_BREAKS})
_KEYWORDS: Final = ("journey", "title", "section", "acctitle", "accdescr")
_ENTITIES: Final = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "%": "#37;",
    "`": "#96;",
}
_SHAPES: Final = {
    model.NodeKind.TOUCHPOINT: ('["', '"]'),
    model.NodeKind.GOAL: ('(["', '"])'),
    model.NodeKind.EXIT: ('{{"', '"}}'),
}


def journey(journey_: model.Journey) -> Export:
    """The Mermaid journey diagram of ``journey_``, and what it leaves out."""
    changed: list[str] = []
    lines = ["journey"]
    if journey_.title.strip():
        lines.append(f"  title {_clean(journey_.title, _TITLE, changed)}")
    if journey_.description:
        lines += _description(journey_.description, changed)
    loose = [t for t in journey_.touchpoints if t.stage is None or not _has(journey_, t.stage)]
    lines += [_task(t, journey_, changed, "  ") for t in loose]
    for stage in journey_.stages:
        name = _clean(stage.label, _NAME, changed) or stage.id
        lines.append(f"  section {name}")
        for id_ in stage.touchpoints:
            node = journey_.touchpoint(id_)
            if node is not None:
                lines.append(_task(node, journey_, changed, "    "))
    return Export("\n".join(lines) + "\n", tuple(_lost(journey_, changed)))


def flowchart(journey_: model.Journey) -> Export:
    """The Mermaid flowchart of ``journey_``: nothing of the graph is left out."""
    ids = {node.id: f"n{i}" for i, node in enumerate(journey_.touchpoints)}
    lines = ["flowchart LR"]
    staged = {id_ for stage in journey_.stages for id_ in stage.touchpoints}
    lines += [f"  {_node(node, ids)}" for node in journey_.touchpoints if node.id not in staged]
    for i, stage in enumerate(journey_.stages):
        lines.append(f'  subgraph s{i}["{text(stage.label)}"]')
        for id_ in stage.touchpoints:
            node = journey_.touchpoint(id_)
            if node is not None:
                lines.append(f"    {_node(node, ids)}")
        lines.append("  end")
    for edge in journey_.transitions:
        if edge.source in ids and edge.target in ids:
            label = _edge_label(edge)
            arrow = f'-->|"{text(label)}"|' if label else "-->"
            lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
    lines += [
        "  classDef goal fill:#d8f0dc,stroke:#2e7d32",
        "  classDef exit fill:#f9dcdc,stroke:#c62828",
    ]
    for kind in (model.NodeKind.GOAL, model.NodeKind.EXIT):
        members = [ids[n.id] for n in journey_.touchpoints if n.kind is kind]
        if members:
            lines.append(f"  class {','.join(members)} {kind.value}")
    return Export("\n".join(lines) + "\n")


def name(label: str) -> str:
    """A stage's or touchpoint's label as the journey diagram writes it (without the mark
    a keyword-like task name gets): ``#`` ``;`` ``:`` full-width, line breaks as blanks.

    >>> name("Kasse: 2 # rechts")
    'Kasse： 2 ＃ rechts'
    """
    return label.translate(_NAME).strip()


def actor(label: str) -> str:
    """A persona's label as an actor: like ``name``, and ``,`` full-width too."""
    return label.translate(_ACTOR).strip()


def title(label: str) -> str:
    """The journey's title as the diagram writes it: only ``#`` ``;`` and breaks change."""
    return label.translate(_TITLE).strip()


def text(label: str) -> str:
    """A label as Mermaid reads it inside ``"…"``: entity codes, ``<br>`` for line breaks.

    >>> text('Say "hi" #1 <b> & 5%')
    'Say #quot;hi#quot; #35;1 #lt;b#gt; #amp; 5#37;'
    """
    return "".join(_ENTITIES.get(c, c) for c in label).replace("\n", "<br>")


def _node(node: model.Touchpoint, ids: dict[str, str]) -> str:
    opening, closing = _SHAPES[node.kind]
    return f"{ids[node.id]}{opening}{text(node.label)}{closing}"


def _edge_label(edge: model.Transition) -> str:
    parts = [edge.probability.text] if edge.probability is not None else []
    if edge.after is not None:
        parts.append(f"after {edge.after.text}")
    if edge.label:
        parts.append(edge.label)
    return " · ".join(parts)


def _has(journey_: model.Journey, stage: str) -> bool:
    return any(s.id == stage for s in journey_.stages)


def _task(node: model.Touchpoint, journey_: model.Journey, changed: list[str], indent: str) -> str:
    name = _clean(node.label, _NAME, changed) or node.id
    if _keyword_like(name):
        name = reading.EXPORT_MARK + name
    score = node.emotion.score + 3 if node.emotion is not None else 3.0
    actors = []
    for ref in node.persona_refs:
        persona = journey_.persona(ref.id)
        label = persona.label if persona is not None else ref.id
        actors.append(_clean(label, _ACTOR, changed) or ref.id)
    tail = f": {', '.join(actors)}" if actors else ""
    return f"{indent}{name}: {score:g}{tail}"


def _keyword_like(name: str) -> bool:
    """Whether Mermaid's lexer would read the start of a task name as something else."""
    folded = name[:8].lower()
    return folded.startswith(_KEYWORDS) or "%%" in name[:3]


def _description(description: str, changed: list[str]) -> list[str]:
    if "\n" not in description:
        return [f"  accDescr: {description}"]
    if "}" in description:
        changed.append("`}` in the description")
    body = description.replace("}", ")").split("\n")
    return ["  accDescr {", *(f"    {line}".rstrip() for line in body), "  }"]


def _clean(name: str, table: dict[int, str], changed: list[str]) -> str:
    cleaned = name.translate(table).strip()
    if cleaned != name.strip():
        changed.append(f"`{name.strip()}`")
    return cleaned


def _lost(journey_: model.Journey, changed: list[str]) -> Iterator[str]:
    nodes = journey_.touchpoints
    if journey_.transitions:
        yield f"{len(journey_.transitions)} transitions (the diagram is one line, in order)"
    if journey_.channels or any(n.channel_ref for n in nodes):
        yield "channels"
    if any(n.kind is not model.NodeKind.TOUCHPOINT for n in nodes):
        yield "which touchpoints are goals or exits"
    if any(n.reach is not None for n in nodes):
        yield "entries and their reach"
    if no_emotion := sum(1 for n in nodes if n.emotion is None):
        many = "s have" if no_emotion != 1 else " has"
        yield f"{no_emotion} touchpoint{many} no emotion: written as the neutral score 3"
    if any(n.emotion is not None and n.emotion.word for n in nodes):
        yield "the words of emotions"
    present = [
        name
        for name, field in (
            ("descriptions", "description"),
            ("actions", "actions"),
            ("motivations", "motivations"),
            ("questions", "questions"),
            ("pains", "pains"),
            ("opportunities", "opportunities"),
            ("KPIs", "kpis"),
            ("costs", "cost"),
            ("owners", "owner"),
            ("links", "link"),
            ("tags", "tags"),
            ("events", "events"),
            ("lanes", "lane"),
        )
        if any(getattr(n, field) for n in nodes)
    ]
    if present:
        yield "the touchpoints' " + ", ".join(present)
    if journey_.processes:
        yield "the blueprint's processes"
    if any(p.description or p.goals or p.pains for p in journey_.personas):
        yield "what personas say of themselves (description, goals, pains)"
    used = {ref.id for n in nodes for ref in n.persona_refs}
    if unused := [p.id for p in journey_.personas if p.id not in used]:
        yield "personas no touchpoint is for: " + ", ".join(f"`{p}`" for p in unused)
    if empty := [s.id for s in journey_.stages if not s.touchpoints]:
        yield "empty stages (Mermaid draws no section without tasks): " + ", ".join(
            f"`{s}`" for s in empty
        )
    if journey_.owner or any(s.description for s in journey_.stages):
        yield "the journey's owner and the stages' descriptions"
    if changed:
        yield "characters Mermaid cannot hold there, in " + ", ".join(dict.fromkeys(changed))
