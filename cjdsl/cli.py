"""The ``cjdsl`` command line: thin wrappers over the library.

Diagnostics go to stderr, artefacts to stdout or files. Exit codes: 0 ok,
1 findings (errors, or warnings with ``--strict``), 2 usage or environment.
"""

from __future__ import annotations

import pathlib
import sys
from collections.abc import Sequence
from typing import Final

import click

from . import __version__, codes, document, files, rendering, reporting
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
    "--format",
    "format_",
    type=click.Choice(reporting.FORMATS),
    default="text",
    show_default=True,
    help="How to print diagnostics.",
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


def _output_format(format_: str | None, output: str | None) -> str:
    if format_:
        return format_
    suffix = pathlib.Path(output).suffix.lstrip(".").lower() if output and output != "-" else ""
    if suffix and suffix not in rendering.FORMATS:
        raise Fail(
            f"cannot tell the format from `{output}`; pass -f one of {', '.join(rendering.FORMATS)}"
        )
    return {"gv": "dot"}.get(suffix, suffix) or "svg"


@cli.command("render")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "-o", "--output", help="Output file (`-`: stdout). Default: FILE with the format's suffix."
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(rendering.FORMATS),
    help="Output format. Default: from -o's suffix, else svg.",
)
@click.option(
    "--out-dir", type=click.Path(file_okay=False), help="Render several files into this folder."
)
@click.option("--persona", help="Only what this persona meets.")
@click.option("--theme", type=click.Choice(rendering.THEMES), default="light", show_default=True)
@click.option(
    "--direction",
    type=click.Choice(["LR", "TB"]),
    default="LR",
    show_default=True,
    help="Stages left to right, or top to bottom.",
)
@click.option(
    "--engine",
    type=click.Choice(rendering.engines.ENGINES),
    default="auto",
    show_default=True,
    help="System `dot`, the WebAssembly build, or the first that works.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds Graphviz may take before it is stopped.",
)
@click.option(
    "--diagnostics",
    "diagnostics_format",
    type=click.Choice(reporting.FORMATS),
    default="text",
    show_default=True,
    help="How to print diagnostics.",
)
def render_command(
    paths: tuple[str, ...],
    output: str | None,
    format_: str | None,
    out_dir: str | None,
    persona: str | None,
    theme: str,
    direction: str,
    engine: str,
    timeout: float,
    diagnostics_format: str,
) -> None:
    """Render journey files to SVG, PNG, PDF, DOT or Graphviz JSON."""
    if len(paths) > 1 and output:
        raise Fail("-o names one output; to render several files use --out-dir")
    fmt = _output_format(format_, output)
    failed = False
    for path in paths:
        doc = _load(path)
        if doc.diagnostics:
            _report(doc.diagnostics, diagnostics_format, 1)
        if not doc.ok or doc.journey is None:
            failed = True
            continue
        target = _target(path, output, out_dir, fmt)
        if files.same_file(path, target):
            raise Fail(f"refusing to overwrite the input {path}; choose another -o")
        data = rendering.render(
            doc.journey,
            format_=fmt,
            persona=persona,
            theme=theme,
            direction=direction,
            engine=engine,
            timeout=timeout,
        )
        try:
            if target != "-" and out_dir:
                pathlib.Path(out_dir).mkdir(parents=True, exist_ok=True)
            files.write_output(target, data)
        except OSError as error:
            raise Fail(f"cannot write {target}: {error.strerror or error}") from error
        if target != "-":
            click.echo(f"wrote {target}", err=True)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _target(path: str, output: str | None, out_dir: str | None, fmt: str) -> str:
    if output:
        return output
    stem = "journey" if path == "-" else pathlib.Path(path).stem
    if out_dir:
        return str(pathlib.Path(out_dir) / f"{stem}.{fmt}")
    if path == "-":
        return "-"
    return str(pathlib.Path(path).with_suffix(f".{fmt}"))


@cli.command("explain")
@click.argument("code", required=False)
@click.option("--all", "all_", is_flag=True, help="Print the whole reference as Markdown.")
def explain_command(code: str | None, all_: bool) -> None:
    """Explain a diagnostic code (CJ201 or dead-end), with an example and the fix."""
    if all_:
        click.echo(codes.markdown(), nl=False)
        return
    found = codes.lookup(code or "")
    if found is None:
        raise Fail(f"unknown code `{code}`; `cjdsl explain --all` lists every code")
    click.echo(codes.explain(found), nl=False)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="cjdsl")
    except BrokenPipeError:  # `cjdsl render … | head`: the reader left, nothing to say
        sys.stderr.close()
        sys.exit(EXIT_OK)
