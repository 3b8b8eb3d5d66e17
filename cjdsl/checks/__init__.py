"""The check registry: one function per code over the model and its graph.

Checks are generators ``(journey, graph) -> Iterator[Diagnostic]``; each is
registered with the code it emits by ``@check(code)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import networkx as nx

from .. import codes, model
from ..diagnostics import Diagnostic

__all__ = ["REGISTRY", "Check", "check", "run"]

Check = Callable[[model.Journey, nx.DiGraph], Iterator[Diagnostic]]
REGISTRY: dict[str, Check] = {}


def check(code: codes.Code) -> Callable[[Check], Check]:
    """Register a check under the code it emits."""

    def register(function: Check) -> Check:
        REGISTRY[code.id] = function
        return function

    return register


def run(journey: model.Journey, graph: nx.DiGraph) -> list[Diagnostic]:
    """Run every registered check, in code order."""
    return [d for _, function in sorted(REGISTRY.items()) for d in function(journey, graph)]


from . import funnel, numbers, structure, style  # noqa: E402  (they register themselves)

__all__ += ["funnel", "numbers", "structure", "style"]
