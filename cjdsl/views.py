"""What a view of a journey is drawn from, computed once for every front end.

Rendering draws what it is given and runs no checks or analyses. This module asks
them for the view the ``Options`` select and hands their answers over: the checks'
``findings`` (flags, safe links), the analysis overlay of a highlight
(``overlay_of``), the ``collapsed`` flows of a diagram drawn by stage or channel,
and the ``map_report`` of the journey map. ``render`` does all of it for one
diagram; the command line, watch, the preview, the docs plugins and ``cjdsl.render``
call it. NumPy and SciPy are imported only by the views that analyse, so a plain
diagram starts without them.

>>> import cjdsl
>>> doc = cjdsl.loads('journey "J"\\nentry touchpoint a\\ntouchpoint b\\ngoal g\\na -> g\\na -> b')
>>> findings(doc.journey).dead_ends
frozenset({'b'})
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import graph as graphs
from . import model, personas, rendering
from .checks import numbers, structure
from .errors import RenderError
from .rendering.options import DEFAULTS, Options

if TYPE_CHECKING:
    from .analysis import report as reports
    from .analysis.aggregate import Collapsed

__all__ = ["collapsed", "findings", "map_report", "overlay_of", "render"]


def findings(journey: model.Journey, *, persona: str | None = None) -> rendering.Findings:
    """What the checks find in the view of ``persona`` (everyone's when ``None``): its
    unreachable touchpoints and dead ends (CJ202, CJ201 on the persona's graph), and the
    touchpoints whose link is safe to draw (CJ304's test)."""
    graph = graphs.build(journey, persona=persona)
    return rendering.Findings(
        unreachable=frozenset(d.span.text for d in structure.unreachable(journey, graph)),
        dead_ends=frozenset(d.span.text for d in structure.dead_ends(journey, graph)),
        links=frozenset(
            t.id for t in journey.touchpoints if t.link and numbers.link_is_safe(t.link)
        ),
    )


def overlay_of(
    journey: model.Journey,
    *,
    highlight: str | None,
    persona: str | None = None,
    lang: str | None = None,
) -> rendering.Overlay | None:
    """The overlay of ``highlight`` (one of ``overlay.HIGHLIGHTS``; ``None``: no overlay),
    from the analysis of what ``persona`` meets, its caption in ``lang``.

    Raises:
        RenderError: an unknown persona.
    """
    if highlight is None:
        return None
    from . import analysis  # NumPy and SciPy: only for a highlight

    try:
        report = analysis.analyze(journey, persona=persona)
    except ValueError as error:  # the persona: every other argument is the default
        raise RenderError(str(error)) from error
    return rendering.overlay.from_report(report, highlight, lang)


def collapsed(journey: model.Journey, options: Options) -> Collapsed | None:
    """The flows between stages or channels that ``options.collapse_by`` draws, or ``None``."""
    if options.collapse_by is None:
        return None
    from .analysis import aggregate  # NumPy and SciPy: only for a collapsed diagram

    return aggregate.collapse(journey, by=options.collapse_by, persona=options.persona)


def render(
    journey: model.Journey,
    *,
    format_: str = "svg",
    options: Options = DEFAULTS,
    prefix: str | None = None,
    overlay: rendering.Overlay | None = None,
) -> bytes:
    """``rendering.render`` with what the view needs computed: the findings, the overlay of
    ``options.highlight`` (unless ``overlay`` is given) and the collapsed flows.

    What rendering would refuse (a bad format, persona or prefix, a journey too big to
    lay out) is refused before the analysis runs, not after it.

    Raises:
        RenderError: as ``rendering.render``.
    """
    collapsing = options.collapse_by is not None
    rendering.check(
        journey,
        format_=format_,
        options=options,
        prefix=prefix,
        overlaid=overlay is not None,
        collapsed=collapsing,
    )
    if overlay is None and not collapsing:
        overlay = overlay_of(
            journey,
            highlight=options.highlight,
            persona=options.persona,
            lang=options.lang_for(journey.lang),
        )
    return rendering.render(
        journey,
        format_=format_,
        options=options,
        findings=findings(journey, persona=options.persona),
        overlay=overlay,
        collapsed=collapsed(journey, options),
        prefix=prefix,
    )


def map_report(
    journey: model.Journey, *, persona: str | None = None
) -> tuple[reports.Report | None, str | None]:
    """The analysis the journey map shows, or ``None`` and the reason it could not be made.

    A map is worth having without its figures: if the analysis fails on a
    journey (a numerical problem, a bug in it), the map is still drawn and
    says in place of the highlights why they are missing; callers warn too.

    Raises:
        ValueError: an unknown persona: the user's mistake, not the analysis's.
    """
    from . import analysis  # NumPy and SciPy: only for the map

    personas.choose(journey, persona)
    try:
        return analysis.analyze(journey, persona=persona), None
    except Exception as error:
        return None, f"the analysis failed: {type(error).__name__}: {error}"
