"""Spreadsheet bytes (CSV or XLSX) as a grid of cells that know where they stand.

A diagnostic about a cell says its row and column, and points at it: in a CSV file at the
cell's own text (``shop.csv:5:19``), in an XLSX workbook at ``row:column`` (``shop.xlsx:5:3``
is C5), since a workbook has no lines to quote. CSV is read by a scanner of its own
(RFC 4180: quoted cells with ``""`` inside and line breaks, ``,`` ``;`` or tab between
cells, whichever the header row uses most), one pass, so it knows each cell's offset; UTF-8
(with or without a byte-order mark) or, failing that, Windows-1252, what German Excel saves.
XLSX needs ``openpyxl`` (``pip install 'cjdsl[xlsx]'``).
"""

from __future__ import annotations

import dataclasses
import datetime
import io
from typing import Final

from ..errors import CjdslError
from ..source import MAX_LINES, SourceFile, Span

__all__ = ["MAX_COLUMNS", "Cell", "Grid", "column_letter", "read_csv", "read_xlsx"]

MAX_COLUMNS: Final = 1000
"""The most columns read; a wider sheet is no touchpoint table."""


@dataclasses.dataclass(frozen=True, slots=True)
class Cell:
    """A cell's text (stripped), its 1-based row and column and where it stands."""

    text: str
    row: int
    column: int
    span: Span


@dataclasses.dataclass(frozen=True, slots=True)
class Grid:
    """The rows of a sheet, the header row first; the file the spans point into."""

    rows: tuple[tuple[Cell, ...], ...]
    source: SourceFile


def column_letter(column: int) -> str:
    """A 1-based column number as a spreadsheet names it.

    >>> column_letter(1), column_letter(26), column_letter(28)
    ('A', 'Z', 'AB')
    """
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark dropped), else Windows-1252 (what German Excel writes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes, *, path: str) -> Grid:
    """The cells of a CSV file."""
    text = decode(data).replace("\x00", "")
    source = SourceFile(path, text)
    delimiter = _delimiter(text)
    rows: list[tuple[Cell, ...]] = []
    row: list[Cell] = []
    pos, n = 0, len(text)
    while pos <= n:
        start = pos
        if pos < n and text[pos] == '"':
            parts: list[str] = []
            pos += 1
            while pos < n:
                quote = text.find('"', pos)
                if quote < 0:
                    parts.append(text[pos:])
                    pos = n
                    break
                parts.append(text[pos:quote])
                if text.startswith('""', quote):
                    parts.append('"')
                    pos = quote + 2
                else:
                    pos = quote + 1
                    break
            end = pos
            while pos < n and text[pos] not in (delimiter, "\n", "\r"):
                pos += 1  # text after the closing quote belongs to the cell, as Excel reads it
            value = "".join(parts) + text[end:pos]
        else:
            while pos < n and text[pos] not in (delimiter, "\n", "\r"):
                pos += 1
            value = text[start:pos]
        if len(row) < MAX_COLUMNS:
            row.append(_cell(value, len(rows) + 1, len(row) + 1, Span(source, start, pos)))
        if pos < n and text[pos] == delimiter:
            pos += 1
            continue
        rows.append(tuple(row))
        row = []
        if len(rows) > MAX_LINES:
            raise CjdslError(f"{path}: more than {MAX_LINES} rows; cjdsl reads no larger table")
        if text.startswith("\r\n", pos):
            pos += 2
        else:
            pos += 1
    while rows and all(not c.text for c in rows[-1]):
        rows.pop()
    return Grid(tuple(rows), source)


def read_xlsx(data: bytes, *, path: str, sheet: str | None = None) -> Grid:
    """The cells of a workbook's first sheet (or ``sheet``), values as shown (formulas'
    last results, numbers without a needless ``.0``).

    Raises:
        CjdslError: openpyxl is missing, the file is no workbook, or ``sheet`` is not in it.
    """
    try:
        import openpyxl
    except ImportError as error:
        raise CjdslError(
            "reading .xlsx needs openpyxl: pip install 'cjdsl[xlsx]' (or save the sheet as CSV)"
        ) from error
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise CjdslError(f"{path} is no readable .xlsx workbook ({error})") from error
    try:
        if sheet is not None and sheet not in book.sheetnames:
            names = ", ".join(f"`{n}`" for n in book.sheetnames)
            raise CjdslError(f"{path} has no sheet `{sheet}`; it has {names}")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        values: list[list[str]] = []
        for raw in worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            values.append([_shown(v) for v in raw])
            if len(values) > MAX_LINES:
                raise CjdslError(f"{path}: more than {MAX_LINES} rows; cjdsl reads no larger table")
    finally:
        book.close()
    while values and not any(v.strip() for v in values[-1]):
        values.pop()
    width = max((len(r) for r in values), default=0)
    # one character a cell, one line a row: a span's line:col is the cell's row:column
    source = SourceFile(path, "\n".join("." * width for _ in values))
    rows = tuple(
        tuple(
            _cell(text, r + 1, c + 1, Span(source, r * (width + 1) + c, r * (width + 1) + c + 1))
            for c, text in enumerate(row)
        )
        for r, row in enumerate(values)
    )
    return Grid(rows, source)


def _cell(value: str, row: int, column: int, span: Span) -> Cell:
    return Cell(value.replace("\r\n", "\n").strip(), row, column, span)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _delimiter(text: str) -> str:
    """The separator the header row uses most (outside quotes), ``,`` when none."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in text[: text.find("\n") if "\n" in text else len(text)]:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
