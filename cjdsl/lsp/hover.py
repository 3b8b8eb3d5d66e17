"""What a hover shows: an element of the journey described in Markdown.

>>> from cjdsl import pipeline
>>> from cjdsl.source import SourceFile
>>> text = 'journey "J"\\nchannel web "Web" online\\n'
>>> text += 'stage s "Buy" {\\n  touchpoint a "Cart" @web\\n}'
>>> journey = pipeline.compile_source(SourceFile("x", text)).journey
>>> print(describe(journey, "touchpoint", "a"))
**Cart** · touchpoint `a`
<BLANKLINE>
stage **Buy** (`s`) · channel **Web** (`web`, online)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .. import model
from ..language import vocabulary

__all__ = ["describe", "word"]


def word(name: str) -> str | None:
    """Markdown about a keyword or an attribute name, from the vocabulary.

    >>> print(word("kpi"))
    attribute `kpi` · `kpi ctr 2.1%`
    <BLANKLINE>
    any named figure: a number, percentage, duration or amount (`kpi cpm 6.50 EUR`)
    """
    statement = next((s for s in vocabulary.STATEMENTS if s.keyword == name), None)
    if statement is not None:
        return f"keyword `{name}` · `{statement.form}`\n\n{statement.doc}"
    attribute = next((a for a in vocabulary.ATTRIBUTES if a.name == name), None)
    if attribute is not None:
        return f"attribute `{name}` · `{attribute.form}`\n\n{attribute.doc}"
    return None


def describe(journey: model.Journey, kind: str, name: str) -> str | None:
    """Markdown about the element ``kind`` ``name``; ``None`` if it is not declared."""
    if kind == "channel":
        channel = journey.channel(name)
        return _channel(journey, channel) if channel else None
    if kind == "persona":
        persona = journey.persona(name)
        return _persona(journey, persona) if persona else None
    if kind == "stage":
        stage = next((s for s in journey.stages if s.id == name), None)
        return _stage(journey, stage) if stage else None
    node = journey.touchpoint(name)
    return _node(journey, node) if node else None


def _code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _text(text: str) -> str:
    """Plain text made inert for Markdown: no emphasis, links or HTML from a label."""
    special = "\\`*_[]<>|~#"
    return "".join(f"\\{c}" if c in special else c for c in text).replace("\n", "  \n")


def _named(label: str, id_: str) -> str:
    return f"**{_text(label)}** ({_code(id_)})"


def _list(title: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return ["", f"*{title}*", *(f"- {_text(i)}" for i in items)]


def _node(journey: model.Journey, node: model.Touchpoint) -> str:
    kind = ("entry " if node.entry else "") + node.kind.value
    out = [f"**{_text(node.label)}** · {kind} {_code(node.id)}"]
    where = []
    stage = next((s for s in journey.stages if s.id == node.stage), None)
    if stage is not None:
        where.append(f"stage {_named(stage.label, stage.id)}")
    channel = journey.channel(node.channel) if node.channel else None
    if channel is not None:
        kind_note = f", {channel.kind}" if channel.kind else ""
        where.append(f"channel **{_text(channel.label)}** ({_code(channel.id)}{kind_note})")
    elif node.channel:
        where.append(f"channel {_code(node.channel)} (not declared)")
    if node.emotion is not None:
        word = f" {_text(node.emotion.word)}" if node.emotion.word else ""
        where.append(f"emotion {node.emotion.score:+g}{word}")
    if where:
        out += ["", " · ".join(where)]
    if node.personas:
        out += ["", "for " + ", ".join(_code(p) for p in node.personas)]
    if node.description:
        out += ["", _text(node.description)]
    out += _list("Actions", node.actions)
    out += _list("Motivations", node.motivations)
    out += _list("Questions", node.questions)
    out += _list("Pains", node.pains)
    out += _list("Opportunities", node.opportunities)
    facts = [f"{_text(k.name)} {_code(str(k.value))}" for k in node.kpis]
    if node.reach is not None:
        facts.insert(0, f"reach {node.reach:g}")
    if node.cost is not None:
        facts.append(f"cost {_code(str(node.cost))}")
    if node.owner:
        facts.append(f"owner {_text(node.owner)}")
    if facts:
        out += ["", " · ".join(facts)]
    if node.link:
        out += ["", f"link {_code(node.link)}"]
    if node.tags:
        out += ["", "tags " + ", ".join(_code(t) for t in node.tags)]
    out += _transitions(journey, node.id)
    return "\n".join(out)


def _transitions(journey: model.Journey, id_: str) -> list[str]:
    def arrow(t: model.Transition, other: str, sign: str) -> str:
        details = [str(x) for x in (t.probability, t.after and f"after {t.after}") if x]
        if t.label:
            details.append(_text(t.label))
        if t.personas:
            details.append("for " + ", ".join(t.personas))
        return f"{sign} {_code(other)}" + (f" ({', '.join(details)})" if details else "")

    outgoing = [arrow(t, t.target, "→") for t in journey.transitions if t.source == id_]
    incoming = [arrow(t, t.source, "←") for t in journey.transitions if t.target == id_]
    lines = [*outgoing, *incoming]
    return ["", "  \n".join(lines)] if lines else []


def _channel(journey: model.Journey, channel: model.Channel) -> str:
    kind = f" · {channel.kind}" if channel.kind else ""
    out = [f"**{_text(channel.label)}** · channel {_code(channel.id)}{kind}"]
    users = [t.id for t in journey.touchpoints if t.channel == channel.id]
    out += _used("touchpoints", users)
    return "\n".join(out)


def _persona(journey: model.Journey, persona: model.Persona) -> str:
    out = [f"**{_text(persona.label)}** · persona {_code(persona.id)}"]
    if persona.description:
        out += ["", _text(persona.description)]
    out += _list("Goals", persona.goals)
    out += _list("Pains", persona.pains)
    only = [t.id for t in journey.touchpoints if persona.id in t.personas]
    out += _used("touchpoints only for this persona", only)
    return "\n".join(out)


def _stage(journey: model.Journey, stage: model.Stage) -> str:
    number = [s.id for s in journey.stages].index(stage.id) + 1
    out = [
        f"**{_text(stage.label)}** · stage {_code(stage.id)} ({number} of {len(journey.stages)})"
    ]
    if stage.description:
        out += ["", _text(stage.description)]
    out += _used("touchpoints", stage.touchpoints)
    return "\n".join(out)


def _used(title: str, ids: Iterable[str]) -> list[str]:
    names = list(ids)
    if not names:
        return ["", f"no {title}"]
    shown = ", ".join(_code(n) for n in names[:12])
    more = f" and {len(names) - 12} more" if len(names) > 12 else ""
    return ["", f"{len(names)} {title}: {shown}{more}"]
