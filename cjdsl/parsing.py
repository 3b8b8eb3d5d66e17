"""Text to Lark parse tree, with syntax diagnostics (CJ0xx) and comments kept.

The parser recovers from syntax errors by blanking the offending statement
(keeping every offset) and parsing again, so one run reports several errors.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import pathlib
import re
from typing import Final

import lark
from lark import exceptions as lark_errors

from . import codes
from .diagnostics import Diagnostic
from .source import SourceFile, Span

__all__ = ["Comment", "Parsed", "grammar_text", "parse", "parser"]

MAX_SYNTAX_ERRORS: Final = 25

_TOKEN_NAMES: Final[dict[str, str]] = {
    "NAME": "an id",
    "STRING": "a string",
    "NUMBER": "a number",
    "_SEP": "end of line",
    "$END": "end of file",
    "ARROW": "`->`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COMMA": "`,`",
    "AT": "`@`",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Comment:
    """A ``#`` comment, kept for the formatter."""

    span: Span
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class Parsed:
    """A parse tree (``None`` when nothing could be parsed) and what was found."""

    source: SourceFile
    tree: lark.Tree[lark.Token] | None
    comments: tuple[Comment, ...]
    diagnostics: tuple[Diagnostic, ...]


def grammar_text() -> str:
    """The grammar: packaged in the wheel, or ``grammar/`` in a source checkout."""
    packaged = importlib.resources.files("cjdsl").joinpath("journey.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = pathlib.Path(__file__).resolve().parent.parent / "grammar" / "journey.lark"
    return checkout.read_text(encoding="utf-8")


@functools.cache
def parser() -> lark.Lark:
    """The LALR parser, built once per process."""
    return lark.Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        strict=True,
    )


_LEXEMES: Final = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[{}]')


def parse(source: SourceFile) -> Parsed:
    """Parse a source; never raises for bad input.

    >>> parse(SourceFile("x", 'journey "T"\\nad -> shop')).diagnostics
    ()
    """
    text = source.text
    diagnostics: list[Diagnostic] = []
    for _ in range(MAX_SYNTAX_ERRORS):
        try:
            tree = parser().parse(text)
        except lark_errors.UnexpectedInput as error:
            diagnostic, repaired = _diagnose(error, text, source)
            diagnostics.append(diagnostic)
            if repaired is None or repaired == text:
                break
            text = repaired
            continue
        return Parsed(source, tree, comments(source), tuple(diagnostics))
    return Parsed(source, None, comments(source), tuple(diagnostics))


def comments(source: SourceFile) -> tuple[Comment, ...]:
    """Every ``#`` comment, found the way the lexer finds them (not inside strings)."""
    return tuple(
        Comment(Span(source, m.start(), m.end()), m.group())
        for m in _LEXEMES.finditer(source.text)
        if m.group().startswith("#")
    )


def _blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` but its line breaks with spaces: offsets stay true."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _unclosed_braces(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of the ``{`` in ``text[start:end]`` that are not closed there."""
    stack: list[int] = []
    for match in _LEXEMES.finditer(text, start, len(text) if end is None else end):
        if match.group() == "{":
            stack.append(match.start())
        elif match.group() == "}" and stack:
            stack.pop()
    return stack


def _line_range(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _statement_range(text: str, offset: int) -> tuple[int, int]:
    """The line holding ``offset``, widened to the end of a block it opens."""
    start, end = _line_range(text, offset)
    if _unclosed_braces(text, start, end):
        depth = 0
        for match in _LEXEMES.finditer(text, start):
            depth += {"{": 1, "}": -1}.get(match.group(), 0)
            if depth == 0 and match.group() == "}":
                return start, match.end()
        return start, len(text)
    return start, end


def _describe(token: lark.Token) -> str:
    if token.type == "NAME":
        return f"`{token}`"
    if token.type == "NUMBER":
        return f"number `{token}`"
    if token.type in _TOKEN_NAMES:
        return _TOKEN_NAMES[token.type]
    return f"`{token}`"


def _expected(names: set[str]) -> str:
    words = sorted({_TOKEN_NAMES.get(n, f"`{n.lower()}`") for n in names if not n.startswith("__")})
    return ", ".join(words)


def _diagnose(
    error: lark_errors.UnexpectedInput, text: str, source: SourceFile
) -> tuple[Diagnostic, str | None]:
    """Turn a Lark error into a diagnostic and the text to try next (``None``: stop)."""
    if isinstance(error, lark_errors.UnexpectedCharacters):
        at: int = error.pos_in_stream or 0
        char = text[at]
        span = Span(source, at, min(at + 1, len(source.text)))
        if char == '"':
            line_end = _line_range(text, at)[1]
            diagnostic = Diagnostic(
                codes.UNTERMINATED_STRING,
                "string is never closed",
                Span(source, at, min(line_end, len(source.text))),
                label='no closing `"` on this line',
                hint='close it with `"`; text over several lines goes in `"""…"""`',
            )
        else:
            diagnostic = Diagnostic(
                codes.UNEXPECTED_CHARACTER,
                f"unexpected character `{char}`",
                span,
                label="not part of the language",
                hint="remove it, or put the text inside a string",
            )
        return diagnostic, _blank(text, *_statement_range(text, at))
    assert isinstance(error, lark_errors.UnexpectedToken)
    token = error.token
    expected = _acceptable(error)
    if not _unclosed_braces(text, 0, token.start_pos if token.type != "$END" else None):
        expected.discard("RBRACE")
    if token.type == "$END":
        at = len(text.rstrip())
        open_braces = _unclosed_braces(text)
        if open_braces and "RBRACE" in expected:
            brace = open_braces[-1]
            line = source.line_text(source.line_col(brace)[0]).strip()
            diagnostic = Diagnostic(
                codes.UNCLOSED_BLOCK,
                "block is never closed",
                Span(source, brace, brace + 1),
                label=f"this `{{` of `{line}` has no matching `}}`",
                hint="add the missing `}`",
            )
            return diagnostic, text + "\n}" * len(open_braces)
    else:
        at = token.start_pos or 0
    before = text[:at].rstrip(" \t")
    if before.endswith("->") and token.type in ("_SEP", "$END", "STRING", "NUMBER"):
        arrow = len(before) - 2
        diagnostic = Diagnostic(
            codes.MISSING_TARGET,
            "`->` leads nowhere",
            Span(source, arrow, arrow + 2),
            label="expected the id of the target touchpoint after this",
            hint="write the target on the same line: `a -> b`",
        )
        return diagnostic, _blank(text, *_statement_range(text, arrow))
    end = at + max(len(token), 1) if token.type not in ("_SEP", "$END") else at
    end = min(end, len(source.text))
    diagnostic = Diagnostic(
        codes.SYNTAX_ERROR,
        f"unexpected {_describe(token)}",
        Span(source, min(at, len(source.text)), end),
        label=f"expected {_expected(expected)}",
        hint=_hint(token, expected, before),
    )
    return diagnostic, _blank(text, *_statement_range(text, max(0, min(at, len(text) - 1))))


def _acceptable(error: lark_errors.UnexpectedToken) -> set[str]:
    """What the parser would have taken: the interactive parser knows better than
    the contextual lexer, which folds keywords into NAME."""
    try:
        accepted: set[str] = error.interactive_parser.accepts()  # type: ignore[no-untyped-call]
        return set(accepted)
    except Exception:
        return set(error.expected)


def _hint(token: lark.Token, expected: set[str], before: str) -> str | None:
    keyword = re.search(r"\b(entry|touchpoint|goal|exit)\s*$", before)
    if keyword and token.type == "ARROW":
        return f"`{keyword.group(1)}` is a keyword and cannot be used as an id; rename it"
    if token.type == "NAME" and "_SEP" in expected:
        return "put one statement on each line, or separate them with `;`"
    if token.type in ("ENTRY", "TOUCHPOINT", "GOAL", "EXIT") and "NAME" in expected:
        return f"`{token}` is a keyword and cannot be used as an id"
    if token.type == "RBRACE":
        return "this `}` closes no block; remove it"
    return None
