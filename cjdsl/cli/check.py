"""`cjdsl check` and `cjdsl explain`: report problems, and say what a code means."""

from __future__ import annotations

import sys

import click

from .. import codes
from ..diagnostics import Severity
from . import common

__all__ = ["check_command", "explain_command"]


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@common.FORMAT_OPTION
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check_command(paths: tuple[str, ...], format_: str, strict: bool) -> None:
    """Check journey files (`-` reads stdin) and report every problem found."""
    diagnostics = [d for path in paths for d in common.load(path).diagnostics]
    common.report(diagnostics, format_, len(paths))
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    sys.exit(
        common.EXIT_PROBLEMS if any(d.severity in failing for d in diagnostics) else common.EXIT_OK
    )


@click.command("explain")
@click.argument("code", required=False)
@click.option("--all", "all_", is_flag=True, help="Print the whole reference as Markdown.")
def explain_command(code: str | None, all_: bool) -> None:
    """Explain a diagnostic code (CJ201 or dead-end), with an example and the fix."""
    if all_:
        click.echo(codes.markdown(), nl=False)
        return
    if code is None:
        raise common.Fail("give a code (CJ201 or dead-end), or --all for every code")
    found = codes.lookup(code)
    if found is None:
        raise common.Fail(f"unknown code `{code}`; `cjdsl explain --all` lists every code")
    click.echo(codes.explain(found), nl=False)
