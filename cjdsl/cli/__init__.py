"""The ``cjdsl`` command line: thin wrappers over the library, one module per command.

Diagnostics go to stderr, artefacts to stdout or files. Exit codes: 0 ok,
1 findings (errors, or warnings with ``--strict``), 2 usage or environment.
Each command's module is imported only when that command runs (or ``--help``
lists them all), so ``cjdsl --version`` and ``cjdsl explain`` start without
the parser, and only ``analyze`` and the analysis options load NumPy and SciPy.
"""

from __future__ import annotations

import importlib
import sys
from typing import Final

import click

from .. import __version__
from .common import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, Fail

__all__ = ["COMMANDS", "EXIT_ERROR", "EXIT_OK", "EXIT_PROBLEMS", "Fail", "cli", "main"]

CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

COMMANDS: Final = {
    "analyze": "analyze:analyze_command",
    "attribute": "attribute:attribute_command",
    "check": "check:check_command",
    "config": "config:config_command",
    "diff": "diff:diff_command",
    "discover": "discover:discover_command",
    "explain": "explain:explain_command",
    "export": "export:export_command",
    "fit": "fit:fit_command",
    "fmt": "fmt:fmt_command",
    "import": "importing:import_command",
    "lsp": "lsp:lsp_command",
    "preview": "preview:preview_command",
    "render": "render:render_command",
    "score": "score:score_command",
    "watch": "watch:watch_command",
}
"""Each command and where it is defined (``module:object`` under ``cjdsl.cli``)."""


class _Group(click.Group):
    """Loads a command's module when the command is asked for (click's documented
    lazy group), and turns the library's environment errors into ``Fail`` and Ctrl-C
    into one line and exit 130 (click would say "Aborted!" and exit 1)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return super().get_command(ctx, cmd_name)
        module, name = where.split(":")
        command = getattr(importlib.import_module(f".{module}", __name__), name)
        assert isinstance(command, click.Command), where
        return command

    def invoke(self, ctx: click.Context) -> object:
        from ..errors import CjdslError

        try:
            return super().invoke(ctx)
        except CjdslError as error:
            raise Fail(str(error)) from error
        except KeyboardInterrupt:  # Ctrl-C in any command, or while its module loads
            from .progress import Interrupted

            raise Interrupted() from None


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", package_name="cjdsl")
def cli() -> None:
    """Customer journeys as code: check, render and analyse .journey files."""


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="cjdsl")
    except BrokenPipeError:  # `cjdsl render … | head`: the reader left, nothing to say
        sys.stderr.close()
        sys.exit(EXIT_OK)
