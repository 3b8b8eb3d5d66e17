"""A small lexer for what the editor needs between parses: where ids, strings and blocks are.

The language server reads the model for meaning; this only answers lexical
questions the model cannot (the persona names of a ``for`` list, the block a
cursor is in, what was typed before the cursor), and it works on text that
does not parse.

>>> [t.text for t in scan('a -> b 40% "x y" # c')]
['a', '->', 'b', '40%', '"x y"', '# c']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Final

from ..language import vocabulary

__all__ = ["Token", "scan"]

# Order matters: strings and comments first, so nothing inside them is a token;
# a string left open runs to the end of its line, as the parser reports it.
_TOKEN: Final = re.compile(
    r"""
    (?P<string>"\"\"[\s\S]*?(?:\"\"\"|\Z)|"(?:[^"\\\n]|\\.)*"?)
  | (?P<comment>\#[^\n]*)
  | (?P<arrow>->)
  | (?P<number>[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:%|[^\W\d_]+)?)
  | (?P<name>"""
    + vocabulary.ID_PATTERN
    + r""")
  | (?P<newline>\n)
  | (?P<space>[ \t\r\f\ufeff]+)
  | (?P<punct>.)
    """,
    re.VERBOSE,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Token:
    """One lexeme: its kind (``name``, ``string``, ``punct`` …), text and offsets."""

    kind: str
    text: str
    start: int
    end: int


def scan(text: str, start: int = 0, end: int | None = None) -> Iterator[Token]:
    """The tokens of ``text[start:end]``, without spaces.

    >>> [(t.kind, t.text) for t in scan("tp @web for anna, ben {")]
    [('name', 'tp'), ('punct', '@'), ('name', 'web'), ('name', 'for'), ('name', 'anna'), \
('punct', ','), ('name', 'ben'), ('punct', '{')]
    """
    stop = len(text) if end is None else end
    for match in _TOKEN.finditer(text, start, stop):
        kind = match.lastgroup or "punct"
        if kind != "space":
            yield Token(kind, match.group(), match.start(), match.end())
