"""`cjdsl lsp`: run the language server over stdin/stdout for an editor."""

from __future__ import annotations

import click

from . import common

__all__ = ["lsp_command"]

INSTALL_HINT = "the language server needs pygls: pip install 'cjdsl[lsp]'"


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only way).")
def lsp_command(stdio: bool) -> None:
    """Run the language server (diagnostics, hover, completion …) for editors, over stdio."""
    del stdio  # editors pass it by habit (vscode-languageclient does); stdio is all there is
    try:
        from ..lsp import server
    except ImportError as error:
        if (error.name or "").split(".")[0] in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise common.Fail(f"{INSTALL_HINT} ({error})") from error
        raise
    server.serve()
