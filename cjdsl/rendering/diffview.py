"""Two journeys drawn as one diagram: their union, what the second adds green, what it
removes red and dashed, what it changes amber (``cjdsl render --diff``).

Draws what it is given: the ``Diff`` (``cjdsl.diffing.compare``) says what changed and the
caption carries its headline figure; nothing is analysed here.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final

from .. import model
from .overlay import Overlay

if TYPE_CHECKING:  # the diagram draws a diff without importing the analysis (NumPy)
    from ..diffing import Diff

__all__ = ["ADDED", "CHANGED", "REMOVED", "union"]

ADDED: Final = "#2f9e44"
"""Green: what the second journey adds."""
REMOVED: Final = "#e03131"
"""Red (and dashed): what it removes."""
CHANGED: Final = "#f08c00"
"""Amber: what it changes (attributes of a node, the probability of a transition)."""

_COLOURS: Final = {
    "added": ADDED,
    "removed": f"{REMOVED};dashed",
    "changed": CHANGED,
    "re-weighted": CHANGED,
}


def union(
    before: model.Journey, after: model.Journey, diff: Diff, *, caption: str
) -> tuple[model.Journey, Overlay]:
    """The journey that holds both (``after`` with what ``before`` had and it has not, each
    removed node in its stage) and the overlay that colours the changes."""
    kept = {n.id for n in after.touchpoints}
    gone = [n for n in before.touchpoints if n.id not in kept]
    stages = {s.id: s for s in after.stages}
    for node in gone:
        if node.stage is None:
            continue
        stage = stages.get(node.stage)
        if stage is None:
            old = next(s for s in before.stages if s.id == node.stage)
            stages[node.stage] = dataclasses.replace(old, touchpoints=(node.id,))
        else:
            stages[node.stage] = dataclasses.replace(
                stage, touchpoints=(*stage.touchpoints, node.id)
            )
    keys = {_key(t) for t in after.transitions}
    lost = [t for t in before.transitions if _key(t) not in keys]
    journey = dataclasses.replace(
        after,
        stages=tuple(stages.values()),
        touchpoints=(*after.touchpoints, *gone),
        transitions=(*after.transitions, *lost),
        channels=(*after.channels, *(c for c in before.channels if after.channel(c.id) is None)),
        personas=(*after.personas, *(p for p in before.personas if after.persona(p.id) is None)),
        scenarios=(),
    )
    marks = [(n.id, _COLOURS[n.change]) for n in diff.touchpoints]
    marks += [(f"{t.source} -> {t.target}", _COLOURS[t.kind]) for t in diff.transitions]
    return journey, Overlay(caption, marks=tuple(marks))


def _key(t: model.Transition) -> tuple[str, str, tuple[str, ...]]:
    return t.source, t.target, tuple(sorted(t.personas))
