"""What the server knows about each open document: its last compile, cached by version.

Compiling is pure (``compile``), so the server may run it in a worker
thread; imports are read from the editor's unsaved buffers first, then from
disk, so an edit in an open imported file shows in its importers at once.
"""

from __future__ import annotations

import dataclasses
import pathlib
from collections.abc import Mapping

from .. import configuration, files, model, pipeline, suppression
from ..pipeline import Document
from ..source import SourceFile, Span
from . import convert, index

__all__ = ["Analysis", "State", "analyse", "imports", "project_rules"]


@dataclasses.dataclass(frozen=True, slots=True)
class Analysis:
    """One compile of one version of a pipeline, with its id index and imports."""

    uri: str
    version: int | None
    text: str
    document: Document
    imports: tuple[tuple[str, Span], ...]
    """Each imported file (resolved path) with the span of the string that imports it."""
    _built: dict[str, index.Index] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def index(self) -> index.Index:
        """Where ids occur; built on the first request that needs it, not for diagnostics."""
        if "index" not in self._built:
            self._built["index"] = index.build(self.document)
        return self._built["index"]

    @property
    def journey(self) -> model.Journey | None:
        """The model of this version; ``None`` only when nothing could be parsed."""
        return self.document.journey


def analyse(
    uri: str, version: int | None, text: str, *, buffers: Mapping[str, str] | None = None
) -> Analysis:
    """Compile a document's text the way ``cjdsl check`` does.

    Imports resolve relative to the document's file; ``buffers`` maps the
    resolved paths of open documents to their unsaved text.
    """
    path = convert.uri_to_path(uri) or uri
    open_buffers = dict(buffers or {})

    def read(target: pathlib.Path) -> bytes:
        key = str(target.resolve())
        if key in open_buffers:
            return open_buffers[key].encode("utf-8", "surrogatepass")
        return files.read_bounded(target)

    source = SourceFile(path, text.removeprefix("\ufeff"))
    rules, root = project_rules(path)
    compiled = pipeline.compile(source, read=read, rules=rules, root=root).document
    journey = compiled.journey
    return Analysis(uri, version, text, compiled, imports(journey, source))


def project_rules(path: str) -> tuple[suppression.Rules, pathlib.Path | None]:
    """What the project's configuration (the nearest ``cjdsl.toml`` or ``[tool.cjdsl]``)
    says a document reports, and its import root: the editor shows what `cjdsl check`
    does. Looked up at every check (a few small reads), so an edited configuration counts
    at the next keystroke; a document without a file takes the defaults."""
    if path.startswith("untitled:") or not pathlib.Path(path).is_absolute():
        return suppression.DEFAULT, None
    settings = configuration.Finder().for_path(path).settings
    return suppression.Rules(settings.enabled, report_unused=settings.strict), settings.import_root


def imports(journey: model.Journey | None, source: SourceFile) -> tuple[tuple[str, Span], ...]:
    """The imports of a compiled source: resolved path and the span of the imported string.

    >>> doc = pipeline.compile_source(SourceFile("/a/b.journey", 'import "c.journey"'), read=None)
    >>> [(pathlib.Path(p).name, s.text) for p, s in imports(doc.journey, doc.source)]
    [('c.journey', '"c.journey"')]
    """
    if journey is None:
        return ()
    base = pathlib.Path(source.path).parent
    return tuple((str((base / ref.id).resolve()), ref.span) for ref in journey.import_refs)


class State:
    """The latest analysis of each open pipeline, and who imports whom."""

    def __init__(self) -> None:
        self._analyses: dict[str, Analysis] = {}
        self._last_journey: dict[str, model.Journey] = {}

    def get(self, uri: str, version: int | None, text: str) -> Analysis | None:
        """The cached analysis if it is of exactly this version and text."""
        found = self._analyses.get(uri)
        if found is not None and found.version == version and found.text == text:
            return found
        return None

    def store(self, analysis: Analysis) -> None:
        """Keep an analysis (and its model, for completion while the text is broken)."""
        self._analyses[analysis.uri] = analysis
        if analysis.journey is not None:
            self._last_journey[analysis.uri] = analysis.journey

    def forget(self, uri: str) -> None:
        """Drop a closed document."""
        self._analyses.pop(uri, None)
        self._last_journey.pop(uri, None)

    def invalidate(self, uri: str) -> None:
        """Compile the document again next time: a file it imports has changed."""
        self._analyses.pop(uri, None)

    def last_journey(self, uri: str) -> model.Journey | None:
        """The newest model built for the pipeline, even from an older version."""
        return self._last_journey.get(uri)

    def importers(self, uri: str) -> list[str]:
        """The open documents that import the file of ``uri``."""
        path = convert.uri_to_path(uri)
        if path is None:
            return []
        target = str(pathlib.Path(path).resolve())
        return [
            other
            for other, analysis in self._analyses.items()
            if other != uri and any(p == target for p, _ in analysis.imports)
        ]
