"""What a notebook shows of a journey: its diagram, its journey map, or its diagnostics.

Jupyter calls ``_repr_mimebundle_`` (or ``_repr_html_``/``_repr_svg_``) on the value
of a cell. ``Diagram`` draws a document with ``Options``: the SVG inline, every id
moved under a namespace made from the drawing itself (``svgids``), so diagrams on one
page never share an id unless they are the same drawing, and the notebook's saved
outputs do not change when it runs again. A document with errors shows them, as
``cjdsl check`` prints them, in place of a diagram; so does a drawing Graphviz
refuses. ``JourneyMap`` shows the journey map with its styles (scoped to the map).

>>> import cjdsl
>>> doc = cjdsl.loads('journey "J"\\nentry touchpoint a\\ngoal g\\na -> h', raise_on_error=False)
>>> page = Diagram(doc)._repr_html_()
>>> "error[CJ101]" in page and "&lt;string&gt;:4:6" in page and "<svg" not in page
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from .. import reporting, views
from ..diagnostics import Diagnostic, Severity
from ..errors import CjdslError, JourneyError
from ..rendering import journey_map, map_style
from ..rendering.options import DEFAULTS, Options
from . import svgids

if TYPE_CHECKING:
    from ..model import Journey
    from ..pipeline import Document

__all__ = ["Diagram", "JourneyMap", "diagnostics_html", "error_html", "journey_map_of"]

_DRAWN_AS: Final = "cjdsl"
"""The prefix the diagram is drawn with; ``svgids`` replaces it with the namespace."""
_ANSI: Final = {
    "\x1b[1;31m": '<span style="color:#d1242f;font-weight:bold">',
    "\x1b[1;33m": '<span style="color:#b35900;font-weight:bold">',
    "\x1b[1;36m": '<span style="color:#0969da;font-weight:bold">',
    "\x1b[1;34m": '<span style="color:#0969da;font-weight:bold">',
    "\x1b[1m": '<span style="font-weight:bold">',
    "\x1b[0m": "</span>",
}
"""``reporting``'s colours as HTML. Its text shows every control character of the
journey as an escape (``reporting.inert``), so these sequences are the only ones."""
_OPTIONS_HINT: Final = (
    "\n\nIn a notebook, the options are `%%journey --collapse stage --max-nodes 0 …` or "
    '`cjdsl.notebook.Diagram(doc, cjdsl.rendering.Options(collapse_by="stage", max_nodes=None))`.'
)
"""What the message of a drawing too big to lay out (which names ``cjdsl render``'s flags)
adds in a notebook."""
_BOX: Final = (
    "border-left:4px solid {colour};padding:6px 10px;margin:4px 0;overflow-x:auto;"
    "background:rgba(127,127,127,0.08)"
)


def diagnostics_html(diagnostics: Sequence[Diagnostic], *, folded: bool = False) -> str:
    """The diagnostics as ``cjdsl check`` prints them (source lines, carets, hints), in
    colour, under a line that counts them; ``folded``: closed until clicked (the warnings
    and infos under a diagram), else open."""
    text = html.escape(reporting.render_text(diagnostics, color=True), quote=False)
    for sequence, tag in _ANSI.items():
        text = text.replace(sequence, tag)
    errors = any(d.severity is Severity.ERROR for d in diagnostics)
    colour = "#d1242f" if errors else "#b35900"
    counts = ((s, sum(d.severity is s for d in diagnostics)) for s in Severity)
    summary = ", ".join(f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts if n)
    return (
        f'<details class="cjdsl-diagnostics" style="{_BOX.format(colour=colour)}"'
        f'{"" if folded else " open"}><summary style="font-weight:bold;cursor:pointer">'
        f"{summary}</summary>"
        f'<pre style="margin:4px 0 0;white-space:pre;line-height:1.35">{text}</pre></details>'
    )


def _sized(svg: str) -> str:
    """The SVG's root with a style that fits a wide diagram to the output's width down to
    half its size, and scrolls beyond that (a 4900 pt diagram fitted into a notebook's
    900 px is unreadable); a small one keeps its size."""
    start = svg.index("<svg")
    end = svg.find(">", start)
    root = svg[start:end]
    at = root.find(' width="')
    if at < 0 or end < 0:
        return svg[start:]
    value = root[at + 8 : root.find('"', at + 8)]
    number = value.removesuffix("pt").removesuffix("px")
    unit = value[len(number) :] or "px"
    try:
        width = float(number)
    except ValueError:
        return svg[start:]
    style = (
        f' style="width:100%;min-width:{width / 2:g}{unit};max-width:{width:g}{unit};height:auto"'
    )
    return svg[start:end] + style + svg[end:]


def error_html(message: str) -> str:
    """An error that is no diagnostic (Graphviz missing, a bad option), readably."""
    return (
        f'<div class="cjdsl-error" style="{_BOX.format(colour="#d1242f")}">'
        f'<pre style="margin:0;white-space:pre-wrap">{html.escape(message)}</pre></div>'
    )


def _plain_text(diagnostics: Iterable[Diagnostic]) -> str:
    return reporting.render_text(diagnostics)


@dataclasses.dataclass(frozen=True, slots=True)
class Diagram:
    """A document drawn with ``options``, as a notebook shows it.

    ``svg()`` gives the namespaced SVG (raising what ``cjdsl.render`` raises); the
    ``_repr_*_`` methods never raise: they show the errors instead.
    """

    document: Document
    options: Options = DEFAULTS

    def svg(self) -> str:
        """The diagram as SVG text, its ids under a namespace of its own.

        Raises:
            JourneyError: the document has errors (its ``diagnostics`` say which).
            RenderError: a bad option, or Graphviz missing, failing or timing out.
        """
        doc = self.document
        if doc.journey is None or not doc.ok:
            raise JourneyError("the journey has errors: nothing to draw", doc.diagnostics)
        drawn = views.render(doc.journey, options=self.options, prefix=_DRAWN_AS)
        name = "nb" + hashlib.sha256(drawn).hexdigest()[:10]
        return svgids.namespace(drawn.decode("utf-8"), name, old=_DRAWN_AS)

    def _shown(self) -> tuple[str | None, str]:
        """The SVG (``None`` when there is none to show) and the HTML to show."""
        doc = self.document
        if doc.journey is None or not doc.ok:
            return None, diagnostics_html(doc.diagnostics)
        try:
            svg = self.svg()
        except CjdslError as error:
            hint = _OPTIONS_HINT if "--max-nodes" in str(error) else ""
            return None, error_html(str(error) + hint)
        # The XML prolog and DOCTYPE have no place in HTML.
        shown = f'<div class="cjdsl-diagram" style="overflow-x:auto">{_sized(svg)}</div>'
        if doc.diagnostics:
            shown += diagnostics_html(doc.diagnostics, folded=True)
        return svg, shown

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """HTML (and the SVG alone, for front ends that prefer it), drawn once."""
        svg, shown = self._shown()
        bundle = {"text/html": shown, "text/plain": self._plain(svg is not None)}
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle

    def _repr_html_(self) -> str:
        return self._shown()[1]

    def _repr_svg_(self) -> str | None:
        return self._shown()[0]

    def _plain(self, drawn: bool) -> str:
        doc = self.document
        title = doc.journey.title if doc.journey is not None else doc.source.path
        if drawn or doc.ok:
            return f"<journey {title!r}: {_counted(doc)}>"
        return _plain_text(doc.diagnostics)


def _counted(doc: Document) -> str:
    journey = doc.journey
    nodes = len(journey.touchpoints) if journey is not None else 0
    found = f", {reporting.summary(doc.diagnostics, 1)}" if doc.diagnostics else ""
    return f"{nodes} nodes{found}".replace(" in 1 file", "")


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class JourneyMap:
    """The journey map of one view, shown inline in a notebook.

    ``html`` is the map as an HTML fragment (what the docs plugins embed; style it with
    ``rendering.map_style.CSS``), ``page`` a self-contained HTML page (what
    ``cjdsl render -f html`` writes); a notebook shows the fragment with its styles.
    """

    html: str
    page: str
    title: str
    persona: str | None = None
    note: str | None = None

    def __repr__(self) -> str:
        who = f" for {self.persona!r}" if self.persona else ""
        return f"<journey map of {self.title!r}{who}>"

    def _repr_html_(self) -> str:
        return f"<style>{map_style.CSS}</style>\n{self.html}"

    def __str__(self) -> str:
        return self.html


def journey_map_of(
    journey: Journey | Document, *, persona: str | None = None, theme: str = "light"
) -> JourneyMap:
    """The journey map of ``journey`` for ``persona``, with the analysis it shows.

    Raises:
        JourneyError: a document with errors.
        ValueError: an unknown persona or theme.
    """
    from ..model import Journey

    if isinstance(journey, Journey):
        model = journey
    else:
        if journey.journey is None or not journey.ok:
            raise JourneyError("the journey has errors: no map to draw", journey.diagnostics)
        model = journey.journey
    report, note = views.map_report(model, persona=persona)
    found = views.findings(model, persona=persona)
    fragment = journey_map.fragment(
        model, report, findings=found, persona=persona, theme=theme, note=note
    )
    page = journey_map.document(
        model, report, findings=found, persona=persona, theme=theme, note=note
    )
    return JourneyMap(fragment, page, model.title, persona, note)
