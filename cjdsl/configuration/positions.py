"""Where each key and value of a TOML text is: ``tomllib`` parses, but gives no positions.

A second pass over the text, after ``tomllib`` has accepted it, with a tokenizer of
possessive patterns (strings, comments, brackets, bare words) and no parser state but the
current table and the bracket depth: one scan, linear in the text. It finds the keys of
``key = value`` lines (bare, quoted or dotted, under ``[table]`` headers) and the strings
of array values, which is what a diagnostic about a setting points at. Anything it does
not follow (a key inside an inline table) simply has no entry, and the caller falls back
to the table or the file's start.

>>> text = '[tool.cjdsl]\\nselect = ["CJ5",\\n  "dead-end"]\\n'
>>> [text[start:end] for start, end in scan(text)[("tool", "cjdsl", "select")].items]
['"CJ5"', '"dead-end"']
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

__all__ = ["Entry", "scan", "toml_error_offset"]

_TOKENS: Final = re.compile(
    r'(?P<string>"""(?:[^"\\]++|\\.|"(?!""))*+"""|\'\'\'(?:[^\']++|\'(?!\'\'))*+\'\'\''
    r'|"(?:[^"\\\n]++|\\.)*+"|\'[^\'\n]*+\')'
    r"|(?P<comment>#[^\n]*+)"
    r"|(?P<newline>\n)"
    r"|(?P<space>[ \t\r]++)"
    r"|(?P<word>[A-Za-z0-9_+.:-]++)"
    r"|(?P<punct>[\[\]{}=,])"
    r"|(?P<other>.)",
    re.DOTALL,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """A key's place: its key (start, end), its value (start, end) and, for an array, the
    place of each string in it (quotes included)."""

    key: tuple[int, int]
    value: tuple[int, int]
    items: tuple[tuple[int, int], ...] = ()


def scan(text: str) -> dict[tuple[str, ...], Entry]:
    """Every ``key = value`` of a TOML text by its full dotted path; table headers by
    theirs too (``("tool", "cjdsl")``, with the header as key and value)."""
    found: dict[tuple[str, ...], Entry] = {}
    table: tuple[str, ...] = ()
    tokens = [(m.lastgroup or "", m.start(), m.end()) for m in _TOKENS.finditer(text)]
    at = 0
    line_start = True
    while at < len(tokens):
        kind, start, _end = tokens[at]
        if kind in ("space", "comment"):
            at += 1
            continue
        if kind == "newline":
            line_start = True
            at += 1
            continue
        if not line_start:
            at += 1
            continue
        line_start = False
        if kind == "punct" and text[start] == "[":
            names, at, stop = _header(text, tokens, at + 1)
            table = tuple(names)
            found.setdefault(table, Entry((start, stop), (start, stop)))
            continue
        if kind not in ("word", "string"):
            at += 1
            continue
        names, at, key_end = _key(text, tokens, at)
        if at >= len(tokens) or text[tokens[at][1]] != "=":
            continue
        value_at = _skip_space(tokens, at + 1)
        if value_at >= len(tokens):
            break
        value_start = tokens[value_at][1]
        value_end, items, at = _value(text, tokens, value_at)
        found.setdefault((*table, *names), Entry((start, key_end), (value_start, value_end), items))
    return found


def _skip_space(tokens: list[tuple[str, int, int]], at: int) -> int:
    while at < len(tokens) and tokens[at][0] == "space":
        at += 1
    return at


def _name(text: str, start: int, end: int, kind: str) -> str:
    word = text[start:end]
    return word[1:-1] if kind == "string" else word


def _key(text: str, tokens: list[tuple[str, int, int]], at: int) -> tuple[list[str], int, int]:
    """A dotted key (``a.b``, ``"a".b``) from ``at``: its names, the next token, its end."""
    names: list[str] = []
    last = tokens[at][2]
    while at < len(tokens):
        kind, start, end = tokens[at]
        if kind == "word":
            names += [n for n in text[start:end].split(".") if n]
            last = end
        elif kind == "string":
            names.append(_name(text, start, end, kind))
            last = end
        elif kind != "space":
            break
        at += 1
    return names, at, last


def _header(text: str, tokens: list[tuple[str, int, int]], at: int) -> tuple[list[str], int, int]:
    """A ``[table]`` or ``[[array]]`` header: its names, the token after it, where it ends."""
    names: list[str] = []
    stop = tokens[at - 1][2]
    while at < len(tokens) and tokens[at][0] != "newline":
        kind, start, end = tokens[at]
        if kind == "word":
            names += [n for n in text[start:end].split(".") if n]
        elif kind == "string":
            names.append(_name(text, start, end, kind))
        elif kind == "punct" and text[start] == "]":
            stop = end
        elif kind == "comment":
            break
        at += 1
    return names, at, stop


def _value(
    text: str, tokens: list[tuple[str, int, int]], at: int
) -> tuple[int, tuple[tuple[int, int], ...], int]:
    """A value from ``at``: where it ends, the strings of an array, the token after it."""
    kind, start, end = tokens[at]
    if not (kind == "punct" and text[start] in "[{"):
        return end, (), at + 1
    depth = 0
    items: list[tuple[int, int]] = []
    array = text[start] == "["
    while at < len(tokens):
        kind, start, end = tokens[at]
        if kind == "punct" and text[start] in "[{":
            depth += 1
        elif kind == "punct" and text[start] in "]}":
            depth -= 1
            if depth == 0:
                return end, tuple(items), at + 1
        elif kind == "string" and depth == 1 and array:
            items.append((start, end))
        at += 1
    return len(text), tuple(items), at


_AT: Final = re.compile(r"\(at line (\d++), column (\d++)\)$")


def toml_error_offset(text: str, message: str) -> int:
    """Where a ``tomllib.TOMLDecodeError`` says the problem is, as an offset into ``text``
    (its message ends in ``(at line 3, column 7)``; at the end of the document otherwise).

    >>> toml_error_offset("a = 1\\nb = ", "Invalid value (at line 2, column 5)")
    10
    """
    found = _AT.search(message)
    if found is None:
        return len(text)
    line, column = int(found.group(1)), int(found.group(2))
    offset = 0
    for _ in range(line - 1):
        newline = text.find("\n", offset)
        if newline < 0:
            return len(text)
        offset = newline + 1
    return min(len(text), offset + column - 1)
