"""The one set of render options: frozen, validated once, passed around by every front end.

The command line builds ``Options`` from its flags (``cli.render_options``), the preview
and watch carry it, the docs plugins embed it in their own options and ``cjdsl.render``
makes one from its keywords; rendering reads it. Every valid value is a ``Final``
constant here, so no front end writes a choice list of its own, and a bad value is
refused in ``Options`` itself with the allowed values named.

>>> Options(theme="dark", persona="anna").theme
'dark'
>>> Options(direction="RL")
Traceback (most recent call last):
cjdsl.errors.RenderError: unknown direction `RL` (choose from LR, TB)
"""

from __future__ import annotations

import dataclasses
from typing import Final

from .. import i18n
from ..errors import RenderError
from . import engines, overlay, themes

__all__ = [
    "AUTO",
    "COLLAPSE",
    "DEFAULTS",
    "DEFAULT_MAX_NODES",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIMEOUT",
    "DIRECTIONS",
    "ENGINES",
    "FORMATS",
    "HIGHLIGHTS",
    "LANGS",
    "PAGE_THEMES",
    "THEMES",
    "Options",
    "page_themes",
]

FORMATS: Final = ("svg", "png", "pdf", "dot", "json")
"""What ``rendering.render`` writes: Graphviz's formats, and ``dot`` without Graphviz."""
THEMES: Final = tuple(themes.THEMES)
"""The colours of one diagram."""
AUTO: Final = "auto"
"""A page's theme, not a diagram's: light and dark diagrams, the page's colour scheme shows one."""
PAGE_THEMES: Final = (AUTO, *THEMES)
"""The themes of a page that can hold both diagrams (the preview, the docs plugins)."""
DIRECTIONS: Final = ("LR", "TB")
"""Stages left to right, or top to bottom."""
ENGINES: Final = engines.ENGINES
"""The system ``dot``, the WebAssembly build, or the first that works (``engines``)."""
COLLAPSE: Final = ("stage", "channel")
"""The ways ``analysis.aggregate`` groups a journey (its ``MODES``, without importing it)."""
HIGHLIGHTS: Final = overlay.HIGHLIGHTS
"""The analysis results a diagram can show over it (``overlay``)."""
LANGS: Final = i18n.LANGS
"""The languages of every word and figure cjdsl writes (``i18n``)."""
DEFAULT_TIMEOUT: Final = 60.0
"""Seconds Graphviz may take before it is stopped."""
DEFAULT_MEMORY_MB: Final = 4096
"""Megabytes of memory Graphviz may use."""
DEFAULT_MAX_NODES: Final = 500
"""The largest journey laid out node by node unless asked for more (``max_nodes``).

Measured with ``bench/bench_layout.py`` on generated journeys (five stage clusters, three
transitions a touchpoint, loops), Debian's Graphviz 2.43, CPU time: with the big-graph
settings of ``dot`` (external edge labels from 150 nodes, capped phases from 280) 200 nodes
take about 2 s (12 s before), 500 nodes about 7 s (over 60 s before). Past the limit,
``collapse_by`` draws the journey by stage or channel instead."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """How a journey is drawn, whatever the output format.

    ``persona``: only what this persona meets (``None``: everyone). ``collapse_by``
    (``stage`` or ``channel``) draws one node per stage or channel, edges weighted by
    flow. ``max_nodes`` (``None``: no limit) refuses to lay out a journey of more nodes,
    before Graphviz runs: past a few hundred nodes a layout takes minutes and gigabytes.
    ``highlight`` draws one of ``HIGHLIGHTS`` over the diagram. ``lang`` (one of
    ``LANGS``; ``None``: the journey's own ``lang``, else English) is the language of
    every word and figure drawn. Whether the persona
    exists is the journey's to say: ``personas.choose``, when the view is drawn.

    Raises:
        RenderError: a value that is not allowed, or options that contradict each other.
    """

    persona: str | None = None
    theme: str = "light"
    direction: str = "LR"
    engine: str = "auto"
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    collapse_by: str | None = None
    max_nodes: int | None = DEFAULT_MAX_NODES
    highlight: str | None = None
    lang: str | None = None
    default_lang: str | None = None
    """The project's language (``[tool.cjdsl] lang``): for journeys that name none."""

    def __post_init__(self) -> None:
        for value, allowed, what in (
            (self.theme, THEMES, "theme"),
            (self.direction, DIRECTIONS, "direction"),
            (self.engine, ENGINES, "engine"),
            (self.collapse_by, (None, *COLLAPSE), "collapse"),
            (self.highlight, (None, *HIGHLIGHTS), "highlight"),
            (self.lang, (None, *LANGS), "language"),
            (self.default_lang, (None, *LANGS), "language"),
        ):
            if value not in allowed:
                choices = ", ".join(a for a in allowed if a is not None)
                raise RenderError(f"unknown {what} `{value}` (choose from {choices})")
        if not (self.timeout > 0 and self.memory_mb > 0):
            raise RenderError("timeout and memory_mb must be positive")
        if self.collapse_by is not None and self.highlight is not None:
            raise RenderError(
                "a highlight marks touchpoints, which a collapsed diagram does not show"
            )
        if self.max_nodes is not None and self.max_nodes < 1:
            raise RenderError(f"max_nodes must be at least 1 (got {self.max_nodes})")

    def lang_for(self, journey_lang: str | None) -> str | None:
        """The language to draw in: the one asked for, else the journey's, else the project's."""
        return self.lang or journey_lang or self.default_lang


DEFAULTS: Final = Options()
"""Every option at its default."""


def page_themes(theme: str) -> tuple[str, ...]:
    """The diagrams a page in ``theme`` (one of ``PAGE_THEMES``) shows: light and dark for
    ``auto``, else the one.

    >>> page_themes("auto"), page_themes("print")
    (('light', 'dark'), ('print',))
    """
    return ("light", "dark") if theme == AUTO else (theme,)
