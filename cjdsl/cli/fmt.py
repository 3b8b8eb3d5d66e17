"""`cjdsl fmt`: rewrite journey files in the one canonical layout."""

from __future__ import annotations

import dataclasses
import difflib
import errno
import pathlib
import sys
from collections.abc import Iterator
from typing import Final

import click

from .. import files, pipeline
from ..diagnostics import Diagnostic
from ..language import formatting, parsing
from . import common

__all__ = ["fmt_command"]

BOM: Final = b"\xef\xbb\xbf"


@dataclasses.dataclass(frozen=True, slots=True)
class _Result:
    """What formatting one input found: its text before and after, or why it was left alone."""

    path: str
    display: str
    old: str = ""
    new: str = ""
    changed: bool = False
    data: bytes = b""
    read: bytes = b""
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def fmt_command(paths: tuple[str, ...], check: bool, diff: bool, quiet: bool) -> None:
    """Format journey files in place (folders: every *.journey in them; `-`: stdin to stdout).

    Files with syntax errors are reported and never touched. Exit codes: 0 done or
    nothing to change, 1 syntax errors or (with --check/--diff) a file would change,
    2 a file could not be read or written.
    """
    dry = check or diff
    results = [
        _apply(_format(path), check=check, diff=diff, quiet=quiet) for path in _expand(paths)
    ]
    syntax = [d for r in results for d in r.diagnostics]
    if syntax:
        common.report(syntax, "text", sum(1 for r in results if r.diagnostics))
    if not quiet and any(path != "-" for path in paths):
        click.echo(_summary(results, dry), err=True)
    if any(r.error is not None for r in results):
        sys.exit(common.EXIT_ERROR)
    changed = dry and any(r.changed for r in results)
    sys.exit(common.EXIT_PROBLEMS if syntax or changed else common.EXIT_OK)


def _apply(result: _Result, *, check: bool, diff: bool, quiet: bool) -> _Result:
    """Print, diff or write one result; a failed write comes back as an error."""
    if result.error is not None:
        click.echo(result.error, err=True)
    elif result.diagnostics:
        pass  # reported together after every file
    elif diff:
        if result.changed:
            click.echo(_diff(result.old, result.new, result.display), nl=False)
    elif check:
        if result.changed and not quiet:
            click.echo(f"would reformat {result.display}", err=True)
    elif result.path == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
    elif result.changed:
        try:
            _refuse_if_changed(result)
            files.write_atomic(pathlib.Path(result.path), result.data)
        except OSError as error:
            message = f"cannot write {result.path}: {error.strerror or error}"
            click.echo(message, err=True)
            return dataclasses.replace(result, error=message)
        if not quiet:
            click.echo(f"reformatted {result.display}", err=True)
    return result


def _expand(paths: tuple[str, ...]) -> Iterator[str]:
    """The paths, with each folder replaced by the ``*.journey`` files under it that the
    project's ``exclude`` settings and ``.gitignore`` files leave (as `check` finds them)."""
    from ..configuration import Finder

    return common.journeys(paths, Finder())


def _format(path: str) -> _Result:
    try:
        data, display = files.read_input(path)
    except OSError as error:
        return _Result(path, path, error=f"cannot read {path}: {error.strerror or error}")
    source, problem = pipeline.decode(data, display)
    if problem is not None:
        return _Result(path, display, diagnostics=(problem,))
    parsed = parsing.parse(source)
    formatted = formatting.format_parsed(parsed)
    if formatted is None:
        return _Result(path, display, diagnostics=parsed.diagnostics)
    new = (BOM if data.startswith(BOM) else b"") + formatted.encode("utf-8")
    return _Result(path, display, source.text, formatted, new != data, new, data)


def _refuse_if_changed(result: _Result) -> None:
    """Raise if the file no longer holds the bytes that were formatted: an edit saved
    while ``fmt`` ran would be lost by replacing it."""
    now, _display = files.read_input(result.path)
    if now != result.read:
        raise OSError(
            errno.EAGAIN,
            "it changed while it was being formatted; nothing written, run fmt again",
        )


def _diff(old: str, new: str, name: str) -> str:
    """A unified diff that ``patch -p0`` applies; marks a last line without a newline."""
    lines = difflib.unified_diff(
        _patch_lines(old), _patch_lines(new), f"{name}\t(original)", f"{name}\t(formatted)"
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _patch_lines(text: str) -> list[str]:
    """Lines as ``patch`` counts them, ended by ``\\n`` only: ``str.splitlines`` also ends
    one at a form feed, U+0085, U+2028 or U+2029, which a journey may hold."""
    *lines, last = text.split("\n")
    return [line + "\n" for line in lines] + ([last] if last else [])


def _summary(results: list[_Result], dry: bool) -> str:
    changed = sum(1 for r in results if r.changed and r.error is None)
    same = sum(1 for r in results if not r.changed and not r.diagnostics and r.error is None)
    refused = sum(1 for r in results if r.diagnostics)
    failed = sum(1 for r in results if r.error is not None)
    parts = [
        _count(changed, "would be reformatted" if dry else "reformatted"),
        _count(same, "already formatted" if dry else "left unchanged"),
        _count(refused, "not formatted (errors)"),
        _count(failed, "failed"),
    ]
    return ", ".join(p for p in parts if p) or "no journey files found"


def _count(number: int, what: str) -> str:
    return f"{number} file{'s' if number != 1 else ''} {what}" if number else ""
