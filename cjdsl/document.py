"""The pipeline in one call: text to a checked ``Document``.

``compile_source`` never raises for bad input; the façade in ``cjdsl``
decides whether errors become a ``JourneyError``.
"""

from __future__ import annotations

import dataclasses
import pathlib

import networkx as nx

from . import checks, codes, graph, lowering, model, parsing
from .diagnostics import Diagnostic, has_errors, sort
from .source import SourceFile, Span

__all__ = ["Document", "compile_bytes", "compile_source", "decode", "read_file"]


@dataclasses.dataclass(frozen=True, slots=True)
class Document:
    """A checked journey: the model (``None`` if it could not be built) and all diagnostics."""

    source: SourceFile
    parsed: parsing.Parsed
    journey: model.Journey | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not has_errors(self.diagnostics)

    def graph(self, *, persona: str | None = None) -> nx.DiGraph:
        """The journey graph of ``persona`` (everyone's when ``None``)."""
        if self.journey is None:
            return nx.DiGraph()
        return graph.build(self.journey, persona=persona)


def read_file(path: pathlib.Path) -> str:
    """Read an import: UTF-8 (a BOM is dropped); raises ``OSError``/``UnicodeDecodeError``."""
    return path.read_bytes().decode("utf-8-sig")


def decode(data: bytes, path: str) -> tuple[SourceFile, Diagnostic | None]:
    """Decode file bytes as UTF-8, reporting bad bytes and NULs as CJ006."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8-sig", errors="replace")
        source = SourceFile(path, text)
        at = len(data[: error.start].decode("utf-8-sig", errors="replace"))
        return source, Diagnostic(
            codes.INVALID_ENCODING,
            f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x})",
            Span(source, at, at + 1),
            label="cannot decode this byte",
            hint="save the file as UTF-8",
        )
    source = SourceFile(path, text)
    nul = text.find("\0")
    if nul >= 0:
        return source, Diagnostic(
            codes.INVALID_ENCODING,
            "the file contains a NUL character",
            Span(source, nul, nul + 1),
            label="NUL here",
            hint="remove it; is this a binary file?",
        )
    return source, None


def compile_source(source: SourceFile, *, read: lowering.Reader | None = read_file) -> Document:
    """Parse, lower and check one source.

    With syntax errors, the model is still built from what parsed (for
    editors), but only syntax and literal diagnostics are reported: unknown
    references and graph findings would mostly echo the syntax error. With
    unknown references, the structure checks (CJ2xx) are held back likewise.
    """
    parsed = parsing.parse(source)
    journey, lowered = lowering.lower(parsed, read=read)
    found: list[Diagnostic] = [*parsed.diagnostics]
    if parsed.diagnostics:
        found += [d for d in lowered if d.code is not codes.UNKNOWN_REFERENCE]
    else:
        found += lowered
        if journey is not None:
            findings = checks.run(journey, graph.build(journey))
            if has_errors(lowered):  # a graph with holes: its structure findings mislead
                findings = [d for d in findings if not d.code.id.startswith("CJ2")]
            found += findings
    return Document(source, parsed, journey, sort(found))


def compile_bytes(data: bytes, path: str, *, read: lowering.Reader | None = read_file) -> Document:
    """Decode file bytes and compile them; bad encoding gives a document with one CJ006."""
    source, problem = decode(data, path)
    if problem is not None:
        return Document(source, parsing.Parsed(source, None, (), ()), None, (problem,))
    return compile_source(source, read=read)
