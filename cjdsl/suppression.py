"""Which diagnostics a document reports: inline ``# cjdsl: ignore[…]`` comments and the
codes a project enables.

A comment ``# cjdsl: ignore[CJ502, dead-end]`` (ids or names, comma-separated) suppresses
those codes for diagnostics whose span starts on its line, as ``# noqa`` does for ruff.
With ``Rules.report_unused`` (``cjdsl check --strict``) a suppression that suppressed
nothing, or names no code, is reported as CJ704. Then only the codes of
``Rules.enabled`` (the project's ``select``/``ignore``) are kept. The pipeline applies this
to every document, so the command line, the language server and the docs plugins report
the same diagnostics.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Final

from . import codes
from .diagnostics import Diagnostic, sort
from .source import SourceFile, Span

__all__ = ["DEFAULT", "MARKER", "Rules", "Suppression", "apply", "find"]

MARKER: Final = "cjdsl:"
_IGNORE: Final = re.compile(r"cjdsl:[ \t]*+ignore(?:\[([^\]\n]*+)\])?")
_CODE: Final = re.compile(r"[^,\s]++")


@dataclasses.dataclass(frozen=True, slots=True)
class Rules:
    """What a document reports beyond its own comments: the enabled code ids (``None``:
    all) and whether unused suppressions are reported (CJ704)."""

    enabled: frozenset[str] | None = None
    report_unused: bool = False


DEFAULT: Final = Rules()


@dataclasses.dataclass(frozen=True, slots=True)
class Suppression:
    """One ``cjdsl: ignore[…]`` comment: its line, the codes it names (with where each is
    written; ``None`` for one that names no code) and the comment's place."""

    line: int
    names: tuple[tuple[str, codes.Code | None, Span], ...]
    span: Span


def find(source: SourceFile) -> tuple[Suppression, ...]:
    """The suppressions of a text, in comments only (a ``#`` in a string is no comment).

    >>> text = 'journey "T"  # cjdsl: ignore[CJ206, dead-end]'
    >>> [(s.line, [n for n, _c, _s in s.names]) for s in find(SourceFile("x", text))]
    [(1, ['CJ206', 'dead-end'])]
    """
    if MARKER not in source.text:  # nearly every file: no comment is looked at
        return ()
    from .language import parsing  # the comment scanner the formatter uses

    found = []
    for comment in parsing.comments(source):
        match = _IGNORE.search(comment.text)
        if match is None:
            continue
        start = comment.span.start
        names = []
        if match.group(1) is not None:
            inside = start + match.start(1)
            for name in _CODE.finditer(match.group(1)):
                span = Span(source, inside + name.start(), inside + name.end())
                names.append((name.group(), codes.lookup(name.group()), span))
        span = Span(source, start + match.start(), start + match.end())
        found.append(Suppression(span.line, tuple(names), span))
    return tuple(found)


def apply(
    diagnostics: Iterable[Diagnostic], source: SourceFile, rules: Rules = DEFAULT
) -> tuple[Diagnostic, ...]:
    """The diagnostics ``source``'s comments and ``rules`` leave, sorted; with
    ``rules.report_unused``, CJ704 for each suppression that suppressed nothing."""
    found = list(diagnostics)
    suppressions = find(source)
    if suppressions:
        found, unused = _suppress(found, source, suppressions)
        if rules.report_unused:
            found += unused
    if rules.enabled is not None:
        found = [d for d in found if d.code.id in rules.enabled]
    return sort(found) if suppressions else tuple(found)


def _suppress(
    found: list[Diagnostic], source: SourceFile, suppressions: tuple[Suppression, ...]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    by_line = {s.line: s for s in suppressions}
    used: set[tuple[int, str]] = set()
    kept = []
    for d in found:
        suppression = by_line.get(d.span.line) if d.span.file is source else None
        if suppression is not None and any(c is d.code for _n, c, _s in suppression.names):
            used.add((suppression.line, d.code.id))
        else:
            kept.append(d)
    unused = []
    for suppression in suppressions:
        if not suppression.names:
            unused.append(
                _unused(suppression.span, "the suppression names no code", "name the codes")
            )
        for name, code, span in suppression.names:
            if code is None:
                hint = codes.suggest(name)
                unused.append(_unused(span, f"`{name}` is no diagnostic code", hint))
            elif (suppression.line, code.id) not in used:
                unused.append(
                    _unused(
                        span,
                        f"unused suppression: no {code.id} {code.name} on this line",
                        "remove it from the comment",
                    )
                )
    return kept, unused


def _unused(span: Span, message: str, hint: str | None) -> Diagnostic:
    return Diagnostic(
        codes.UNUSED_SUPPRESSION, message, span, label="suppresses nothing", hint=hint
    )
