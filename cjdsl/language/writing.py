"""The model written back as ``.journey`` text: ``cjdsl.dumps``.

What every way into the model that does not start from a file (fitted or discovered from
data, imported from Mermaid or a spreadsheet, a scenario) uses to write a journey. The text
is the formatter's canonical layout, and it means the same journey:
``model.meaning(loads(dumps(j)).journey) == model.meaning(j)``.

>>> import cjdsl
>>> j = cjdsl.loads('journey "Shop"\\nentry touchpoint ad "Ad" { reach 100 }\\ngoal buy\\n'
...                 'ad -> buy 5% "clicks"').journey
>>> print(dumps(j), end="")
journey "Shop"
<BLANKLINE>
entry touchpoint ad "Ad" { reach 100 }
goal buy
<BLANKLINE>
ad -> buy  5%  "clicks"
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator

from .. import model
from . import formatting, literals, vocabulary

__all__ = ["dumps"]


def dumps(journey: model.Journey, *, keep_imports: bool = False) -> str:
    """Canonical ``.journey`` text for ``journey``.

    Self-contained by default: imported personas and channels are written into the text
    and no ``import`` line is. With ``keep_imports``, the ``import`` lines are written and
    what came from the imported files is left to them.

    Raises:
        ValueError: the model holds something no text can say (an id that is no id).
    """
    text = "\n".join(_statements(journey, keep_imports=keep_imports)) + "\n"
    formatted = formatting.format_text(text, path="<dumps>")
    if formatted is None:
        raise ValueError("the journey cannot be written as .journey text (an id that is no id?)")
    return formatted


def _statements(journey: model.Journey, *, keep_imports: bool) -> Iterator[str]:
    home = journey.span.file.path
    yield f"journey {_q(journey.title)}"
    if journey.description is not None:
        yield f"description {_q(journey.description)}"
    if journey.lang is not None:
        yield f"lang {_q(journey.lang)}"
    if journey.owner is not None:
        yield f"owner {_q(journey.owner)}"
    if keep_imports:
        yield from (f"import {_q(ref.id)}" for ref in journey.import_refs)
    for persona in journey.personas:
        if not keep_imports or persona.file == home:
            yield _persona(persona)
    for channel in journey.channels:
        if not keep_imports or channel.file == home:
            kind = f" {channel.kind}" if channel.kind else ""
            yield f"channel {channel.id}{_label(channel.label, channel.id)}{kind}"
    yield from _nodes_and_stages(journey)
    yield from (_transition(t) for t in journey.transitions)
    yield from (_process(p) for p in journey.processes)
    yield from (_scenario(s) for s in journey.scenarios)


def _persona(persona: model.Persona) -> str:
    lines = [] if persona.description is None else [f"description {_q(persona.description)}"]
    lines += [f"goal {_q(goal)}" for goal in persona.goals]
    if persona.share is not None:
        lines.append(f"share {persona.share.text}")
    lines += [f"pain {_q(pain)}" for pain in persona.pains]
    return f"persona {persona.id}{_label(persona.label, persona.id)}{_block(lines)}"


def _block(attributes: list[str]) -> str:
    """A block on one line: the formatter keeps it so while it fits, and opens it if not."""
    return f" {{ {'; '.join(attributes)} }}" if attributes else ""


def _nodes_and_stages(journey: model.Journey) -> Iterator[str]:
    """Nodes in their order, each stage's in one block where its first node stands (stages
    keep their order too, empty ones included)."""
    stages = {stage.id: stage for stage in journey.stages}
    pending = list(journey.stages)
    for node in journey.touchpoints:
        if node.stage is None or node.stage not in stages:
            yield _node(node)
        elif any(stage.id == node.stage for stage in pending):
            while pending:
                stage = pending.pop(0)
                yield _stage(stage, journey)
                if stage.id == node.stage:
                    break
    yield from (_stage(stage, journey) for stage in pending)


def _stage(stage: model.Stage, journey: model.Journey) -> str:
    lines = [f"stage {stage.id}{_label(stage.label, stage.id)} {{"]
    if stage.description is not None:
        lines.append(f"description {_q(stage.description)}")
    nodes = (journey.touchpoint(id_) for id_ in stage.touchpoints)
    lines += [_node(node) for node in nodes if node is not None]
    return "\n".join([*lines, "}"])


def _node(node: model.Touchpoint) -> str:
    head = "entry " if node.entry else ""
    head += f"{node.kind.value} {node.id}{_label(node.label, node.id)}"
    if node.channel_ref is not None:
        head += f" @{node.channel_ref.id}"
    head += _for(node.persona_refs)
    return head + _block(list(_attributes(node)))


def _attributes(node: model.Touchpoint) -> Iterator[str]:
    for attribute in vocabulary.attributes("node"):
        yield from _attribute(attribute, getattr(node, attribute.field))


def _attribute(attribute: vocabulary.Attribute, value: object) -> Iterator[str]:
    """The lines of one attribute's model value, by the shape the vocabulary gives it."""
    name, shape = attribute.name, attribute.shape
    if value is None or value == ():
        return
    if shape == "text":
        yield f"{name} {_q(str(value))}"
    elif shape == "texts":
        yield from (f"{name} {_q(text)}" for text in value)  # type: ignore[attr-defined]
    elif shape == "number":
        yield f"{name} {_number(float(value))}"  # type: ignore[arg-type]
    elif shape == "emotion":
        assert isinstance(value, model.Emotion)
        word = f" {_q(value.word)}" if value.word is not None else ""
        yield f"{name} {_number(value.score, sign=True)}{word}"
    elif shape == "kpi":
        yield from (f"{name} {kpi.name} {kpi.value.text}" for kpi in value)  # type: ignore[attr-defined]
    elif shape == "money":
        assert isinstance(value, model.Money)
        yield f"{name} {value.text}"
    elif shape == "names":
        yield f"{name} " + ", ".join(value)  # type: ignore[arg-type]
    elif shape in ("lane", "loss"):
        yield f"{name} {value}"


def _process(process: model.Process) -> str:
    lines = [] if process.description is None else [f"description {_q(process.description)}"]
    if process.lane != "backstage":
        lines.append(f"lane {process.lane}")
    if process.owner is not None:
        lines.append(f"owner {_q(process.owner)}")
    if process.supports:
        lines.append("supports " + ", ".join(process.supports))
    return f"process {process.id}{_label(process.label, process.id)}{_block(lines)}"


def _scenario(scenario: model.Scenario) -> str:
    lines = [f"scenario {scenario.id}{_label(scenario.label, scenario.id)} {{"]
    if scenario.description is not None:
        lines.append(f"description {_q(scenario.description)}")
    nodes = {node.id: node for node in scenario.touchpoints}
    labelled = scenario.stage_labels or (False,) * len(scenario.stages)
    for stage, has_label in zip(scenario.stages, labelled, strict=True):
        label = f" {_q(stage.label)}" if has_label else ""
        lines.append(f"stage {stage.id}{label} {{")
        if stage.description is not None:
            lines.append(f"description {_q(stage.description)}")
        lines += [_node(nodes[i]) for i in stage.touchpoints if i in nodes]
        lines.append("}")
    lines += [_node(node) for node in scenario.touchpoints if node.stage is None]
    lines += [_change(change) for change in scenario.changes]
    for removal in scenario.removals:
        target = f" -> {removal.target}" if removal.target is not None else ""
        lines.append(f"remove {removal.id}{target}{_for(removal.persona_refs)}")
    lines += [_transition(t) for t in scenario.transitions]
    return "\n".join([*lines, "}"])


def _change(change: model.Change) -> str:
    head = f"change {change.id}"
    if change.label is not None:
        head += f" {_q(change.label)}"
    if change.channel_ref is not None:
        head += f" @{change.channel_ref.id}"
    if change.persona_refs:
        head += _for(change.persona_refs)
    by_field = {a.field: a for a in vocabulary.attributes("node")}
    lines = [f"remove {ref.id}" for ref in change.removed]
    for field, value in change.attributes:
        lines += _attribute(by_field[field], value)
    return head + _block(lines)


def _transition(transition: model.Transition) -> str:
    parts = [f"{transition.source} -> {transition.target}"]
    if transition.probability is not None:
        parts.append(transition.probability.text)
    if transition.after is not None:
        parts.append(f"after {transition.after.text}")
    if transition.label is not None:
        parts.append(_q(transition.label))
    return " ".join(parts) + _for(transition.persona_refs)


def _label(label: str, id_: str) -> str:
    """The label after an id; none when it is the id (what an unlabelled element gets)."""
    return "" if label == id_ else f" {_q(label)}"


def _q(text: str) -> str:
    return literals.quote(text)


def _for(refs: tuple[model.Ref, ...]) -> str:
    return " for " + ", ".join(ref.id for ref in refs) if refs else ""


def _number(value: float, *, sign: bool = False) -> str:
    """A float as the grammar writes numbers: plain decimals, never an exponent.

    >>> _number(10000.0), _number(-1.0, sign=True), _number(0.5, sign=True), _number(1e-7)
    ('10000', '-1', '+0.5', '0.0000001')
    """
    written = format(decimal.Decimal(repr(value)), "f")
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return f"+{written}" if sign and not written.startswith("-") else written
