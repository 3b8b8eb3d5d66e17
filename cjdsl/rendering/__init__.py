"""Rendering journeys: DOT source (pure) and Graphviz output (through ``engines``).

``collapse`` runs an analysis (NumPy, SciPy): it is imported when first used
(``rendering.collapse``, PEP 562), not for every diagram.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Final

from .. import personas
from ..errors import RenderError
from . import dot, engines, overlay, svg, themes
from .overlay import Overlay

if TYPE_CHECKING:
    from .. import model
    from . import collapse

__all__ = [
    "COLLAPSE",
    "DEFAULT_MAX_NODES",
    "FORMATS",
    "THEMES",
    "Overlay",
    "collapse",
    "dot",
    "engines",
    "overlay",
    "refuse_big",
    "render",
    "svg",
    "themes",
]

FORMATS: Final = ("svg", "png", "pdf", "dot", "json")
THEMES: Final = tuple(themes.THEMES)
COLLAPSE: Final = ("stage", "channel")
"""The ways ``collapse`` groups a journey (``collapse.MODES``, without importing it)."""
DEFAULT_MAX_NODES: Final = 200
"""The largest journey laid out node by node unless asked for more (``max_nodes``).

Measured with ``bench/bench_pipeline.py`` on realistic generated journeys (five
stage clusters, three transitions a touchpoint, loops), 2 cores: Debian's
Graphviz 2.43 lays out 100 nodes in about a second, 200 in 12–18 s, 300 in
65–110 s (past the default 60 s timeout) and 400 not within 120 s. Past the
limit, ``collapse`` draws the journey by stage or channel instead."""
# The prefix lands in SVG ids and attributes unescaped: an id-safe word only.
_PREFIX: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def __getattr__(name: str) -> object:
    if name == "collapse":
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    collapse_by: str | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> bytes:
    """Render a journey; ``dot`` gives the DOT source without running Graphviz.

    ``overlay`` (see ``overlay.from_report``) draws analysis results over the diagram.
    ``collapse_by`` (``stage`` or ``channel``) draws one node per stage or channel
    with edges weighted by flow (see ``collapse``). ``max_nodes`` (``None``: no
    limit) refuses to lay out a journey of more nodes than that, before Graphviz
    runs: past a few hundred nodes a layout takes minutes and gigabytes.

    Raises:
        RenderError: a bad option, a journey over ``max_nodes``, or Graphviz
            missing, failing or timing out.
    """
    for value, allowed, what in (
        (format_, FORMATS, "format"),
        (theme, THEMES, "theme"),
        (direction, dot.DIRECTIONS, "direction"),
        (engine, engines.ENGINES, "engine"),
    ):
        if value not in allowed:
            raise RenderError(f"unknown {what} `{value}` (choose from {', '.join(allowed)})")
    try:
        personas.choose(journey, persona)
    except ValueError as error:
        raise RenderError(str(error)) from error
    if prefix and not _PREFIX.fullmatch(prefix):
        raise RenderError(f"invalid prefix `{prefix}` (a letter, then letters, digits, `_` or `-`)")
    if timeout <= 0 or memory_mb <= 0:
        raise RenderError("timeout and memory_mb must be positive")
    if collapse_by is not None and collapse_by not in COLLAPSE:
        raise RenderError(f"unknown collapse `{collapse_by}` (choose from {', '.join(COLLAPSE)})")
    if collapse_by is not None and overlay is not None:
        raise RenderError("a highlight marks touchpoints, which a collapsed diagram does not show")
    if max_nodes is not None and max_nodes < 1:
        raise RenderError(f"max_nodes must be at least 1 (got {max_nodes})")
    prefix = prefix or dot.id_prefix(journey, persona=persona, theme=theme, direction=direction)
    collapsed = None
    if collapse_by is not None:
        from . import collapse

        collapsed = collapse.collapse(journey, by=collapse_by, persona=persona)
    elif format_ != "dot" and max_nodes is not None:
        refuse_big(journey, persona, max_nodes)

    def source(html_labels: bool) -> str:
        if collapsed is not None:  # `collapse` was imported with it
            return collapse.to_dot(
                collapsed, theme=theme, direction=direction, prefix=prefix, html_labels=html_labels
            )
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


def refuse_big(journey: model.Journey, persona: str | None, max_nodes: int) -> None:
    """Raise ``RenderError`` when the diagram would have more than ``max_nodes`` nodes:
    ``render`` asks before Graphviz runs, the command line before it analyses for a highlight."""
    shown = sum(node.applies_to(persona) for node in journey.touchpoints)  # graph.build's nodes
    if shown > max_nodes:
        raise RenderError(
            f"the journey has {shown} touchpoints, goals and exits, more than the "
            f"{max_nodes} that are laid out one by one (Graphviz would take minutes and "
            "gigabytes); draw it by stage or channel with `--collapse stage` or "
            "`--collapse channel`, show one persona with `--persona`, write the journey map "
            "with `-f html`, or raise `--max-nodes`"
        )
