"""Rendering journeys: DOT source (pure) and Graphviz output (through ``engines``).

Rendering draws what it is given and runs no checks and no analyses: the checks'
``Findings``, an analysis ``Overlay`` and the aggregate of a collapsed diagram
(``analysis.aggregate``) come in made, computed by the caller (``cjdsl.views``, which
every front end and ``cjdsl.render`` use). How to draw is one frozen ``Options``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from .. import personas
from ..errors import RenderError
from . import collapse, dot, dotlang, engines, findings, options, overlay, svg, themes
from .findings import Findings
from .options import COLLAPSE, DEFAULT_MAX_NODES, DEFAULTS, FORMATS, THEMES, Options
from .overlay import Overlay

if TYPE_CHECKING:
    from .. import model
    from ..analysis.aggregate import Collapsed

__all__ = [
    "COLLAPSE",
    "DEFAULT_MAX_NODES",
    "FORMATS",
    "THEMES",
    "Findings",
    "Options",
    "Overlay",
    "check",
    "collapse",
    "dot",
    "dotlang",
    "engines",
    "findings",
    "options",
    "overlay",
    "refuse_big",
    "render",
    "svg",
    "themes",
]

# The prefix lands in SVG ids and attributes unescaped: an id-safe word only.
_PREFIX: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def check(
    journey: model.Journey,
    *,
    format_: str = "svg",
    options: Options = DEFAULTS,
    prefix: str | None = None,
    overlaid: bool = False,
    collapsed: bool = False,
) -> None:
    """Raise what ``render`` would refuse, before the caller computes anything for it:
    a format, persona or prefix that is not valid, an overlay on a collapsed diagram, a
    journey too big to lay out node by node (``options.max_nodes``).

    Raises:
        RenderError: the first of these.
    """
    if format_ not in FORMATS:
        raise RenderError(f"unknown format `{format_}` (choose from {', '.join(FORMATS)})")
    try:
        personas.choose(journey, options.persona)
    except ValueError as error:
        raise RenderError(str(error)) from error
    if prefix and not _PREFIX.fullmatch(prefix):
        raise RenderError(f"invalid prefix `{prefix}` (a letter, then letters, digits, `_` or `-`)")
    if collapsed and overlaid:
        raise RenderError("a highlight marks touchpoints, which a collapsed diagram does not show")
    if not collapsed and format_ != "dot" and options.max_nodes is not None:
        refuse_big(journey, options.persona, options.max_nodes)


def render(
    journey: model.Journey,
    *,
    format_: str = "svg",
    options: Options = DEFAULTS,
    findings: Findings,
    overlay: Overlay | None = None,
    collapsed: Collapsed | None = None,
    prefix: str | None = None,
) -> bytes:
    """Render a journey; ``dot`` gives the DOT source without running Graphviz.

    ``findings`` are the checks' for the view (``cjdsl.views.findings``); ``overlay``
    (``overlay.from_report``) draws analysis results over the diagram; ``collapsed``
    (``analysis.aggregate.collapse``) is drawn instead of the journey's nodes, one node
    per stage or channel. ``prefix`` is the SVG id prefix (default: from the journey
    and the view, so diagrams never clash on one page). A journey of more nodes than
    ``options.max_nodes`` is refused before Graphviz runs: past a few hundred nodes a
    layout takes minutes and gigabytes.

    Raises:
        RenderError: what ``check`` refuses, or Graphviz missing, failing or timing out.
    """
    check(
        journey,
        format_=format_,
        options=options,
        prefix=prefix,
        overlaid=overlay is not None,
        collapsed=collapsed is not None,
    )
    prefix = prefix or dot.id_prefix(
        journey, persona=options.persona, theme=options.theme, direction=options.direction
    )

    def source(html_labels: bool) -> str:
        if collapsed is not None:
            return collapse.to_dot(
                collapsed, options=options, prefix=prefix, html_labels=html_labels
            )
        return dot.to_dot(
            journey,
            findings=findings,
            options=options,
            prefix=prefix,
            html_labels=html_labels,
            overlay=overlay,
        )

    if format_ == "dot":
        return source(True).encode("utf-8")
    limits = engines.Limits(timeout=options.timeout, memory_mb=options.memory_mb)
    first = engines.choose(options.engine, format_)
    # The WebAssembly Graphviz is built without expat: it needs plain-text labels.
    try:
        out = engines.layout(source(first == "dot"), format_=format_, engine=first, limits=limits)
    except RenderError as error:
        if first != "dot" or not engines.can_fall_back(options.engine, format_):
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
    ``check`` asks before anything is computed for a diagram, ``render`` before Graphviz runs."""
    shown = sum(node.applies_to(persona) for node in journey.touchpoints)  # graph.build's nodes
    if shown > max_nodes:
        raise RenderError(
            f"the journey has {shown} touchpoints, goals and exits, more than the "
            f"{max_nodes} that are laid out one by one (Graphviz would take minutes and "
            "gigabytes); draw it by stage or channel with `--collapse stage` or "
            "`--collapse channel`, show one persona with `--persona`, write the journey map "
            "with `-f html`, or raise `--max-nodes`"
        )
