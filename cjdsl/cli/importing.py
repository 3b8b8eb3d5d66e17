"""`cjdsl import mermaid|table`: a journey from a Mermaid diagram or a touchpoint table.

The journey is written as formatted ``.journey`` text (``cjdsl.dumps``) to ``-o`` or stdout;
what the input says that a journey cannot (or what Mermaid lets pass) is reported on stderr,
located in the input. Exit codes: 0 written (warnings included), 2 the input cannot be read
or holds errors (nothing is written).
"""

from __future__ import annotations

import pathlib
import sys

import click

from .. import files
from ..diagnostics import has_errors
from . import common

__all__ = ["import_command"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@click.group("import")
def import_command() -> None:
    """Make a .journey file from a Mermaid journey diagram or a touchpoint table."""


@import_command.command("mermaid")
@click.argument("path", type=click.Path(allow_dash=True))
@click.option("-o", "--output", default="-", help="The .journey file to write (default: stdout).")
@click.option(
    "--title", help="The journey's title when the diagram has none (default: the file name)."
)
@common.format_option
def mermaid_command(path: str, output: str, title: str | None, format_: str) -> None:
    """Read a Mermaid `journey` diagram: sections become stages, tasks touchpoints (chained
    in order), actors personas, the score 1–5 the emotion −2…+2."""
    from ..interop import mermaid

    data, display = _read(path)
    text = _text(data, display)
    imported = mermaid.read(text, path=display, title=title or _stem(path))
    _finish(imported, display, output, path, format_)


@import_command.command("table")
@click.argument("path", type=click.Path(allow_dash=True))
@click.option("-o", "--output", default="-", help="The .journey file to write (default: stdout).")
@click.option("--title", help="The journey's title (default: the file name).")
@click.option("--sheet", help="The workbook's sheet to read (default: the first).")
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="KEY=HEADER",
    help="Read the column headed HEADER as KEY (stage, touchpoint, id, kind, channel, "
    "channel_kind, personas, emotion, description, action, motivation, question, pain, "
    "opportunity, kpi, cost, reach, owner, link, tags, events, next); repeatable.",
)
@common.format_option
def table_command(
    path: str,
    output: str,
    title: str | None,
    sheet: str | None,
    columns: tuple[str, ...],
    format_: str,
) -> None:
    """Read a touchpoint table (CSV, or XLSX with `cjdsl[xlsx]`): one row per touchpoint,
    English or German headers, rows chained in order unless a `Next` column says otherwise."""
    from ..interop import layout, sheets, tables

    custom = _columns(columns, {c.key for c in layout.COLUMNS})
    data, display = _read(path)
    if path.lower().endswith(XLSX_SUFFIXES):
        grid = sheets.read_xlsx(data, path=display, sheet=sheet)
    else:
        if sheet is not None:
            raise common.Fail("--sheet is for .xlsx workbooks; a CSV file has one table")
        grid = sheets.read_csv(data, path=display)
    imported = tables.read(grid, columns=custom, title=title or _stem(path))
    _finish(imported, display, output, path, format_)


def _read(path: str) -> tuple[bytes, str]:
    try:
        return files.read_input(path)
    except OSError as error:
        raise common.Fail(f"cannot read {path}: {error.strerror or error}") from error


def _text(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise common.Fail(f"{display} is not UTF-8 text (byte {error.start})") from error


def _stem(path: str) -> str:
    return "Journey" if path == "-" else pathlib.Path(path).stem


def _columns(pairs: tuple[str, ...], keys: set[str]) -> dict[str, str]:
    custom: dict[str, str] = {}
    for pair in pairs:
        key, equals, header = pair.partition("=")
        key = key.strip()
        if not equals or not header.strip():
            raise common.Fail(f"--column {pair!r}: write KEY=HEADER, e.g. pain='Was nervt'")
        if key not in keys:
            raise common.Fail(
                f"--column {pair!r}: `{key}` is no column; one of {', '.join(sorted(keys))}"
            )
        custom[key] = header.strip()
    return custom


def _finish(imported: object, display: str, output: str, source: str, format_: str) -> None:
    """Report what was found; write the journey unless there were errors."""
    from .. import diagnostics as diagnostics_module
    from ..interop.building import Imported
    from ..language import writing

    assert isinstance(imported, Imported)
    found = diagnostics_module.sort(imported.diagnostics)
    if found:
        common.report(found, format_, 1)
    if imported.journey is None or has_errors(found):
        sys.exit(common.EXIT_ERROR)
    text = writing.dumps(imported.journey)
    try:
        files.write_output(output, text.encode("utf-8"), source=None if source == "-" else source)
    except OSError as error:
        raise common.Fail(f"cannot write {output}: {error.strerror or error}") from error
    if output != "-":
        click.echo(f"wrote {output}", err=True)
    sys.exit(common.EXIT_OK)
