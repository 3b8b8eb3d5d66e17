"""Rendering journeys: DOT source (pure) and Graphviz output (through ``engines``)."""

from __future__ import annotations

import re
from typing import Final

from .. import model
from ..errors import RenderError
from . import dot, engines, overlay, svg, themes
from .overlay import Overlay

__all__ = ["FORMATS", "THEMES", "Overlay", "dot", "engines", "overlay", "render", "svg", "themes"]

FORMATS: Final = ("svg", "png", "pdf", "dot", "json")
THEMES: Final = tuple(themes.THEMES)
# The prefix lands in SVG ids and attributes unescaped: an id-safe word only.
_PREFIX: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def render(
    journey: model.Journey,
    *,
    format_: str = "svg",
    persona: str | None = None,
    theme: str = "light",
    direction: str = "LR",
    engine: str = "auto",
    timeout: float = 60.0,
    memory_mb: int = 4096,
    prefix: str | None = None,
    overlay: Overlay | None = None,
) -> bytes:
    """Render a journey; ``dot`` gives the DOT source without running Graphviz.

    ``overlay`` (see ``overlay.from_report``) draws analysis results over the diagram.

    Raises:
        RenderError: a bad option, or Graphviz missing, failing or timing out.
    """
    for value, allowed, what in (
        (format_, FORMATS, "format"),
        (theme, THEMES, "theme"),
        (direction, dot.DIRECTIONS, "direction"),
        (engine, engines.ENGINES, "engine"),
    ):
        if value not in allowed:
            raise RenderError(f"unknown {what} `{value}` (choose from {', '.join(allowed)})")
    if persona is not None and journey.persona(persona) is None:
        known = ", ".join(p.id for p in journey.personas) or "none declared"
        raise RenderError(f"unknown persona `{persona}` (personas: {known})")
    if prefix and not _PREFIX.fullmatch(prefix):
        raise RenderError(f"invalid prefix `{prefix}` (a letter, then letters, digits, `_` or `-`)")
    if timeout <= 0 or memory_mb <= 0:
        raise RenderError("timeout and memory_mb must be positive")
    prefix = prefix or dot.id_prefix(journey, persona=persona, theme=theme, direction=direction)

    def source(html_labels: bool) -> str:
        return dot.to_dot(
            journey,
            persona=persona,
            theme=theme,
            direction=direction,
            prefix=prefix,
            html_labels=html_labels,
            overlay=overlay,
        )

    if format_ == "dot":
        return source(True).encode("utf-8")
    limits = engines.Limits(timeout=timeout, memory_mb=memory_mb)
    first = engines.choose(engine, format_)
    # The WebAssembly Graphviz is built without expat: it needs plain-text labels.
    try:
        out = engines.layout(source(first == "dot"), format_=format_, engine=first, limits=limits)
    except RenderError as error:
        if first != "dot" or not engines.can_fall_back(engine, format_):
            raise
        try:
            out = engines.layout(source(False), format_=format_, engine="wasm", limits=limits)
        except RenderError as second:
            raise RenderError(f"{error}; the WebAssembly fallback failed too: {second}") from second
    if format_ == "svg":
        out = svg.finish(out, prefix=prefix, title=journey.title, description=journey.description)
    return out
