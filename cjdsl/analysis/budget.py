"""The analysis's time budget: a deadline its long steps check, so a huge journey stops in time.

``analyze`` runs inside ``limit(seconds)``; the solver, the path searches and
the dominators call ``check()`` between pieces of work (a block, a batch of
columns, a component, a thousand expansions), which raises ``Expired`` once
the deadline has passed. A context variable carries the deadline, as
``numpy.errstate`` carries error handling: the steps stay plain functions,
and each thread or task has its own. Outside ``limit`` nothing expires.

>>> with limit(None):
...     check()  # no deadline: never expires
>>> with limit(0.0):
...     check()
Traceback (most recent call last):
...
cjdsl.analysis.budget.Expired: the time limit of 0 s is reached
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from ..errors import CjdslError

__all__ = ["Expired", "Steps", "TimeLimitError", "check", "limit", "seconds"]

_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True, slots=True)
class _Deadline:
    at: float
    seconds: float


_DEADLINE: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar(
    "cjdsl_analysis_deadline", default=None
)


class Expired(Exception):
    """The deadline of the innermost ``limit`` has passed."""


class TimeLimitError(CjdslError, ValueError):
    """Not even the core figures (conversion, funnel, reach) were done within the time limit.

    A ``ValueError`` too, like the other ways ``analyze`` refuses a journey,
    so every caller that turns those into a message turns this one too.
    """


@contextlib.contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Run the block with a deadline ``seconds`` from now (``None``: none of its own).

    An outer deadline that comes sooner stays in force: a what-if runs both
    analyses within the budget of one call.
    """
    outer = _DEADLINE.get()
    deadline = outer
    if seconds is not None:
        own = _Deadline(time.monotonic() + seconds, seconds)
        deadline = own if outer is None or own.at < outer.at else outer
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check() -> None:
    """Raise ``Expired`` if the deadline has passed (cheap: call it between pieces of work)."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() >= deadline.at:
        raise Expired(f"the time limit of {deadline.seconds:g} s is reached")


def seconds() -> float | None:
    """The time limit in force, in seconds as given (``None``: none)."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline.seconds


class Steps:
    """The figures left out so far; a step that runs out of time gives its fallback instead."""

    def __init__(self) -> None:
        self.missing: list[str] = []

    def run(self, name: str, step: Callable[[], _T], fallback: _T) -> _T:
        """``step()``, or ``fallback`` (and ``name`` noted) once the time limit is reached."""
        try:
            check()
            return step()
        except Expired:
            self.missing.append(name)
            return fallback

    def each(self, name: str, step: Callable[[int], _T | None], count: int) -> list[_T | None]:
        """``step(i)`` for ``i < count``; ``None`` from where the time limit is reached."""
        out: list[_T | None] = [None] * count
        try:
            for i in range(count):
                check()
                out[i] = step(i)
        except Expired:
            self.missing.append(name)
        return out
