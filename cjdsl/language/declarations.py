"""What one file declares, before references are resolved.

Lowering fills a ``Declarations`` from the Lark tree, then reads imports, finds
duplicates and unknown references, and builds the ``model.Journey``.
"""

from __future__ import annotations

import dataclasses

from .. import model
from ..source import Span

__all__ = ["Declarations"]


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
    scenarios: list[model.Scenario] = dataclasses.field(default_factory=list)
    processes: list[model.Process] = dataclasses.field(default_factory=list)
    imports: list[tuple[str, Span]] = dataclasses.field(default_factory=list)
    """Each import's relative path and where that path is written."""
    first: Span | None = None
    """The first top-level statement other than the header (a missing header is reported there)."""
