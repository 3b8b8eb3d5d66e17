"""Model records for importers: ids made from names, and touchpoints chained in order.

Mermaid diagrams and spreadsheets name things by their labels ("Kasse", "Anna Müller");
the model wants ids. Every importer makes them here, the one way: the label lowercased,
every run of characters an id cannot hold turned into one ``_``, umlauts and other letters
kept (``vocabulary.ID_PATTERN``), a keyword of the language or a repeat given a suffix.

>>> ids = Ids()
>>> ids.make("Anna Müller"), ids.make("Anna  Müller"), ids.make("3. Kasse!"), ids.make("exit")
('anna_müller', 'anna_müller_2', 'tp_3_kasse', 'exit_')
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any, Final

from .. import model
from ..diagnostics import Diagnostic
from ..language import vocabulary
from ..source import SourceFile, Span

__all__ = ["Ids", "Imported", "chain", "emotion", "make_id", "node", "whole"]

_RESERVED: Final = frozenset(vocabulary.KEYWORDS) | {"online", "offline"}


@dataclasses.dataclass(frozen=True, slots=True)
class Imported:
    """What an importer read: the journey (``None`` when the input is unreadable, with
    an error among the diagnostics) and what it found on the way, located in the input."""

    journey: model.Journey | None
    diagnostics: tuple[Diagnostic, ...]


def make_id(name: str, *, prefix: str = "tp") -> str:
    """An id for ``name``: lowercased, other characters as ``_``, letters of any script kept;
    ``prefix`` first when it would start with a digit (or is empty).

    >>> make_id("Zur Kasse gehen"), make_id("Größe wählen"), make_id("404"), make_id("…")
    ('zur_kasse_gehen', 'größe_wählen', 'tp_404', 'tp')
    """
    out: list[str] = []
    gap = False
    for char in name.lower():
        if char.isalnum() or char == "_":
            if gap and out:
                out.append("_")
            out.append(char)
            gap = False
        else:
            gap = True
    made = "".join(out).strip("_")
    if not made:
        return prefix
    if not vocabulary.ID.fullmatch(made):
        made = f"{prefix}_{made}"
    if not vocabulary.ID.fullmatch(made):  # an exotic digit or mark: keep only what fits
        made = prefix + "_" + "".join(c for c in made if c.isascii() and (c.isalnum() or c == "_"))
    return made + "_" if made in _RESERVED else made


class Ids:
    """Hands out ids made from names, each once (``_2``, ``_3`` … for repeats)."""

    def __init__(self, *, prefix: str = "tp") -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}
        self._prefix = prefix

    def make(self, name: str) -> str:
        """A new id for ``name``."""
        return self.claim(make_id(name, prefix=self._prefix))

    def claim(self, wanted: str) -> str:
        """``wanted``, or ``wanted_2`` … if it is taken; marks the result taken. The number
        to try next is kept per id, so a name repeated n times costs n steps, not n²."""
        made, number = wanted, self._next.get(wanted, 1)
        if made in self._taken:
            number += 1
            made = f"{wanted}_{number}"
            while made in self._taken:
                number += 1
                made = f"{wanted}_{number}"
        self._next[wanted] = number
        self._taken.add(made)
        return made

    def __contains__(self, id_: object) -> bool:
        return id_ in self._taken


def whole(source: SourceFile) -> Span:
    """The span of a whole input: where the journey itself is said to be."""
    return Span(source, 0, len(source.text))


def emotion(score: float, span: Span, word: str | None = None) -> model.Emotion:
    """An emotion with the span of where its score was read."""
    return model.Emotion(score=score, word=word, span=span)


def node(
    id_: str,
    label: str,
    span: Span,
    *,
    kind: model.NodeKind = model.NodeKind.TOUCHPOINT,
    stage: str | None = None,
    **fields: Any,
) -> model.Touchpoint:
    """A touchpoint with every attribute empty but those given in ``fields``."""
    known = {f.name: f for f in dataclasses.fields(model.Touchpoint) if f.init}
    unknown = set(fields) - set(known)
    if unknown:
        raise TypeError(f"no touchpoint field {sorted(unknown)}")
    given = {"id": id_, "label": label, "kind": kind, "stage": stage, "span": span}
    values: dict[str, Any] = {name: _blank(str(f.type)) for name, f in known.items()}
    values.update(given, name_span=span, **fields)
    return model.Touchpoint(**values)


def _blank(annotation: str) -> object:
    """What an attribute holds when it is not written: ``()``, ``False`` or ``None`` (read
    from the annotation, so a field the model gains needs no line here)."""
    if annotation.startswith("tuple["):
        return ()
    return False if annotation == "bool" else None


def chain(nodes: Sequence[model.Touchpoint]) -> tuple[model.Transition, ...]:
    """``a -> b -> c`` over ``nodes`` in their order, without probabilities (each edge
    then carries all that leaves its source), skipping edges out of exits."""
    return tuple(
        transition(a, b) for a, b in itertools.pairwise(nodes) if a.kind is not model.NodeKind.EXIT
    )


def transition(
    source: model.Touchpoint,
    target: model.Touchpoint,
    probability: model.Quantity | None = None,
    span: Span | None = None,
) -> model.Transition:
    """One edge between two imported nodes, located at ``span`` (default: the target)."""
    at = span if span is not None else target.span
    return model.Transition(
        source=source.id,
        target=target.id,
        probability=probability,
        after=None,
        label=None,
        persona_refs=(),
        span=at,
        source_span=source.span,
        target_span=at,
        probability_span=at if probability is not None else None,
    )
