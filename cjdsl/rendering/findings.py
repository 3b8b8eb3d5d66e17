"""What the checks found that a drawing shows: flagged touchpoints, and the links it may draw.

Rendering runs no checks: the caller asks them (``cjdsl.views.findings``) for the view
it draws and hands the answer over as ``Findings``, plain data. Links are listed by
the touchpoints whose link is safe, not by those whose link is not: a caller that
forgets the checks gets a diagram without links, never one with a ``javascript:`` link.
"""

from __future__ import annotations

import dataclasses
from typing import Final

__all__ = ["NONE", "Findings"]


@dataclasses.dataclass(frozen=True, slots=True)
class Findings:
    """Node ids the diagram flags (``unreachable``, ``dead_ends``: CJ202, CJ201 for the
    persona's graph) and the touchpoints whose ``link`` may be drawn (``links``:
    http(s), mailto or relative, as CJ304 accepts).

    >>> Findings(unreachable=frozenset({"a", "b"}), dead_ends=frozenset({"b"})).flag("b")
    'dead end'
    """

    unreachable: frozenset[str] = frozenset()
    dead_ends: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()

    def flag(self, node: str) -> str | None:
        """The flag the diagram writes on ``node``: ``dead end`` before ``unreachable``."""
        if node in self.dead_ends:
            return "dead end"
        return "unreachable" if node in self.unreachable else None


NONE: Final = Findings()
"""Nothing flagged and no link drawn: for a drawing made without the checks."""
