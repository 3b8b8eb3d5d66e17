"""Text to Lark parse tree, with syntax diagnostics (CJ0xx) and comments kept.

The parser recovers from syntax errors by blanking the offending statement
(keeping every offset) and parsing again, so one run reports several errors.

Two parsers share the one grammar. ``parse`` gives the tree the formatter
reads (every rule carries its position) and recovers from errors.
``parse_fast`` is for building the model: rules carry no positions (lowering
takes them from the tokens, which always have theirs), which makes the parse
about twice as fast, and it uses ``lark-cython`` when that is installed. On
the first syntax error it hands over to ``parse``, because lark-cython cannot
report errors (its exceptions fail when printed, and it breaks ``on_error``).
Both parsers are loaded from a per-user cache file, which saves most of the
grammar analysis at each start.
"""

from __future__ import annotations

import array
import dataclasses
import functools
import hashlib
import importlib.resources
import logging
import os
import pathlib
import re
import sys
from typing import Any, Final

import lark
from lark import exceptions as lark_errors

from .. import codes
from ..diagnostics import Diagnostic
from ..source import SourceFile, Span
from . import habits

__all__ = [
    "Comment",
    "Parsed",
    "cache_folder",
    "fast_parser",
    "grammar_text",
    "parse",
    "parse_fast",
    "parser",
]

log = logging.getLogger(__name__)

MAX_SYNTAX_ERRORS: Final = 25
RECOVERY_BUDGET: Final = 4_000_000
"""Characters parsed in all rounds of error recovery: 25 rounds up to 160 kB of text."""

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
    positions: bool = True
    """Whether this is the formatter's parse: rules carry ``meta`` positions and
    ``comments`` are collected. ``False`` for a tree from ``parse_fast``, made for
    the model: no rule positions, tokens that may be lark-cython's, no comments."""


def grammar_text() -> str:
    """The grammar: packaged in the wheel, or ``grammar/`` in a source checkout."""
    packaged = importlib.resources.files("cjdsl").joinpath("journey.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = pathlib.Path(__file__).resolve().parent.parent.parent / "grammar" / "journey.lark"
    return checkout.read_text(encoding="utf-8")


def cache_folder() -> pathlib.Path | None:
    """The per-user folder for the parser cache, or ``None`` when there is none to be had.

    ``$XDG_CACHE_HOME/cjdsl`` or ``~/.cache/cjdsl``, made private (0700): Lark's
    own ``cache=True`` writes to a shared temporary folder, where another user's
    file gets in the way, and a cache file is unpickled, so nobody else may write it.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = pathlib.Path(base) / "cjdsl"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except (OSError, RuntimeError):
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return None
    return folder


def _build(*, positions: bool, plugins: dict[str, Any] | None) -> lark.Lark:
    """A parser for the grammar, loaded from (or saved to) the cache file when there is one."""
    text = grammar_text()
    options: dict[str, Any] = {
        "parser": "lalr",
        "lexer": "contextual",
        "propagate_positions": positions,
        "maybe_placeholders": True,
        "strict": True,
    }
    if plugins is not None:
        options["_plugins"] = plugins
    folder = cache_folder()
    if folder is not None:
        key = f"{text}\0{positions}\0{plugins is not None}\0{lark.__version__}\0{sys.version}"
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        options["cache"] = str(folder / f"parser-{digest}.lark")
    try:
        return lark.Lark(text, **options)
    except Exception as error:  # a cache file that cannot be read or written: go without
        if "cache" not in options:
            raise
        log.debug("parser cache unusable (%s); building without it", error)
        del options["cache"]
        return lark.Lark(text, **options)


@functools.cache
def parser() -> lark.Lark:
    """The LALR parser with positions on every rule, built once per process."""
    return _build(positions=True, plugins=None)


@functools.cache
def fast_parser() -> lark.Lark:
    """The LALR parser without rule positions, on lark-cython when it is installed."""
    try:
        import lark_cython
    except ImportError:
        return _build(positions=False, plugins=None)
    return _build(positions=False, plugins=lark_cython.plugins)


def parse_fast(source: SourceFile) -> Parsed:
    """Parse for building the model: fast, and when the text has syntax errors, ``parse``.

    The tree's rules carry no positions and comments are not collected
    (``Parsed.positions`` is ``False``); its tokens have their positions, and may
    be lark-cython tokens (``str()``, ``.type``,
    ``.start_pos`` and ``.end_pos`` work on both kinds).

    >>> parse_fast(SourceFile("x", 'journey "T"\\nad -> shop')).diagnostics
    ()
    """
    try:
        tree = fast_parser().parse(source.text)
    except lark_errors.UnexpectedInput:
        return parse(source)
    return Parsed(source, tree, (), (), positions=False)


_LEXEMES: Final = re.compile(
    r'"""(?:[^"]++|"(?!""))*+"""|"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"?|#[^\n]*|[{}]'
)
"""Strings, comments and braces, found as the lexer finds them. Possessive (``*+``), as the
grammar's terminals are: a plain ``(?:…)*`` keeps one backtracking entry per character of a
string, some 120 bytes of memory per byte of text."""


def parse(source: SourceFile) -> Parsed:
    """Parse a source; never raises for bad input.

    >>> parse(SourceFile("x", 'journey "T"\\nad -> shop')).diagnostics
    ()
    """
    text = source.text
    diagnostics: list[Diagnostic] = []
    # Each error costs one more parse of the whole text: a large broken file gets
    # fewer rounds, so recovery never takes much longer than a few parses.
    rounds = max(2, min(MAX_SYNTAX_ERRORS, RECOVERY_BUDGET // max(1, len(text))))
    for _ in range(rounds):
        try:
            tree = parser().parse(text)
        except lark_errors.UnexpectedInput as error:
            diagnostic, repaired = _diagnose(error, text, source)
            diagnostics.append(diagnostic)
            if repaired is None or repaired == text:
                break
            text = repaired
            continue
        if len(text) > len(source.text):
            _clamp(tree, source)
        return Parsed(source, tree, comments(source), tuple(diagnostics))
    return Parsed(source, None, comments(source), tuple(diagnostics))


def _clamp(tree: lark.Tree[lark.Token], source: SourceFile) -> None:
    """Place the ``}`` that recovery appended at the end of the file, so that no token or
    rule of the tree, and no span lowering takes from them, reaches past the text."""
    end = len(source.text)
    line, column = source.line_col(end)
    for token in tree.scan_values(lambda value: isinstance(value, lark.Token)):
        if (token.end_pos or 0) > end:
            if (token.start_pos or 0) > end:
                token.start_pos, token.line, token.column = end, line, column
            token.end_pos, token.end_line, token.end_column = end, line, column
    for subtree in tree.iter_subtrees():
        meta = subtree.meta
        if not meta.empty and meta.end_pos > end:
            if meta.start_pos > end:
                meta.start_pos, meta.line, meta.column = end, line, column
            meta.end_pos, meta.end_line, meta.end_column = end, line, column


def comments(source: SourceFile) -> tuple[Comment, ...]:
    """Every ``#`` comment, found the way the lexer finds them (not inside strings)."""
    return tuple(
        Comment(Span(source, m.start(), m.end()), m.group())
        for m in _LEXEMES.finditer(source.text)
        if m.group().startswith("#")
    )


def _blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` but its line breaks with spaces: offsets stay true.

    Line by line, not a substitution per character, which would hold a list entry for
    each character of a long broken line."""
    lines = text[start:end].split("\n")
    return text[:start] + "\n".join(" " * len(line) for line in lines) + text[end:]


def _unclosed_braces(text: str, start: int = 0, end: int | None = None) -> array.array[int]:
    """Offsets of the ``{`` in ``text[start:end]`` that are not closed there.

    In an array of machine integers: a run of a million ``{`` costs 8 MB, not 36."""
    stack = array.array("q")
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


def _unclosed_triple(text: str, at: int) -> int | None:
    """Where a ``\"\"\"`` string opens that no ``\"\"\"`` closes, when the quote at ``at``
    is one of its three (the lexer takes the first two for an empty string)."""
    for opening in (at - 2, at):
        if opening >= 0 and text.startswith('"""', opening):
            return opening if text.find('"""', opening + 3) < 0 else None
    return None


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
        opening = _unclosed_triple(text, at) if char == '"' else None
        if opening is not None:
            line_start, line_end = _line_range(text, opening)
            diagnostic = Diagnostic(
                codes.UNTERMINATED_STRING,
                "string is never closed",
                Span(source, opening, min(line_end, len(source.text))),
                label='no closing `"""` after this',
                hint='close it with `"""`',
            )
            # All that follows is the string as written: its lines are no statements.
            return diagnostic, _blank(text, line_start, len(text))
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
            label, hint = habits.character(char, text, at)
            diagnostic = Diagnostic(
                codes.UNEXPECTED_CHARACTER,
                f"unexpected character `{char}`",
                span,
                label=label,
                hint=hint,
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
        hint=habits.token(token, text, at) or _hint(token, expected, before),
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
