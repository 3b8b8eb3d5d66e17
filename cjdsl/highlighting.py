"""A Pygments lexer for ``.journey`` files, registered under the alias ``journey``.

The package declares it through the ``pygments.lexers`` entry point, so once
cjdsl is installed, ```` ```journey ```` blocks are highlighted by Sphinx, MkDocs
(pymdownx.highlight), ``pygmentize -l journey`` and any other Pygments user.

It reads one statement at a time: the first word of a statement is a keyword
(``stage``), an attribute (``emotion``) or the source of a transition; the rest
are ids, strings, numbers with their units and the keywords ``for``/``after``.

>>> from pygments import lex
>>> [(str(t), v) for t, v in lex('stage buy "Buy"', JourneyLexer()) if v.strip()]
[('Token.Keyword.Declaration', 'stage'), ('Token.Name.Namespace', 'buy'), \
('Token.Literal.String.Double', '"'), ('Token.Literal.String.Double', 'Buy'), \
('Token.Literal.String.Double', '"')]
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Final

from pygments.lexer import RegexLexer, bygroups, include
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
    _TokenType,
)

from .language import vocabulary

__all__ = ["JourneyLexer"]

NAME: Final = vocabulary.ID_PATTERN
"""An id, as the grammar reads it: ``cart-email``, ``kündigung``, ``_draft2``."""

_END: Final = r"(?!\w|-[^\W_])"
_NUMBER: Final = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:%|[^\W\d_]+)?"


def _groups(*types: _TokenType) -> object:
    """Pygments' ``bygroups``: one token type for each group of the pattern."""
    return bygroups(*types)  # type: ignore[no-untyped-call]


class JourneyLexer(RegexLexer):
    """Highlights the cjdsl customer-journey language (``*.journey``)."""

    name = "Journey"
    aliases: ClassVar[list[str]] = ["journey", "cjdsl"]
    filenames: ClassVar[list[str]] = ["*.journey"]
    mimetypes: ClassVar[list[str]] = ["text/x-journey"]
    url = "https://pypi.org/project/cjdsl/"
    flags = re.MULTILINE | re.UNICODE

    tokens: ClassVar[dict[str, list[Any]]] = {
        # The start of a statement (or of an attribute inside a block).
        "root": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (r"[{};]", Punctuation),
            (rf"(journey){_END}", Keyword.Declaration, "statement"),
            (rf"(import){_END}", Keyword.Namespace, "statement"),
            (
                rf"(persona)(\s+)({NAME})",
                _groups(Keyword.Declaration, Whitespace, Name.Class),
                "statement",
            ),
            (
                rf"(channel)(\s+)({NAME})",
                _groups(Keyword.Declaration, Whitespace, Name.Class),
                "channel",
            ),
            (
                rf"(stage)(\s+)({NAME})",
                _groups(Keyword.Declaration, Whitespace, Name.Namespace),
                "statement",
            ),
            (
                rf"(scenario|process)(\s+)({NAME})",
                _groups(Keyword.Declaration, Whitespace, Name.Namespace),
                "statement",
            ),
            (
                rf"(change|remove)(\s+)({NAME})",
                _groups(Keyword, Whitespace, Name.Function),
                "statement",
            ),
            (rf"(entry)(\s+)(?=(?:touchpoint|goal|exit){_END})", _groups(Keyword, Whitespace)),
            (
                rf"(touchpoint|goal|exit)(\s+)({NAME})",
                _groups(Keyword.Declaration, Whitespace, Name.Function),
                "statement",
            ),
            (rf"({NAME})(\s*)(?=->)", _groups(Name, Whitespace), "statement"),
            (NAME, Name.Attribute, "statement"),
            include("values"),
        ],
        # The rest of a statement, up to its end or the `{` of its block.
        "statement": [
            (r"\n", Whitespace, "#pop"),
            (r"[;{}]", Punctuation, "#pop"),
            include("values"),
        ],
        "channel": [
            (rf"(online|offline){_END}", Keyword.Constant),
            include("statement"),
        ],
        "values": [
            (r"[ \t\f\r]+", Whitespace),
            (r"#.*$", Comment.Single),
            (r'"""[\s\S]*?"""', String.Double),
            (r'"', String.Double, "string"),
            (r"->", Operator),
            (rf"(after|for){_END}", Keyword),
            (rf"(@)({NAME})", _groups(Name.Decorator, Name.Decorator)),
            (rf"({_NUMBER})(\s+)([A-Z]{{3}}){_END}", _groups(Number, Whitespace, Name.Constant)),
            (_NUMBER, Number),
            (NAME, Name),
            (r",", Punctuation),
            (r".", Error),
        ],
        "string": [
            (r'\\[\\"nt]', String.Escape),
            (r"\\.", String.Double),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", Error, "#pop:2"),  # unterminated: the statement ends too
        ],
    }

    @staticmethod
    def analyse_text(text: str) -> float:
        """Pretty sure when the first statement is a ``journey "…"`` header."""
        return 0.9 if re.match(r'(?:\s|#.*\n)*journey\s+"', text) else 0.0
