"""Every place a journey names an id: declarations and references, for navigation.

Built from the model alone, which carries the span of every declaration and
reference (transition ends, ``@channel``, the names of ``for`` lists). Pure: no
protocol types here.

>>> from cjdsl import pipeline
>>> from cjdsl.source import SourceFile
>>> doc = pipeline.compile_source(SourceFile("x", 'journey "J"\\ntouchpoint a\\ngoal b\\na -> b'))
>>> [(o.kind, o.name, o.declaration) for o in build(doc).occurrences]
[('touchpoint', 'a', True), ('goal', 'b', True), ('touchpoint', 'a', False), ('goal', 'b', False)]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Final

from .. import model
from ..pipeline import Document
from ..source import SourceFile, Span

__all__ = ["KINDS", "Index", "Occurrence", "build"]

KINDS: Final = ("touchpoint", "goal", "exit", "channel", "persona", "stage")
"""What an id can name; nodes are told apart by their kind so hover and symbols can say it."""


@dataclasses.dataclass(frozen=True, slots=True)
class Occurrence:
    """An id written somewhere: what it names (``kind`` and ``name``), where, and whether
    this is the declaration."""

    kind: str
    name: str
    span: Span
    declaration: bool

    @property
    def space(self) -> str:
        """The namespace of the id: goals and exits share the touchpoints' one."""
        return "node" if self.kind in ("touchpoint", "goal", "exit") else self.kind


@dataclasses.dataclass(frozen=True, slots=True)
class Index:
    """The occurrences of one pipeline, in source order (imported declarations last)."""

    source: SourceFile
    journey: model.Journey | None
    occurrences: tuple[Occurrence, ...]

    def at(self, offset: int) -> Occurrence | None:
        """The occurrence in this document under ``offset`` (its end counts: the cursor
        may stand right after an id)."""
        for occurrence in self.occurrences:
            span = occurrence.span
            if span.file is self.source and span.start <= offset <= span.end:
                return occurrence
        return None

    def declaration(self, of: Occurrence) -> Occurrence | None:
        """Where the id that ``of`` names is declared (possibly in an imported file)."""
        return next(
            (
                o
                for o in self.occurrences
                if o.declaration and o.space == of.space and o.name == of.name
            ),
            None,
        )

    def references(self, of: Occurrence, *, include_declaration: bool) -> tuple[Occurrence, ...]:
        """Every occurrence of the id that ``of`` names."""
        return tuple(
            o
            for o in self.occurrences
            if o.space == of.space
            and o.name == of.name
            and (include_declaration or not o.declaration)
        )


def build(doc: Document) -> Index:
    """Index a compiled document; without a model, there is nothing to index."""
    journey = doc.journey
    if journey is None:
        return Index(doc.source, None, ())
    found = list(_occurrences(journey))
    found.sort(key=lambda o: (o.span.file is not doc.source, o.span.start))
    return Index(doc.source, journey, tuple(found))


def _occurrences(journey: model.Journey) -> Iterator[Occurrence]:
    kinds = {t.id: t.kind.value for t in journey.touchpoints}
    for persona in journey.personas:
        yield Occurrence("persona", persona.id, persona.name_span, True)
    for channel in journey.channels:
        yield Occurrence("channel", channel.id, channel.name_span, True)
    for stage in journey.stages:
        yield Occurrence("stage", stage.id, stage.name_span, True)
    for node in journey.touchpoints:
        yield Occurrence(node.kind.value, node.id, node.name_span, True)
        if node.channel_ref is not None:
            yield Occurrence("channel", node.channel_ref.id, node.channel_ref.span, False)
        yield from _personas(node.persona_refs)
    for transition in journey.transitions:
        for name, span in (
            (transition.source, transition.source_span),
            (transition.target, transition.target_span),
        ):
            yield Occurrence(kinds.get(name, "touchpoint"), name, span, False)
        yield from _personas(transition.persona_refs)
    for process in journey.processes:  # what a process supports is a touchpoint
        for ref in process.support_refs:
            yield Occurrence(kinds.get(ref.id, "touchpoint"), ref.id, ref.span, False)
    for scenario in journey.scenarios:
        yield from _scenario(scenario, kinds, {s.id for s in journey.stages})


def _scenario(
    scenario: model.Scenario, kinds: dict[str, str], stages: set[str]
) -> Iterator[Occurrence]:
    """What a scenario names: the nodes it adds (declared there), the stages, nodes and
    transitions it adds to, changes and removes (references to the journey's)."""
    kinds = kinds | {t.id: t.kind.value for t in scenario.touchpoints}
    for stage in scenario.stages:
        yield Occurrence("stage", stage.id, stage.name_span, stage.id not in stages)
    for node in scenario.touchpoints:
        yield Occurrence(node.kind.value, node.id, node.name_span, node.id not in kinds)
        if node.channel_ref is not None:
            yield Occurrence("channel", node.channel_ref.id, node.channel_ref.span, False)
        yield from _personas(node.persona_refs)
    for change in scenario.changes:
        yield Occurrence(kinds.get(change.id, "touchpoint"), change.id, change.name_span, False)
        if change.channel_ref is not None:
            yield Occurrence("channel", change.channel_ref.id, change.channel_ref.span, False)
        yield from _personas(change.persona_refs or ())
    for removal in scenario.removals:
        kind = kinds.get(removal.id, "stage" if removal.id in stages else "touchpoint")
        yield Occurrence(kind, removal.id, removal.name_span, False)
        if removal.target is not None and removal.target_span is not None:
            target = kinds.get(removal.target, "touchpoint")
            yield Occurrence(target, removal.target, removal.target_span, False)
        yield from _personas(removal.persona_refs)
    for transition in scenario.transitions:
        for name, span in (
            (transition.source, transition.source_span),
            (transition.target, transition.target_span),
        ):
            yield Occurrence(kinds.get(name, "touchpoint"), name, span, False)
        yield from _personas(transition.persona_refs)


def _personas(refs: tuple[model.Ref, ...]) -> Iterator[Occurrence]:
    return (Occurrence("persona", ref.id, ref.span, False) for ref in refs)
