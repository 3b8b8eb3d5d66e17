"""Edits the server proposes: "did you mean" quick fixes and whole-document formatting."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from ..language import formatting
from ..source import SourceFile
from . import convert

__all__ = ["format_document", "quick_fixes"]


def quick_fixes(
    uri: str, diagnostics: Sequence[types.Diagnostic], wanted: types.Range
) -> list[types.CodeAction]:
    """A quick fix for each diagnostic touching ``wanted`` whose hint says "did you mean `x`?".

    The replacement travels in the diagnostic's ``data`` (set when it was
    published); a client that drops ``data`` still has the hint in the message.
    """
    actions = []
    for found in diagnostics:
        if found.source != "cjdsl" or not _touches(found.range, wanted):
            continue
        replacement = None
        if isinstance(found.data, dict):
            replacement = found.data.get("replacement")
        if not isinstance(replacement, str):
            match = convert.DID_YOU_MEAN.search(found.message)
            replacement = match.group(1) if match else None
        if replacement is None:
            continue
        actions.append(
            types.CodeAction(
                title=f"Change to `{replacement}`",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[found],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(found.range, replacement)]}),
            )
        )
    return actions


def _touches(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def format_document(text: str, *, path: str, encoding: str = "utf-16") -> list[types.TextEdit]:
    """One edit replacing the whole text with ``cjdsl fmt``'s layout; none when the text
    is already formatted or has syntax errors (it is never rewritten then).

    A byte-order mark stays, as ``cjdsl fmt`` keeps it.

    >>> [e.new_text for e in format_document('\\ufeffjourney   "J"', path="x.journey")]
    ['\\ufeffjourney "J"\\n']
    """
    formatted = formatting.format_text(text, path=path)
    if formatted is None:
        return []
    formatted = "\ufeff" * text.startswith("\ufeff") + formatted
    if formatted == text:
        return []
    source = SourceFile(path, text)
    whole = types.Range(
        types.Position(0, 0), convert.to_position(source, len(text), encoding=encoding)
    )
    return [types.TextEdit(whole, formatted)]
