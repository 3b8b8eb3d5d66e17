"""Positions, ranges and diagnostics in the protocol's terms.

LSP columns count code units of the negotiated encoding: UTF-16 by default
(so `ü` is one unit and an emoji two), UTF-8 or UTF-32 when the client
prefers them. Offsets here are Python string indices (code points).

>>> from cjdsl.source import SourceFile
>>> source = SourceFile("x", "ä😀b\\nc")
>>> str(to_position(source, 2)), str(to_position(source, 2, encoding="utf-8"))
('0:3', '0:6')
>>> to_offset(source, types.Position(0, 3)), to_offset(source, types.Position(1, 0))
(2, 4)
"""

from __future__ import annotations

import pathlib
import re
import urllib.parse
from collections.abc import Sequence
from typing import Final

from lsprotocol import types

from .. import codes
from ..diagnostics import Diagnostic, Severity
from ..source import SourceFile, Span

__all__ = [
    "DID_YOU_MEAN",
    "ENCODINGS",
    "diagnostic",
    "docs_anchor",
    "path_to_uri",
    "to_offset",
    "to_position",
    "to_range",
    "uri_to_path",
]

ENCODINGS: Final = ("utf-16", "utf-8", "utf-32")
DID_YOU_MEAN: Final = re.compile(r"did you mean `([^`]+)`\?")
"""The hint a quick fix can apply: the replacement is the quoted text."""

_SEVERITIES: Final = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_UNIT: Final = {"utf-16": ("utf-16-le", 2), "utf-8": ("utf-8", 1), "utf-32": ("utf-32-le", 4)}


def _units(text: str, encoding: str) -> int:
    codec, width = _UNIT[encoding]
    if encoding == "utf-32":
        return len(text)
    return len(text.encode(codec, errors="surrogatepass")) // width


def to_position(source: SourceFile, offset: int, *, encoding: str = "utf-16") -> types.Position:
    """The protocol position of a character offset."""
    line, col = source.line_col(offset)
    prefix = source.line_text(line)[: col - 1] if line <= source.line_count else ""
    return types.Position(line - 1, _units(prefix, encoding))


def to_offset(source: SourceFile, position: types.Position, *, encoding: str = "utf-16") -> int:
    """The character offset of a protocol position, clamped to the text.

    A column past the end of its line means the end of the line; one inside
    a character (half a surrogate pair) means that character's start.
    """
    if position.line >= source.line_count:
        return len(source.text)
    start = source._line_starts[position.line]  # SourceFile's own table: no second copy
    line = source.line_text(position.line + 1)
    units = 0
    for index, char in enumerate(line):
        units += _units(char, encoding)
        if units > position.character:
            return start + index
    return start + len(line)


def to_range(span: Span, *, encoding: str = "utf-16") -> types.Range:
    """The protocol range of a span."""
    return types.Range(
        to_position(span.file, span.start, encoding=encoding),
        to_position(span.file, span.end, encoding=encoding),
    )


def docs_anchor(code: codes.Code) -> str:
    """The anchor of a code on the diagnostics page (as ``codes.markdown`` writes it)."""
    return f"#{code.id.lower()}-{code.name}"


def diagnostic(
    found: Diagnostic,
    source: SourceFile,
    *,
    encoding: str = "utf-16",
    docs: str | None = None,
    imports: Sequence[tuple[str, Span]] = (),
) -> types.Diagnostic:
    """A cjdsl diagnostic as the protocol's, with its code, docs link and hint.

    A finding in an imported file is shown on the ``import`` line that leads
    to it (``imports``: the imported path and the span of its import), with
    the real place as related information.
    """
    span = found.span
    message = found.message + (f"\nhelp: {found.hint}" if found.hint else "")
    related = [
        types.DiagnosticRelatedInformation(
            types.Location(path_to_uri(r.span.file.path), to_range(r.span, encoding=encoding)),
            r.message,
        )
        for r in found.related
    ]
    if span.file is not source:
        elsewhere = types.Location(path_to_uri(span.file.path), to_range(span, encoding=encoding))
        related.insert(0, types.DiagnosticRelatedInformation(elsewhere, found.message))
        message = f"{span}: {message}"
        span = _import_of(span.file.path, imports) or Span(source, 0, 0)
    fix = DID_YOU_MEAN.search(found.hint or "")
    return types.Diagnostic(
        range=to_range(span, encoding=encoding),
        message=message,
        severity=_SEVERITIES[found.severity],
        code=found.code.id,
        code_description=types.CodeDescription(docs + docs_anchor(found.code)) if docs else None,
        source="cjdsl",
        related_information=related or None,
        data={"replacement": fix.group(1)} if fix and found.span.file is source else None,
    )


def _import_of(path: str, imports: Sequence[tuple[str, Span]]) -> Span | None:
    target = pathlib.Path(path).resolve()
    for imported, span in imports:
        if pathlib.Path(imported).resolve() == target:
            return span
    return imports[0][1] if imports else None


def path_to_uri(path: str) -> str:
    """A ``file:`` URI for a path (made absolute)."""
    return pathlib.Path(path).absolute().as_uri()


def uri_to_path(uri: str) -> str | None:
    """The local path of a ``file:`` URI; ``None`` for other schemes (``untitled:`` …)."""
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = urllib.parse.unquote(parsed.path)
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    return path
