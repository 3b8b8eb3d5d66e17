"""Diagnostics as GitHub Actions workflow commands: annotations on a pull request's files."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from .text import inert, shown

__all__ = ["render_github"]


def _escape_data(text: str) -> str:
    return inert(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: annotations on the changed files."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out = []
    for d in shown(diagnostics):
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
