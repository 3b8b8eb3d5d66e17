"""Mermaid ``journey`` text read the way Mermaid's own parser reads it, with spans.

Mermaid's grammar (``packages/mermaid/src/diagrams/user-journey/parser/journey.jison``) is a
Jison lexer of first-matching rules over a case-insensitive text, and a grammar that takes
statements in any order; before it runs, ``preprocessDiagram`` turns CRLF into LF, cuts YAML
front matter (its ``title``) and ``%%{…}%%`` directives. This module is that lexer written
out by hand, one pass and no backtracking, so its quirks are Mermaid's: ``title`` takes the
rest of its line, ``section`` needs a character after it, a task name runs to the first ``:``,
``#`` or ``;``, the data after the colon to the end of the line, ``;`` is an error, a task
may come before any section. ``mermaid`` turns what is read into a journey.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Final

from .. import codes
from ..diagnostics import Diagnostic
from ..source import SourceFile, Span

__all__ = ["Diagram", "Section", "Task", "front_matter", "normalise", "read"]

_SPACE: Final = frozenset(" \t\n\r\f\v\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {
    chr(c) for c in range(0x2000, 0x200B)
}
"""What JavaScript's ``\\s`` matches."""
_NAME_STOP: Final = frozenset("#:\n;")
_DATA_STOP: Final = frozenset("#\n;")


@dataclasses.dataclass(frozen=True, slots=True)
class Section:
    """A ``section`` line: its name as Mermaid keeps it and where that name stands."""

    name: str
    span: Span


@dataclasses.dataclass(frozen=True, slots=True)
class Task:
    """A ``Task: score: actor, actor`` line, split as Mermaid's ``addTask`` splits it.

    ``section`` is the index of the section it belongs to (``None``: before any section);
    ``actors`` each with its span (an empty one is ``""``, as upstream); ``ignored`` the
    pieces after a second colon, which Mermaid drops."""

    name: str
    span: Span
    score: str
    score_span: Span
    actors: tuple[tuple[str, Span], ...]
    ignored: Span | None
    section: int | None


@dataclasses.dataclass(frozen=True, slots=True)
class Diagram:
    """What a journey diagram says: title, accessibility texts, sections and tasks."""

    title: str | None
    title_span: Span | None
    acc_title: str | None
    acc_descr: str | None
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    source: SourceFile


@dataclasses.dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    start: int
    end: int
    value: str = ""


def normalise(text: str) -> str:
    """What Mermaid does first: CRLF and lone CR become LF (lines then count as editors
    count them); a byte-order mark goes."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read(source: SourceFile) -> tuple[Diagram | None, tuple[Diagnostic, ...]]:
    """Read a journey diagram, or say (CJ601) where Mermaid's parser would stop.

    ``source`` should hold ``normalise``d text.
    """
    text = source.text
    title, body = front_matter(text)
    reading = _Reading(source)
    start = _detected(text, body)
    if not text.startswith("journey", start):
        first = text[start:].split("\n", 1)[0].strip()
        lowercase = first[:7].lower() == "journey"
        reading.error(
            Span(source, start, start + len(first)),
            "this is no Mermaid journey diagram" + (f": it starts with `{first}`" if first else ""),
            "expected `journey`",
            "write `journey` in lowercase: Mermaid tells diagrams apart by their first word"
            if lowercase
            else "a journey diagram starts with the line `journey`",
        )
        return None, tuple(reading.errors)
    for token in _tokens(text, body):
        if not reading.take(token):
            return None, tuple(reading.errors)
    if not reading.started:
        at = len(text) - len(text[body:].lstrip())
        first = text[at:].split("\n", 1)[0].strip()
        reading.error(
            Span(source, at, at + len(first)),
            "this is no Mermaid journey diagram" + (f": it starts with `{first}`" if first else ""),
            "expected `journey`",
            "a journey diagram starts with the line `journey`",
        )
        return None, tuple(reading.errors)
    return (
        Diagram(
            title=reading.title if reading.title is not None else title,
            title_span=reading.title_span,
            acc_title=reading.acc_title,
            acc_descr=reading.acc_descr,
            sections=tuple(reading.sections),
            tasks=tuple(reading.tasks),
            source=source,
        ),
        tuple(reading.errors),
    )


class _Reading:
    """The grammar: ``journey`` first, then statements in any order; a task name must be
    followed by its data."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.started = False
        self.title: str | None = None
        self.title_span: Span | None = None
        self.acc_title: str | None = None
        self.acc_descr: str | None = None
        self.sections: list[Section] = []
        self.tasks: list[Task] = []
        self.errors: list[Diagnostic] = []
        self._name: _Token | None = None

    def take(self, token: _Token) -> bool:
        """Take the next token; ``False`` once Mermaid would have given up."""
        span = Span(self.source, token.start, token.end)
        if self._name is not None:
            name, self._name = self._name, None
            if token.kind != "data":
                return self.error(
                    span if token.kind != "eof" else Span(self.source, name.end, name.end),
                    f"the task `{name.value.strip()}` has no score",
                    "expected `: score`",
                    "write a task as `Task name: 5: Actor, Actor` (the score 1–5)",
                )
            self.tasks.append(self._task(name, token))
            return True
        if token.kind == "newline":
            return True
        if not self.started:
            if token.kind == "journey":
                self.started = True
                return True
            if token.kind == "eof":
                return True
            first = self.source.line_text(span.line).strip()
            return self.error(
                span,
                f"this is no Mermaid journey diagram: it starts with `{first}`",
                "expected `journey`",
                "a journey diagram starts with the line `journey`",
            )
        if token.kind == "title":
            self.title = token.value.strip()
            self.title_span = span
        elif token.kind == "acc_title":
            self.acc_title = token.value.strip()
        elif token.kind == "acc_descr":
            self.acc_descr = _join_lines(token.value.strip())
        elif token.kind == "section":
            self.sections.append(Section(token.value, span))
        elif token.kind == "name":
            self._name = token
        elif token.kind == "eof":
            return True
        elif token.kind == "unclosed":
            return self.error(span, "`accDescr {` is never closed", "no `}` follows", "add `}`")
        else:
            return self.error(span, f"Mermaid's parser stops at `{_shown(token)}`", _why(token))
        return True

    def _task(self, name: _Token, data: _Token) -> Task:
        """Split the data as ``addTask`` does: ``data.substr(1).split(':')``, the first piece
        the score, the second the actors split at commas and trimmed, the rest dropped."""
        pieces = _split(data.value, data.start, ":", first=data.start + 1)
        score_text, score_start, _score_end = pieces[0]
        actors: list[tuple[str, Span]] = []
        if len(pieces) > 1:
            _text, start, end = pieces[1]
            for actor, a_start, a_end in _split(self.source.text[start:end], start, ","):
                trimmed = actor.strip()
                if trimmed:
                    at = a_start + len(actor) - len(actor.lstrip())
                    span = Span(self.source, at, at + len(trimmed))
                else:  # nothing to point at: the separator before it and any blanks
                    span = Span(self.source, a_start - 1, a_end)
                actors.append((trimmed, span))
        ignored = Span(self.source, pieces[2][1] - 1, pieces[-1][2]) if len(pieces) > 2 else None
        lead = len(score_text) - len(score_text.lstrip())
        score = score_text.strip()
        at = score_start + lead
        return Task(
            name=name.value,
            span=Span(self.source, name.start, name.start + len(name.value.rstrip())),
            score=score,
            score_span=Span(self.source, at, at + len(score)) if score else _at(self, data),
            actors=tuple(actors),
            ignored=ignored,
            section=len(self.sections) - 1 if self.sections else None,
        )

    def error(self, span: Span, message: str, label: str, hint: str | None = None) -> bool:
        self.errors.append(
            Diagnostic(
                codes.MERMAID_SYNTAX,
                message,
                span,
                label,
                hint or "Mermaid would refuse to draw this diagram; fix the line",
            )
        )
        return False


def _at(reading: _Reading, data: _Token) -> Span:
    return Span(reading.source, data.start, data.end)


def _split(
    text: str, offset: int, sep: str, *, first: int | None = None
) -> list[tuple[str, int, int]]:
    """Pieces of ``text`` (found at ``offset``) between ``sep``s, each with its offsets;
    ``first`` skips a leading character (``substr(1)``)."""
    start = (first if first is not None else offset) - offset
    pieces = []
    while True:
        end = text.find(sep, start)
        stop = len(text) if end < 0 else end
        pieces.append((text[start:stop], offset + start, offset + stop))
        if end < 0:
            return pieces
        start = end + 1


def _join_lines(text: str) -> str:
    """``setAccDescription``'s ``replace(/\\n\\s+/g, '\\n')``: each line's indent goes."""
    lines = text.split("\n")
    return "\n".join([lines[0], *(line.lstrip() for line in lines[1:] if line.strip())])


def _shown(token: _Token) -> str:
    return token.value if token.kind == "invalid" else token.kind.replace("_", "")


def _why(token: _Token) -> str:
    if token.kind == "invalid" and token.value == ";":
        return "`;` is no part of a journey diagram"
    if token.kind == "data":
        return "a colon needs a task name before it"
    if token.kind == "colon":
        return "a score must follow the colon on its line"
    if token.kind == "journey":
        return "a second `journey` (a task may not start with the word)"
    return "not part of a journey diagram"


def front_matter(text: str) -> tuple[str | None, int]:
    """The front matter's ``title`` and where the diagram starts after it (0: none).

    Mermaid's ``frontMatterRegex`` (``^-{3}\\s*[\\n\\r](.*?)[\\n\\r]-{3}\\s*[\\n\\r]+``)
    read line by line: a ``---`` line, the YAML, a ``---`` line ending in a line break.
    Of the YAML only a top-level ``title:`` is read (plain, single- or double-quoted),
    what Mermaid uses of it for a journey; ``config`` styles only the drawing.
    """
    if not text.startswith("---"):
        return None, 0
    first_end = text.find("\n")
    if first_end < 0 or text[3:first_end].strip(" \t"):
        return None, 0
    title: str | None = None
    at = first_end + 1
    while at < len(text):
        end = text.find("\n", at)
        if end < 0:
            return None, 0  # the closing `---` must end in a line break
        line = text[at:end]
        if line.startswith("---") and not line[3:].strip(" \t"):
            return title, end + 1
        key, colon, value = line.partition(":")
        if colon and key == "title":
            title = _yaml_scalar(value) or None
        at = end + 1
    return None, 0


def _detected(text: str, pos: int) -> int:
    """Where Mermaid's detector (``/^\\s*journey/``, case-sensitive) looks for ``journey``:
    past blanks, ``%%{…}%%`` directives and whole-line ``%%`` comments (with a character
    after the ``%%``), which preprocessing removes; a ``#`` comment it does not remove."""
    while True:
        pos = _skip_space(text, pos)
        if text.startswith("%%{", pos):
            end = text.find("}%%", pos)
            pos = len(text) if end < 0 else end + 3
        elif text.startswith("%%", pos) and _line_end(text, pos) > pos + 2:
            pos = _line_end(text, pos)
        else:
            return pos


def _yaml_scalar(value: str) -> str:
    """A one-line YAML scalar: quoted (``''`` or ``\\"`` inside) or plain (to a `` #``)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    comment = value.find(" #")
    return (value if comment < 0 else value[:comment]).strip()


def _tokens(text: str, pos: int) -> Iterator[_Token]:
    """Mermaid's lexer from ``pos``: each rule tried in its order, the first that matches
    wins (Jison without ``flex``), whitespace and comments skipped."""
    n = len(text)
    while pos < n:
        char = text[pos]
        if text.startswith("%%{", pos):  # a directive: preprocessing cut it out
            end = text.find("}%%", pos)
            pos = n if end < 0 else end + 3
        elif text.startswith("%%", pos):
            pos = _line_end(text, pos)
        elif char != "}" and text.startswith("%%", pos + 1):  # `[^}]%%…`: the character too
            pos = _line_end(text, pos + 1)
        elif char == "\n":
            start = pos
            while pos < n and text[pos] == "\n":
                pos += 1
            yield _Token("newline", start, pos)
        elif char in _SPACE:
            while pos < n and text[pos] in _SPACE:
                pos += 1
        elif char == "#":
            pos = _line_end(text, pos)
        else:
            token = _keyword(text, pos) or _text(text, pos)
            if token.kind == "acc_descr_open":
                close = text.find("}", token.end)
                if close < 0:
                    yield _Token("unclosed", pos, token.end)
                    return
                yield _Token("acc_descr", token.end, close, text[token.end : close])
                pos = close + 1
                continue
            yield token
            pos = token.end
    yield _Token("eof", n, n)


def _keyword(text: str, pos: int) -> _Token | None:
    """``journey``, ``title …``, ``accTitle: …``, ``accDescr: …``, ``accDescr {``,
    ``section …``; ``None`` when none of them matches here."""
    if _starts(text, pos, "journey") and not _word(text, pos + 7):
        return _Token("journey", pos, pos + 7)
    for word in ("title", "section"):
        size = len(word)
        if _starts(text, pos, word) and pos + size < len(text) and text[pos + size] in _SPACE:
            stop = _NAME_STOP if word == "section" else _DATA_STOP
            end = _run(text, pos + size + 1, stop)
            if end > pos + size + 1:
                return _Token(word, pos, end, text[pos + size + 1 : end])
    for word, kind in (("acctitle", "acc_title"), ("accdescr", "acc_descr")):
        if _starts(text, pos, word):
            after = _skip_space(text, pos + 8)
            if after < len(text) and text[after] == ":":
                value_start = _skip_space(text, after + 1)
                end = _line_end(text, value_start)
                return _Token(kind, pos, end, text[value_start:end])
            if kind == "acc_descr" and after < len(text) and text[after] == "{":
                return _Token("acc_descr_open", pos, _skip_space(text, after + 1))
    return None


def _text(text: str, pos: int) -> _Token:
    """A task name, the data after its colon, a lone colon or a character Mermaid refuses."""
    char = text[pos]
    if char == ":":
        end = _run(text, pos + 1, _DATA_STOP)
        if end > pos + 1:
            return _Token("data", pos, end, text[pos:end])
        return _Token("colon", pos, pos + 1, ":")
    end = _run(text, pos, _NAME_STOP)
    if end > pos:
        return _Token("name", pos, end, text[pos:end])
    return _Token("invalid", pos, pos + 1, char)


def _run(text: str, pos: int, stop: frozenset[str]) -> int:
    while pos < len(text) and text[pos] not in stop:
        pos += 1
    return pos


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _starts(text: str, pos: int, word: str) -> bool:
    """Whether ``word`` (lowercase ASCII) stands at ``pos``, in any case (``%options
    case-insensitive``); only a slice as long as the word is looked at."""
    return text[pos : pos + len(word)].lower() == word


def _word(text: str, pos: int) -> bool:
    """Whether a word character stands at ``pos`` (Jison's ``\\b`` after a keyword: an
    ASCII ``\\w``, as JavaScript's regular expressions have it)."""
    char = text[pos : pos + 1]
    return bool(char) and char.isascii() and (char.isalnum() or char == "_")
