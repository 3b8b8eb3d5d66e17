"""The ``cjdsl`` command line: thin wrappers over the library.

Diagnostics go to stderr, artefacts to stdout or files. Exit codes: 0 ok,
1 findings (errors, or warnings with ``--strict``), 2 usage or environment.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Final

import click

from . import __version__, document, files, reporting
from .diagnostics import Diagnostic, Severity
from .document import Document
from .errors import CjdslError

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_PROBLEMS", "cli", "main"]

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_ERROR: Final = 2

CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Fail(click.ClickException):
    """A usage, I/O or environment problem: one line on stderr, exit 2."""

    exit_code = EXIT_ERROR


class _Group(click.Group):
    """Turns the library's environment errors into ``Fail`` for every command."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CjdslError as error:
            raise Fail(str(error)) from error


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", package_name="cjdsl")
def cli() -> None:
    """Customer journeys as code: check, render and analyse .journey files."""


def _load(path: str) -> Document:
    """Load a path or ``-`` (stdin); I/O problems exit 2 with a one-line message."""
    try:
        data, display = files.read_input(path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise Fail(f"cannot read {path}: {reason}") from error
    source, problem = document.decode(data, display)
    if problem is not None:
        from . import parsing

        return Document(source, parsing.Parsed(source, None, (), ()), None, (problem,))
    return document.compile_source(source)


def _report(diagnostics: Sequence[Diagnostic], format_: str, files_count: int) -> None:
    """Print diagnostics to stderr (json to stdout, for piping)."""
    if format_ == "json":
        click.echo(reporting.render_json(diagnostics), nl=False)
        return
    color = format_ == "text" and sys.stderr.isatty()
    text = reporting.render(diagnostics, format_=format_, color=color)
    if text:
        click.echo(text, nl=False, err=True)
    if format_ == "text":
        click.echo(reporting.summary(diagnostics, files_count), err=True)


FORMAT_OPTION = click.option(
    "--format", "format_", type=click.Choice(reporting.FORMATS), default="text",
    show_default=True, help="How to print diagnostics.",
)


@cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@FORMAT_OPTION
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check_command(paths: tuple[str, ...], format_: str, strict: bool) -> None:
    """Check journey files (`-` reads stdin) and report every problem found."""
    diagnostics = [d for path in paths for d in _load(path).diagnostics]
    _report(diagnostics, format_, len(paths))
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    sys.exit(EXIT_PROBLEMS if any(d.severity in failing for d in diagnostics) else EXIT_OK)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="cjdsl")
    except BrokenPipeError:  # `cjdsl render … | head`: the reader left, nothing to say
        sys.stderr.close()
        sys.exit(EXIT_OK)
