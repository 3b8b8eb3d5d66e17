"""What one file declares, before references are resolved, and which attributes each owner has.

Lowering fills a ``Declarations`` from the Lark tree, then reads imports, finds
duplicates and unknown references, and builds the ``model.Journey``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

from . import model
from .source import Span

__all__ = [
    "CHANNEL_ATTRIBUTES",
    "HEADER_ATTRIBUTES",
    "NODE_ATTRIBUTES",
    "PERSONA_ATTRIBUTES",
    "STAGE_ATTRIBUTES",
    "STATEMENTS",
    "TEXT_ATTRIBUTES",
    "Declarations",
    "block_end",
]

STATEMENTS: Final = (
    "journey",
    "import",
    "persona",
    "channel",
    "stage",
    "touchpoint",
    "goal",
    "exit",
    "entry",
)
HEADER_ATTRIBUTES: Final = ("description", "owner")
TEXT_ATTRIBUTES: Final = (
    "action",
    "motivation",
    "question",
    "pain",
    "opportunity",
    "description",
    "owner",
    "link",
)
NODE_ATTRIBUTES: Final = (*TEXT_ATTRIBUTES, "emotion", "kpi", "cost", "tags", "reach")
PERSONA_ATTRIBUTES: Final = ("description", "goal", "pain")
CHANNEL_ATTRIBUTES: Final = ("description",)
STAGE_ATTRIBUTES: Final = ("description",)


# From inside a block to just past its `}`: separators, blanks and comments only. Each
# alternative starts with a different character class and the repetition is possessive, so
# the match never backtracks: a run of `#` with no `}` after it (a block still being typed
# above a `####` banner) costs one pass, not 2**n (the review's F1).
_TO_CLOSE: Final = re.compile(r"(?:[\s;]++|#[^\n]*+)*+\}")


def block_end(text: str, inside: int) -> int:
    """Where the span of a block ends, measured from ``inside`` (just past its last item,
    or its ``{``): past the ``}``, as both ways to the model measure it.

    >>> block_end("a { b }", 5), block_end("a { b ; }", 5)
    (7, 9)
    """
    closed = _TO_CLOSE.match(text, inside)
    return closed.end() if closed else inside


@dataclasses.dataclass(slots=True)
class Declarations:
    """What the statements of one file declare, in source order."""

    title: str | None = None
    header_span: Span | None = None
    header: dict[str, str] = dataclasses.field(default_factory=dict)
    personas: list[model.Persona] = dataclasses.field(default_factory=list)
    channels: list[model.Channel] = dataclasses.field(default_factory=list)
    stages: list[model.Stage] = dataclasses.field(default_factory=list)
    nodes: list[model.Touchpoint] = dataclasses.field(default_factory=list)
    transitions: list[model.Transition] = dataclasses.field(default_factory=list)
    imports: list[tuple[str, Span]] = dataclasses.field(default_factory=list)
    """Each import's relative path and where that path is written."""
    first: Span | None = None
    """The first top-level statement other than the header (a missing header is reported there)."""
