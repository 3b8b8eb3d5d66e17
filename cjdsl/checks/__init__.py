"""The check registry: one function per code over the model and its graph.

Checks are generators ``(journey, graph) -> Iterator[Diagnostic]``; each is
registered with the code it emits by ``@check(code)``. What several checks
derive from the graph (its closed loops, the funnel's stage moves) is
``@shared``: computed once per ``run``.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import networkx as nx

from .. import codes, model
from ..diagnostics import Diagnostic

__all__ = ["REGISTRY", "Check", "check", "run", "shared"]

Check = Callable[[model.Journey, nx.DiGraph], Iterator[Diagnostic]]
REGISTRY: dict[str, Check] = {}
_Derived = TypeVar("_Derived", bound=Callable[..., Any])
_facts: contextvars.ContextVar[dict[tuple[object, ...], Any] | None] = contextvars.ContextVar(
    "facts", default=None
)


def shared(function: _Derived) -> _Derived:
    """Remember what ``function`` returns for the same arguments (by identity) during one
    ``run``; outside a run it computes every time, so nothing goes stale."""

    @functools.wraps(function)
    def remembered(*arguments: Any) -> Any:
        facts = _facts.get()
        if facts is None:
            return function(*arguments)
        key = (function, *map(id, arguments))
        if key not in facts:
            facts[key] = function(*arguments)
        return facts[key]

    return remembered  # type: ignore[return-value]


def check(code: codes.Code) -> Callable[[Check], Check]:
    """Register a check under the code it emits."""

    def register(function: Check) -> Check:
        REGISTRY[code.id] = function
        return function

    return register


def run(journey: model.Journey, graph: nx.DiGraph) -> list[Diagnostic]:
    """Run every registered check, in code order."""
    token = _facts.set({})
    try:
        return [d for _, function in sorted(REGISTRY.items()) for d in function(journey, graph)]
    finally:
        _facts.reset(token)


from . import blueprint, funnel, numbers, structure, style  # noqa: E402  (they register)

__all__ += ["blueprint", "funnel", "numbers", "structure", "style"]
