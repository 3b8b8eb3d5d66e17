"""Completion: what may be typed at the cursor, read from the text before it.

Ids after ``->``, channels after ``@``, personas after ``for`` (and after a
comma in a ``for`` list), keywords at the start of a statement, attribute
names inside a block. The ids come from the model; the context from the
lexer, so it works while the line being typed does not parse yet.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Final

from lsprotocol import types

from .. import model
from ..language import vocabulary
from ..source import SourceFile
from . import convert, tokens

__all__ = ["ATTRIBUTE_FORMS", "Context", "complete", "context"]

ATTRIBUTE_FORMS: Final = {a.name: a.form for a in vocabulary.ATTRIBUTES}
"""How each attribute is written: the completion's detail."""

_TOP: Final = vocabulary.statement_names()
"""Keywords that start a statement (``for`` and ``after`` only follow a target)."""
_IN_STAGE: Final = (
    *(s.keyword for s in vocabulary.STATEMENTS if not s.top_only),
    *vocabulary.names("stage"),
)
_IN_SCENARIO: Final = (
    "stage",
    *(s.keyword for s in vocabulary.STATEMENTS if not s.top_only),
    "change",
    "remove",
    "description",
)
"""What a scenario's lines start with (docs/scenarios.md)."""
_BLOCK_ATTRIBUTES: Final[dict[str, Sequence[str]]] = {
    "journey": vocabulary.names("journey"),
    "persona": vocabulary.names("persona"),
    "channel": vocabulary.names("channel"),
    "node": vocabulary.names("node"),
    "process": vocabulary.names("process"),
}
_OWNERS: Final = {
    "journey": "journey",
    "persona": "persona",
    "channel": "channel",
    "stage": "stage",
    "process": "process",
    "scenario": "scenario",
    "change": "node",
    **{s.keyword: "node" for s in vocabulary.STATEMENTS if not s.top_only},
}
_PARTIAL: Final = re.compile(r"(?<![\w-])[^\W\d][\w-]*\Z")
_BOUNDARY: Final = ("\n", ";", "{", "}")


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    """What the cursor is about to type: ``what`` (``node``, ``channel``, ``persona``,
    ``statement``, ``attribute``, ``entry`` or ``none``), in which block (``top``,
    ``stage``, ``node`` …), the partial word typed so far from ``start``, and the
    persona names already in the ``for`` list."""

    what: str
    block: str
    start: int
    listed: tuple[str, ...] = ()


def context(text: str, offset: int) -> Context:
    """The completion context at ``offset``.

    >>> context("a -> sh", 7)
    Context(what='node', block='top', start=5, listed=())
    >>> context("touchpoint x @w", 15).what, context("a -> b for anna, ", 17)
    ('channel', Context(what='persona', block='top', start=17, listed=('anna',)))
    >>> context('stage s {\\n  touchpoint t {\\n    em', 33)
    Context(what='attribute', block='node', start=31, listed=())
    """
    partial = _PARTIAL.search(text, 0, offset)
    start = partial.start() if partial else offset
    upto = list(tokens.scan(text, 0, offset))
    inside = upto[-1] if upto and upto[-1].end == offset else None
    if inside and (inside.kind == "comment" or (inside.kind == "string" and _open(inside))):
        return Context("none", "top", offset)
    before = [t for t in upto if t.end <= start]
    stack: list[str] = []
    statement: list[tokens.Token] = []
    for token in before:
        if token.kind == "comment":
            continue
        if token.text in _BOUNDARY:
            if token.text == "{":
                first = statement[0].text if statement else ""
                stack.append(_OWNERS.get(first, "other"))
            elif token.text == "}" and stack:
                stack.pop()
            statement = []
        else:
            statement.append(token)
    block = stack[-1] if stack else "top"
    return Context(_what(statement, block), block, start, _listed(statement))


def _open(token: tokens.Token) -> bool:
    text = token.text
    if text.startswith('"""'):
        return len(text) < 6 or not text.endswith('"""')
    return len(text) < 2 or not text.endswith('"') or text.endswith('\\"')


def _what(statement: Sequence[tokens.Token], block: str) -> str:
    if not statement:
        if block in _BLOCK_ATTRIBUTES:
            return "attribute"
        return "statement" if block in ("top", "stage", "scenario") else "none"
    last = statement[-1]
    if last.text == "->":
        return "node"
    if last.text == "@":
        return "channel"
    if _listed(statement) or last.text == "for":
        return "persona" if last.text in ("for", ",") else "none"
    if [t.text for t in statement] == ["entry"]:
        return "entry"
    return "none"


def _listed(statement: Sequence[tokens.Token]) -> tuple[str, ...]:
    """The names of the ``for`` list the statement ends in (empty if it ends in none)."""
    names: list[str] = []
    for token in reversed(statement):
        if token.text == "for":
            return tuple(reversed(names))
        if token.kind == "name":
            names.append(token.text)
        elif token.text != ",":
            return ()
    return ()


def complete(
    text: str,
    offset: int,
    journey: model.Journey | None,
    *,
    source: SourceFile,
    encoding: str = "utf-16",
) -> list[types.CompletionItem]:
    """The completion items at ``offset`` of ``text`` (``source`` is the same text)."""
    where = context(text, offset)
    replace = types.Range(
        convert.to_position(source, where.start, encoding=encoding),
        convert.to_position(source, offset, encoding=encoding),
    )

    def item(
        label: str,
        kind: types.CompletionItemKind,
        detail: str | None = None,
        documentation: str | None = None,
    ) -> types.CompletionItem:
        return types.CompletionItem(
            label=label,
            kind=kind,
            detail=detail,
            documentation=(
                types.MarkupContent(types.MarkupKind.Markdown, documentation)
                if documentation
                else None
            ),
            text_edit=types.TextEdit(replace, label),
            filter_text=label,
        )

    def keywords(words: Sequence[str]) -> list[types.CompletionItem]:
        return [item(w, types.CompletionItemKind.Keyword, "keyword") for w in words]

    def nodes() -> list[types.CompletionItem]:
        if journey is None:
            return []
        return [
            item(
                t.id,
                types.CompletionItemKind.Event
                if t.kind is model.NodeKind.TOUCHPOINT
                else types.CompletionItemKind.Constant,
                f"{t.kind.value} · {t.label}",
                " · ".join(
                    x
                    for x in (t.stage and f"stage `{t.stage}`", t.channel and f"@{t.channel}")
                    if x
                )
                or None,
            )
            for t in journey.touchpoints
        ]

    if where.what == "node":
        return nodes()
    if where.what == "channel":
        channels = journey.channels if journey else ()
        return [
            item(c.id, types.CompletionItemKind.Interface, f"channel · {c.label}", c.kind)
            for c in channels
        ]
    if where.what == "persona":
        personas = journey.personas if journey else ()
        return [
            item(p.id, types.CompletionItemKind.Class, f"persona · {p.label}", p.description)
            for p in personas
            if p.id not in where.listed
        ]
    if where.what == "entry":
        return keywords(("touchpoint",))
    if where.what == "attribute":
        return [
            item(a, types.CompletionItemKind.Property, ATTRIBUTE_FORMS.get(a))
            for a in _BLOCK_ATTRIBUTES[where.block]
        ]
    if where.what == "statement":
        shown = {"top": _TOP, "scenario": _IN_SCENARIO}.get(where.block, _IN_STAGE)
        return keywords(shown) + nodes()
    return []
