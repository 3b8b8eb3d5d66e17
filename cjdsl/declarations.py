"""What one file declares, before references are resolved, and which attributes each owner has.

Lowering fills a ``Declarations`` from the Lark tree, then reads imports, finds
duplicates and unknown references, and builds the ``model.Journey``.
"""

from __future__ import annotations

import dataclasses
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
