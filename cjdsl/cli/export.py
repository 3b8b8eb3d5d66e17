"""`cjdsl export`: a journey in another tool's format (Mermaid, D2, JSON, CSV, XLSX).

The output goes to ``-o`` or stdout; what the format cannot carry is said on stderr.
Exit codes: 0 written, 1 the journey has errors (nothing written), 2 usage or I/O.
"""

from __future__ import annotations

import sys
from typing import Final

import click

from .. import files
from . import common

__all__ = ["FORMATS", "export_command"]

FORMATS: Final = ("mermaid-journey", "mermaid-flowchart", "d2", "json", "csv", "xlsx")


@click.command("export")
@click.argument("path", type=click.Path(allow_dash=True))
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    required=True,
    help="The format to write.",
)
@click.option("-o", "--output", default="-", help="The file to write (default: stdout).")
@click.option(
    "--german", is_flag=True, help="csv/xlsx: German column headers (Phase, Kontaktpunkt …)."
)
@click.option(
    "--delimiter", default=",", show_default=True, help="csv: the separator (`;` for German Excel)."
)
@click.option("-q", "--quiet", is_flag=True, help="Do not say what the format leaves out.")
def export_command(
    path: str, format_: str, output: str, german: bool, delimiter: str, quiet: bool
) -> None:
    """Write a journey as a Mermaid journey diagram or flowchart, D2, JSON (the whole model,
    schema in docs/journey.schema.json), or a touchpoint table (CSV, XLSX)."""
    from ..rendering.exporters import d2, json, mermaid, tables

    if len(delimiter) != 1:
        raise common.Fail("--delimiter is one character, e.g. ';'")
    if format_ == "xlsx" and output == "-" and sys.stdout.isatty():
        raise common.Fail("an .xlsx workbook is binary: write it to a file with -o")
    doc = common.load(path)
    if shown := common.problems(doc.diagnostics):
        common.report(shown, "text", 1)
    if not doc.ok or doc.journey is None:
        sys.exit(common.EXIT_PROBLEMS)
    journey = doc.journey
    files.refuse_input(path, output)
    lost: tuple[str, ...]
    if format_ == "xlsx":
        try:
            data, lost = tables.xlsx(journey, german=german)
        except ImportError as error:
            raise common.Fail("writing .xlsx needs openpyxl: pip install 'cjdsl[xlsx]'") from error
    else:
        made = {
            "mermaid-journey": mermaid.journey,
            "mermaid-flowchart": mermaid.flowchart,
            "d2": d2.d2,
            "json": json.export,
        }.get(format_)
        export = made(journey) if made else tables.csv(journey, german=german, delimiter=delimiter)
        data, lost = export.data.encode("utf-8"), export.lost
    try:
        files.write_output(output, data, source=path)
    except OSError as error:
        raise common.Fail(f"cannot write {output}: {error.strerror or error}") from error
    if lost and not quiet:
        click.echo(f"{format_} cannot carry, so left out:", err=True)
        for item in lost:
            click.echo(f"  - {item}", err=True)
    if output != "-":
        click.echo(f"wrote {output}", err=True)
    sys.exit(common.EXIT_OK)
