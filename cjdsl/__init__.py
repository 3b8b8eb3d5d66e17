"""cjdsl: customer journeys as code.

>>> import cjdsl
>>> text = 'journey "Shop"\\nentry touchpoint ad "Ad"\\ngoal bought "Bought"\\nad -> bought 40%'
>>> doc = cjdsl.loads(text)
>>> doc.journey.title, [t.id for t in doc.journey.touchpoints]
('Shop', ['ad', 'bought'])

The package imports nothing until a name is used (PEP 562), so ``cjdsl --version``
and ``cjdsl explain`` start without the parser, NetworkX or NumPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pathlib

    from .diagnostics import Diagnostic, Severity
    from .errors import CjdslError, JourneyError, RenderError
    from .model import Journey
    from .notebook import JourneyMap
    from .pipeline import Document
    from .rendering import Options, Overlay

__all__ = [
    "CjdslError",
    "Diagnostic",
    "Document",
    "Journey",
    "JourneyError",
    "RenderError",
    "Severity",
    "__version__",
    "dumps",
    "journey_map",
    "load",
    "loads",
    "meaning",
    "render",
]

__version__ = "0.1.0"

_LAZY: Final = {
    "CjdslError": "errors",
    "Diagnostic": "diagnostics",
    "Document": "pipeline",
    "Journey": "model",
    "JourneyError": "errors",
    "RenderError": "errors",
    "Severity": "diagnostics",
}
"""Each public class and the module that defines it, imported on first use."""


def __getattr__(name: str) -> object:
    """A public class, imported on first use; or a submodule (``cjdsl.model``) not yet imported."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # the next lookup is a plain attribute
        return value
    from importlib.util import find_spec

    if not name.startswith("_") and find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def loads(text: str, *, path: str = "<string>", raise_on_error: bool = True) -> Document:
    """Parse and check journey text.

    Imports resolve relative to ``path``'s folder.

    Raises:
        JourneyError: the text has errors (unless ``raise_on_error=False``);
            its ``diagnostics`` hold every finding.
    """
    from . import pipeline
    from .source import SourceFile

    source = SourceFile(path, text.removeprefix("\ufeff"))
    return _checked(pipeline.compile_source(source), raise_on_error)


def load(path: str | pathlib.Path, *, raise_on_error: bool = True) -> Document:
    """Read, parse and check a ``.journey`` file.

    Raises:
        JourneyError: the file has errors, including invalid UTF-8 (unless
            ``raise_on_error=False``).
        OSError: the file cannot be read.
    """
    import pathlib

    from . import files, pipeline

    data = files.read_bounded(pathlib.Path(path))
    return _checked(pipeline.compile_bytes(data, str(path)), raise_on_error)


def dumps(journey: Journey | Document, *, keep_imports: bool = False) -> str:
    """A journey as canonical ``.journey`` text (what ``cjdsl fmt`` writes), meaning the
    same journey: ``meaning(loads(dumps(j)).journey) == meaning(j)``.

    Self-contained unless ``keep_imports``: imported personas and channels are written
    out and no ``import`` line is.

    >>> print(dumps(loads('journey "J";entry touchpoint a;goal b;a->b 40%')), end="")
    journey "J"
    <BLANKLINE>
    entry touchpoint a
    goal b
    <BLANKLINE>
    a -> b  40%

    Raises:
        JourneyError: a document without a journey.
        ValueError: the model holds something no text can say (an id that is no id).
    """
    from .errors import JourneyError
    from .language import writing
    from .pipeline import Document

    model = journey.journey if isinstance(journey, Document) else journey
    if model is None:
        raise JourneyError(
            "the document has no journey to write", getattr(journey, "diagnostics", ())
        )
    return writing.dumps(model, keep_imports=keep_imports)


def meaning(journey: Journey) -> object:
    """What a journey says, without where it was written: equal for two journeys that every
    check, analysis and rendering treats alike (``model.meaning``)."""
    from . import model

    return model.meaning(journey)


def _checked(doc: Document, raise_on_error: bool) -> Document:
    from .diagnostics import Severity
    from .errors import JourneyError

    if raise_on_error and not doc.ok:
        errors = [d for d in doc.diagnostics if d.severity is Severity.ERROR]
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise JourneyError(f"{first.span}: {first.message}{more}", doc.diagnostics)
    return doc


def render(
    journey: Journey | Document,
    *,
    format: str = "svg",
    options: Options | None = None,
    prefix: str | None = None,
    overlay: Overlay | None = None,
    **keywords: Any,
) -> bytes:
    """Render a journey to ``svg``, ``png``, ``pdf``, ``dot`` or ``json`` bytes.

    How to draw is one ``cjdsl.rendering.Options`` (``options``) or its fields as
    keywords (``persona``, ``theme``, ``direction``, ``engine``, ``timeout``,
    ``memory_mb``, ``collapse_by``, ``max_nodes``, ``highlight``), which change
    ``options`` when both are given. ``prefix`` is the SVG id prefix; ``overlay``
    (``rendering.overlay.from_report``) draws analysis results of your own. The
    checks' findings, the highlight's analysis and the collapsed flows are computed
    here (``cjdsl.views``): rendering draws what it is given.

    Raises:
        RenderError: a bad option, a journey over ``max_nodes``, or Graphviz
            missing, failing or timing out.
    """
    import dataclasses

    from . import views
    from .errors import JourneyError
    from .pipeline import Document
    from .rendering.options import Options

    model = journey.journey if isinstance(journey, Document) else journey
    if model is None:
        raise JourneyError(
            "the document has no journey to render", getattr(journey, "diagnostics", ())
        )
    chosen = Options(**keywords) if options is None else dataclasses.replace(options, **keywords)
    return views.render(model, format_=format, options=chosen, prefix=prefix, overlay=overlay)


def journey_map(
    journey: Journey | Document, *, persona: str | None = None, theme: str = "light"
) -> JourneyMap:
    """The journey map of ``persona`` (everyone's when ``None``), with the analysis it shows.

    A notebook shows it inline; ``.html`` is the map as an HTML fragment to embed (styled
    by ``cjdsl.rendering.map_style.CSS``), ``.page`` a self-contained HTML page, what
    ``cjdsl render -f html`` writes. ``theme``: ``light``, ``dark``, ``print`` or
    ``auto`` (the page's colour scheme).

    Raises:
        JourneyError: a document with errors.
        ValueError: an unknown persona or theme.
    """
    from .notebook import display

    return display.journey_map_of(journey, persona=persona, theme=theme)


def load_ipython_extension(shell: object) -> None:
    """``%load_ext cjdsl``: register the ``%%journey`` cell magic (``cjdsl.notebook.magic``).

    IPython is imported only here, when a notebook asks for the extension.
    """
    from . import notebook

    notebook.load_ipython_extension(shell)
