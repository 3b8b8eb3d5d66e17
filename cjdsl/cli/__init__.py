"""The ``cjdsl`` command line: thin wrappers over the library, one module per command.

Diagnostics go to stderr, artefacts to stdout or files. Exit codes: 0 ok,
1 findings (errors, or warnings with ``--strict``), 2 usage or environment.
"""

from __future__ import annotations

import sys
from typing import Final

import click

from .. import __version__
from ..errors import CjdslError
from . import analyze, check, common, fmt, lsp, preview, render, watch
from .common import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, Fail

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_PROBLEMS", "Fail", "cli", "main"]

CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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


cli.add_command(check.check_command)
cli.add_command(check.explain_command)
cli.add_command(render.render_command)
cli.add_command(fmt.fmt_command)
cli.add_command(lsp.lsp_command)
cli.add_command(watch.watch_command)
cli.add_command(preview.preview_command)
cli.add_command(analyze.analyze_command)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="cjdsl")
    except BrokenPipeError:  # `cjdsl render … | head`: the reader left, nothing to say
        sys.stderr.close()
        sys.exit(common.EXIT_OK)
