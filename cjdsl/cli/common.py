"""What every command shares: exit codes, the one-line failure, loading and reporting."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Final

import click

from .. import document, files, reporting
from ..diagnostics import Diagnostic, Severity
from ..document import Document

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "FORMAT_OPTION",
    "Fail",
    "load",
    "report",
]

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_ERROR: Final = 2


class Fail(click.ClickException):
    """A usage, I/O or environment problem: one line on stderr, exit 2."""

    exit_code = EXIT_ERROR


def load(path: str) -> Document:
    """Load a path or ``-`` (stdin); I/O problems exit 2 with a one-line message."""
    try:
        data, display = files.read_input(path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise Fail(f"cannot read {path}: {reason}") from error
    return document.compile_bytes(data, display)


def problems(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Errors and warnings: what a command that makes something reports.

    Infos (funnel order, CJ5xx) are worth a look while checking, not on every
    render or analysis; `cjdsl check` shows them.
    """
    return [d for d in diagnostics if d.severity is not Severity.INFO]


def report(diagnostics: Sequence[Diagnostic], format_: str, files_count: int) -> None:
    """Print diagnostics to stderr (json to stdout, for piping)."""
    if format_ == "json":
        click.echo(reporting.render_json(diagnostics), nl=False)
        return
    color = format_ == "text" and sys.stderr.isatty() and "NO_COLOR" not in os.environ
    text = reporting.render(diagnostics, format_=format_, color=color)
    if text:
        click.echo(text, nl=False, err=True)
    if format_ == "text":
        click.echo(reporting.summary(diagnostics, files_count), err=True)


FORMAT_OPTION = click.option(
    "--format",
    "format_",
    type=click.Choice(reporting.FORMATS),
    default="text",
    show_default=True,
    help="How to print diagnostics.",
)
