"""What every command shares: exit codes, the one-line failure, loading and reporting.

Importing it costs click only: the library is imported by the functions that use it,
so `cjdsl --version` and `cjdsl explain` start as fast as click does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..pipeline import Document

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "Fail",
    "format_option",
    "load",
    "problems",
    "report",
]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_ERROR: Final = 2


class Fail(click.ClickException):
    """A usage, I/O or environment problem: one line on stderr, exit 2."""

    exit_code = EXIT_ERROR


def load(path: str) -> Document:
    """Load a path or ``-`` (stdin); I/O problems exit 2 with a one-line message."""
    from .. import files, pipeline  # the parser, NetworkX: only for commands that read journeys

    try:
        data, display = files.read_input(path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise Fail(f"cannot read {path}: {reason}") from error
    return pipeline.compile_bytes(data, display)


def problems(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Errors and warnings: what a command that makes something reports.

    Infos (funnel order, CJ5xx) are worth a look while checking, not on every
    render or analysis; `cjdsl check` shows them.
    """
    from ..diagnostics import Severity

    return [d for d in diagnostics if d.severity is not Severity.INFO]


def report(diagnostics: Sequence[Diagnostic], format_: str, files_count: int) -> None:
    """Print diagnostics to stderr (json to stdout, for piping)."""
    from .. import reporting

    if format_ == "json":
        click.echo(reporting.render_json(diagnostics), nl=False)
        return
    color = format_ == "text" and sys.stderr.isatty() and "NO_COLOR" not in os.environ
    text = reporting.render(diagnostics, format_=format_, color=color)
    if text:
        click.echo(text, nl=False, err=True)
    if format_ == "text":
        click.echo(reporting.summary(diagnostics, files_count), err=True)


def format_option(command: F) -> F:
    """``--format text|json|github``: how a command prints diagnostics."""
    from .. import reporting

    return click.option(
        "--format",
        "format_",
        type=click.Choice(reporting.FORMATS),
        default="text",
        show_default=True,
        help="How to print diagnostics.",
    )(command)
