"""Go to definition, find references and the outline (document symbols).

Each function takes the document's ``Index`` and answers in protocol types;
a declaration in an imported file is a location in that file.
"""

from __future__ import annotations

from typing import Final

from lsprotocol import types

from .. import model
from ..source import Span
from . import convert
from .index import Index, Occurrence

__all__ = ["definition", "references", "symbols"]

_SYMBOL_KINDS: Final = {
    "touchpoint": types.SymbolKind.Event,
    "goal": types.SymbolKind.Constant,
    "exit": types.SymbolKind.Null,
    "stage": types.SymbolKind.Namespace,
    "persona": types.SymbolKind.Class,
    "channel": types.SymbolKind.Interface,
}


def _location(span: Span, encoding: str) -> types.Location:
    return types.Location(
        convert.path_to_uri(span.file.path), convert.to_range(span, encoding=encoding)
    )


def definition(
    index: Index, offset: int, *, uri: str, encoding: str = "utf-16"
) -> types.Location | None:
    """Where the id under ``offset`` is declared."""
    at = index.at(offset)
    found = index.declaration(at) if at else None
    if found is None:
        return None
    return _location_in(found, index, uri, encoding)


def references(
    index: Index, offset: int, *, uri: str, include_declaration: bool, encoding: str = "utf-16"
) -> list[types.Location]:
    """Every place the id under ``offset`` is written."""
    at = index.at(offset)
    if at is None:
        return []
    return [
        _location_in(o, index, uri, encoding)
        for o in index.references(at, include_declaration=include_declaration)
    ]


def _location_in(occurrence: Occurrence, index: Index, uri: str, encoding: str) -> types.Location:
    """The location of an occurrence; one in the open document keeps the document's URI
    (which may not be a ``file:`` one)."""
    if occurrence.span.file is index.source:
        return types.Location(uri, convert.to_range(occurrence.span, encoding=encoding))
    return _location(occurrence.span, encoding)


def symbols(index: Index, *, encoding: str = "utf-16") -> list[types.DocumentSymbol]:
    """The outline: personas, channels, then stages with their touchpoints, goals and exits,
    then nodes outside any stage, in the order written."""
    journey = index.journey
    if journey is None:
        return []
    here = index.source

    def symbol(
        kind: str,
        name: str,
        label: str,
        span: Span,
        name_span: Span,
        children: list[types.DocumentSymbol] | None = None,
    ) -> types.DocumentSymbol:
        return types.DocumentSymbol(
            name=name,
            detail=label if label != name else kind,
            kind=_SYMBOL_KINDS[kind],
            range=convert.to_range(span, encoding=encoding),
            selection_range=convert.to_range(name_span, encoding=encoding),
            children=children,
        )

    def node(n: model.Touchpoint) -> types.DocumentSymbol:
        return symbol(n.kind.value, n.id, n.label, n.span, n.name_span)

    out: list[tuple[int, types.DocumentSymbol]] = []
    for p in journey.personas:
        if p.span.file is here:
            out.append((p.span.start, symbol("persona", p.id, p.label, p.span, p.name_span)))
    for c in journey.channels:
        if c.span.file is here:
            out.append((c.span.start, symbol("channel", c.id, c.label, c.span, c.name_span)))
    for s in journey.stages:
        children = [node(n) for t in s.touchpoints if (n := journey.touchpoint(t)) is not None]
        out.append((s.span.start, symbol("stage", s.id, s.label, s.span, s.name_span, children)))
    for n in journey.touchpoints:
        if n.stage is None:
            out.append((n.span.start, node(n)))
    out.sort(key=lambda pair: pair[0])
    return [s for _, s in out]
