"""Diagnostics as text (rustc/ruff style), and what every format prints inert.

What a journey's author wrote is printed inert: control characters (a terminal's ESC, OSC
and BEL sequences, C1 codes, bidirectional overrides) are shown as escapes, in a terminal
or a log alike; and only journey files (and cjdsl's own configuration files) are quoted,
so an import of ``/etc/passwd`` or a ``.env`` file prints its path and position, never
its lines (``quotable``).
"""

from __future__ import annotations

import collections
import dataclasses
import os
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from ..diagnostics import Diagnostic, Severity
from ..source import SourceFile, Span

__all__ = [
    "CONFIG_NAMES",
    "IMPORTED_SUFFIXES",
    "JOURNEY_SUFFIX",
    "inert",
    "quotable",
    "render_text",
    "shown",
    "summary",
]

_COLOURS: Final = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}
_BLUE: Final = "\x1b[1;34m"
_BOLD: Final = "\x1b[1m"
_RESET: Final = "\x1b[0m"
JOURNEY_SUFFIX: Final = ".journey"
IMPORTED_SUFFIXES: Final = (JOURNEY_SUFFIX, ".mmd", ".mermaid", ".csv")
"""Files whose lines a diagnostic may quote: journeys, and what ``cjdsl import`` reads."""
CONFIG_NAMES: Final = ("cjdsl.toml", "pyproject.toml")
"""The configuration files a diagnostic may quote: ones cjdsl read as its own."""
_BIDI: Final = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def inert(text: str) -> str:
    r"""``text`` with what a terminal would act on shown as escapes: control characters
    (C0, DEL, C1), line and paragraph separators and bidirectional controls. Letters,
    umlauts, emoji and every other printable character stay as they are.

    >>> inert("Kündigung \x1b]0;owned\x07 \u202e!")
    'Kündigung \\x1b]0;owned\\x07 \\u202e!'
    """
    if text.isprintable():
        return text
    return "".join(_escape(c) for c in text)


def _escape(char: str) -> str:
    if char in _BIDI or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    return char


def quotable(file: SourceFile) -> bool:
    """True when the text output may quote lines of ``file``: a text given directly
    (``<stdin>``, ``<string>``), or a ``*.journey`` file that is one after symbolic
    links are followed (or a Mermaid or CSV file, which ``cjdsl import`` reads, or a
    configuration file of ``CONFIG_NAMES``). Anything
    else that reached a diagnostic (an import of
    ``/etc/passwd``, ``/proc/self/environ``, a ``.env`` file, or a ``x.journey`` link
    to one) is shown by path and position only, and its syntax errors once.
    """
    path = file.path
    if path == "-" or (path.startswith("<") and path.endswith(">")):
        return True
    if os.path.basename(path) in CONFIG_NAMES:
        return os.path.basename(os.path.realpath(path)) in CONFIG_NAMES
    return path.endswith(IMPORTED_SUFFIXES) and os.path.realpath(path).endswith(IMPORTED_SUFFIXES)


def render_text(diagnostics: Iterable[Diagnostic], *, color: bool = False) -> str:
    """Render diagnostics the way rustc and ruff do, with the source line and carets
    (of journey files only: see ``quotable``)."""
    found, quoted = _shown(diagnostics)
    return "".join(_text(d, color, quoted) + "\n" for d in found)


def shown(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics to print, the syntax errors of each file that may not be quoted
    (``quotable``) folded into one that names no text of it: the first one's place, and
    how many there are."""
    return _shown(diagnostics)[0]


def _shown(
    diagnostics: Iterable[Diagnostic],
) -> tuple[list[Diagnostic], Callable[[SourceFile], bool]]:
    """``shown``, and which files may be quoted (each file's verdict found once)."""
    verdicts: dict[SourceFile, bool] = {}

    def quoted(file: SourceFile) -> bool:
        if file not in verdicts:
            verdicts[file] = quotable(file)
        return verdicts[file]

    found = list(diagnostics)
    folds = [not quoted(d.span.file) and d.code.id.startswith("CJ0") for d in found]
    counts = collections.Counter(d.span.file for d, fold in zip(found, folds, strict=True) if fold)
    out: list[Diagnostic] = []
    for d, fold in zip(found, folds, strict=True):
        if not fold:
            out.append(d)
        elif count := counts.pop(d.span.file, 0):  # the first of the file's: stands for all
            out.append(_folded(d, count))
    return out, quoted


def _folded(first: Diagnostic, count: int) -> Diagnostic:
    """One diagnostic for the syntax errors of a file that is no journey: where the
    first is, and how many there are, without a word of the file's text."""
    problems = f"{count} syntax error{'s' if count != 1 else ''}"
    return dataclasses.replace(
        first,
        message=f"`{first.span.file.path}` does not read as a journey ({problems}, not shown)",
        label="not shown: this is no .journey file",
        hint="only `.journey` files are quoted: is this the file meant, by name or import?",
        related=(),
    )


def _text(d: Diagnostic, color: bool, quoted: Callable[[SourceFile], bool]) -> str:
    def paint(style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if color else text

    line = d.span.line
    width = len(str(max(line, *(r.span.line for r in d.related)) if d.related else line))
    gutter = " " * width
    head = paint(_COLOURS[d.severity], f"{d.severity.value}[{d.code.id}]")
    out = [
        f"{head}{paint(_BOLD, ': ' + inert(d.message))}",
        f"{gutter}{paint(_BLUE, '-->')} {inert(str(d.span))}",
        f"{gutter} {paint(_BLUE, '|')}",
    ]
    out += _snippet(d.span, d.label, width, paint, _COLOURS[d.severity], "^", quoted)
    for related in d.related:
        if related.span.file is not d.span.file:
            out.append(f"{gutter} {paint(_BLUE, '|')} ... {inert(str(related.span))}")
        out += _snippet(related.span, related.message, width, paint, _BLUE, "-", quoted)
    if d.hint:
        out.append(f"{gutter} {paint(_BLUE, '=')} {paint(_BOLD, 'help')}: {inert(d.hint)}")
    return "\n".join(out) + "\n"


def _snippet(
    span: Span,
    label: str,
    width: int,
    paint: Callable[[str, str], str],
    style: str,
    mark: str,
    quoted: Callable[[SourceFile], bool],
) -> list[str]:
    """The line of a span with carets under it; for a file that may not be quoted, the
    label alone."""
    pad = paint(_BLUE, f"{' ' * width} |")
    if not quoted(span.file):
        return [f"{pad} {paint(style, inert(label))}".rstrip()]
    line, col = span.file.line_col(span.start)
    end_line, end_col = span.file.line_col(span.end)
    text = span.file.line_text(line).expandtabs(1) if line <= span.file.line_count else ""
    stop = end_col if end_line == line else len(text) + 1
    before, inside = inert(text[: col - 1]), inert(text[col - 1 : stop - 1])
    carets = mark * max(1, len(inside))
    number = paint(_BLUE, f"{line:>{width}} |")
    lines = [f"{number} {before}{inside}{inert(text[stop - 1 :])}".rstrip()]
    lines.append(f"{pad} {' ' * len(before)}{paint(style, (carets + ' ' + inert(label)).rstrip())}")
    return lines


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """``2 errors, 1 warning, 1 info in 3 files``; ``no problems in 3 files (1 info)``.

    Infos are findings worth a look, not problems, so they never turn the
    verdict.
    """
    counts = {s: sum(d.severity is s for d in diagnostics) for s in Severity}
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    where = f"{files} file{'s' if files != 1 else ''}"
    if counts[Severity.ERROR] or counts[Severity.WARNING]:
        return f"{', '.join(parts)} in {where}"
    return f"no problems in {where}" + (f" ({parts[0]})" if parts else "")
