"""`cjdsl explain`: what a diagnostic code means, with an example and the fix.

Its own module so that it starts without the parser: only the code table is read.
"""

from __future__ import annotations

import click

from .. import codes
from . import common

__all__ = ["explain_command"]


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
