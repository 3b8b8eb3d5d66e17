"""`cjdsl check`: report every problem of journey files."""

from __future__ import annotations

import sys

import click

from . import common

__all__ = ["check_command"]


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@common.format_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check_command(paths: tuple[str, ...], format_: str, strict: bool) -> None:
    """Check journey files (`-` reads stdin) and report every problem found."""
    from ..diagnostics import Severity

    diagnostics = [d for path in paths for d in common.load(path).diagnostics]
    common.report(diagnostics, format_, len(paths))
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    sys.exit(
        common.EXIT_PROBLEMS if any(d.severity in failing for d in diagnostics) else common.EXIT_OK
    )
