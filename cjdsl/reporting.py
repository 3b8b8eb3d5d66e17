"""Diagnostics to text (rustc/ruff style), JSON and GitHub workflow annotations.

The one place diagnostics are turned into words on a screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from .diagnostics import Diagnostic, Severity
from .source import Span

__all__ = ["FORMATS", "render", "render_github", "render_json", "render_text", "summary"]

FORMATS: Final = ("text", "json", "github")
_COLOURS: Final = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}
_BLUE: Final = "\x1b[1;34m"
_BOLD: Final = "\x1b[1m"
_RESET: Final = "\x1b[0m"


def render(diagnostics: Sequence[Diagnostic], *, format_: str = "text", color: bool = False) -> str:
    """Render diagnostics in one of ``FORMATS``."""
    if format_ == "json":
        return render_json(diagnostics)
    if format_ == "github":
        return render_github(diagnostics)
    return render_text(diagnostics, color=color)


def render_text(diagnostics: Iterable[Diagnostic], *, color: bool = False) -> str:
    """Render diagnostics the way rustc and ruff do, with the source line and carets."""
    return "".join(_text(d, color) + "\n" for d in diagnostics)


def _text(d: Diagnostic, color: bool) -> str:
    def paint(style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if color else text

    line, col = d.span.file.line_col(d.span.start)
    width = len(str(max(line, *(r.span.line for r in d.related)) if d.related else line))
    gutter = " " * width
    head = paint(_COLOURS[d.severity], f"{d.severity.value}[{d.code.id}]")
    out = [
        f"{head}{paint(_BOLD, ': ' + d.message)}",
        f"{gutter}{paint(_BLUE, '-->')} {d.span}",
        f"{gutter} {paint(_BLUE, '|')}",
    ]
    out += _snippet(d.span, d.label, width, paint, _COLOURS[d.severity], "^")
    for related in d.related:
        if related.span.file is not d.span.file:
            out.append(f"{gutter} {paint(_BLUE, '|')} ... {related.span}")
        out += _snippet(related.span, related.message, width, paint, _BLUE, "-")
    if d.hint:
        out.append(f"{gutter} {paint(_BLUE, '=')} {paint(_BOLD, 'help')}: {d.hint}")
    del col
    return "\n".join(out) + "\n"


def _snippet(
    span: Span, label: str, width: int, paint: Callable[[str, str], str], style: str, mark: str
) -> list[str]:
    line, col = span.file.line_col(span.start)
    end_line, end_col = span.file.line_col(span.end)
    text = span.file.line_text(line) if line <= span.file.line_count else ""
    shown = text.expandtabs(1)
    stop = end_col if end_line == line else len(text) + 1
    carets = mark * max(1, stop - col)
    number = paint(_BLUE, f"{line:>{width}} |")
    pad = paint(_BLUE, f"{' ' * width} |")
    lines = [f"{number} {shown}".rstrip()]
    lines.append(f"{pad} {' ' * (col - 1)}{paint(style, (carets + ' ' + label).rstrip())}")
    return lines


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    """One JSON document: ``{"version": 1, "diagnostics": [...]}``, positions 1-based."""
    items = []
    for d in diagnostics:
        line, col = d.span.file.line_col(d.span.start)
        end_line, end_col = d.span.end_line_col
        items.append(
            {
                "code": d.code.id,
                "name": d.code.name,
                "severity": d.severity.value,
                "message": d.message,
                "label": d.label,
                "hint": d.hint,
                "path": d.span.file.path,
                "start": {"line": line, "column": col, "offset": d.span.start},
                "end": {"line": end_line, "column": end_col, "offset": d.span.end},
                "related": [
                    {
                        "message": r.message,
                        "path": r.span.file.path,
                        "line": r.span.line,
                        "column": r.span.col,
                    }
                    for r in d.related
                ],
            }
        )
    return json.dumps({"version": 1, "diagnostics": items}, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: annotations on the changed files."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out = []
    for d in diagnostics:
        line, col = d.span.file.line_col(d.span.start)
        end_line, end_col = d.span.end_line_col
        props = (
            f"file={_escape_property(d.span.file.path)},line={line},col={col},"
            f"endLine={end_line},endColumn={end_col},"
            f"title={_escape_property(f'{d.code.id} {d.code.name}')}"
        )
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        out.append(f"::{level[d.severity]} {props}::{_escape_data(message)}\n")
    return "".join(out)


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
