"""Aggregated path tables (ChannelAttribution's format) → ``Paths``, read line by line.

The format most teams already have::

    path;total_conversions;total_conversion_value;total_null
    Suche > Newsletter > Direkt;12;1340.5;80

Steps are joined by `` > `` (the separator's surrounding spaces are optional: ``a>b``
reads as ``a > b``); the column separator, the step separator and the four column names
are a ``Layout``. The value and null columns may be missing (then 0). Rows with the same
path are added up. The reader takes an iterable of lines (bytes or str), so a table of
millions of rows streams through ``cjdsl.files.read_lines`` in memory linear in its
distinct paths; every problem stops it with a ``PathTableError`` at a row and column,
saying what was expected and what to do.

>>> paths = read(["path;total_conversions;total_null", "Süd > Nord;1;2", "Nord;0;1"])
>>> paths.channels, paths.steps(0), float(paths.conversions.sum())
(('Nord', 'Süd'), ('Süd', 'Nord'), 1.0)
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..errors import CjdslError

__all__ = ["DEFAULT_LAYOUT", "Layout", "PathTableError", "Paths", "build", "read"]

Array = NDArray[np.float64]
_SEPARATOR_HINTS: Final = {",": "','", "\t": "'\\t'", ";": "';'", "|": "'|'"}


@dataclasses.dataclass(frozen=True, slots=True)
class Layout:
    """How a path table is written: separators and column names (ChannelAttribution's)."""

    separator: str = ";"
    step_separator: str = " > "
    path: str = "path"
    conversions: str = "total_conversions"
    value: str = "total_conversion_value"
    null: str = "total_null"

    def __post_init__(self) -> None:
        if len(self.separator) != 1 or self.separator in '"\r\n':
            raise ValueError(
                f"the column separator must be one character other than a quote or a line "
                f"break, not `{self.separator}`"
            )
        if not self.step_separator.strip():
            raise ValueError("the step separator must not be empty or only spaces")


DEFAULT_LAYOUT: Final = Layout()


class PathTableError(CjdslError):
    """A path table cannot be read: where (row, column), what was expected, a hint."""

    def __init__(
        self, source: str, row: int, column: int, name: str, message: str, hint: str
    ) -> None:
        where = f"{source}: row {row}"
        if column:
            where += f", column {column}" + (f" (`{name}`)" if name else "")
        super().__init__(f"{where}: {message}\n  = help: {hint}")
        self.source, self.row, self.column, self.hint = source, row, column, hint
        self.reason = message


@dataclasses.dataclass(frozen=True, eq=False)
class Paths:
    """Distinct journeys with their counts, the input of every attribution model.

    Path ``i`` is ``flat[offsets[i]:offsets[i + 1]]`` (indices into ``channels``, sorted
    names); ``conversions``, ``value`` and ``null`` are per path. ``times`` (each
    touch's time, epoch seconds) and ``ends`` (each path's conversion time, ``nan`` where
    it did not convert) exist only when the paths come from an event log, one row per
    journey: time decay needs them.
    """

    channels: tuple[str, ...]
    flat: NDArray[np.int64]
    offsets: NDArray[np.int64]
    conversions: Array
    value: Array
    null: Array
    has_value: bool = True
    has_null: bool = True
    times: Array | None = None
    ends: Array | None = None

    @property
    def size(self) -> int:
        """How many distinct paths (rows)."""
        return len(self.offsets) - 1

    @property
    def lengths(self) -> NDArray[np.int64]:
        return np.diff(self.offsets)

    def steps(self, i: int) -> tuple[str, ...]:
        """Path ``i`` as channel names."""
        return tuple(self.channels[c] for c in self.flat[self.offsets[i] : self.offsets[i + 1]])


def build(
    rows: Iterable[tuple[Sequence[str], float, float, float]],
    *,
    has_value: bool = True,
    has_null: bool = True,
) -> Paths:
    """``Paths`` from ``(steps, conversions, value, null)`` rows; equal paths are added up.

    >>> build([(("a", "b"), 1, 5.0, 0), (("a", "b"), 0, 0.0, 2)]).null.tolist()
    [2.0]
    """
    index: dict[tuple[str, ...], int] = {}
    sums: list[list[float]] = []
    for steps, conversions, value, null in rows:
        key = tuple(steps)
        at = index.setdefault(key, len(index))
        if at == len(sums):
            sums.append([conversions, value, null])
        else:
            row = sums[at]
            row[0] += conversions
            row[1] += value
            row[2] += null
    channels = tuple(sorted({c for key in index for c in key}))
    number = {c: i for i, c in enumerate(channels)}
    flat = np.fromiter((number[c] for key in index for c in key), dtype=np.int64)
    offsets = np.zeros(len(index) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, index), dtype=np.int64, count=len(index)), out=offsets[1:])
    table = np.asarray(sums, dtype=np.float64).reshape(-1, 3)
    return Paths(
        channels,
        flat,
        offsets,
        np.ascontiguousarray(table[:, 0]),
        np.ascontiguousarray(table[:, 1]),
        np.ascontiguousarray(table[:, 2]),
        has_value=has_value,
        has_null=has_null,
    )


def read(
    lines: Iterable[bytes | str], *, layout: Layout = DEFAULT_LAYOUT, source: str = "<paths>"
) -> Paths:
    """Read a path table; the first line is the header.

    Raises:
        PathTableError: the first problem, at its row (1 = the header) and column.
    """
    reader = _Reader(layout, source)
    paths = build(reader.rows(lines))  # the header, read first, says which columns there are
    return dataclasses.replace(paths, has_value=reader.has_value, has_null=reader.has_null)


class _Reader:
    def __init__(self, layout: Layout, source: str) -> None:
        self.layout, self.source = layout, source
        self.row = 0
        self.has_value = self.has_null = False
        self.header: list[str] = []

    def fail(self, column: int, message: str, hint: str) -> PathTableError:
        """The error at ``column`` (1-based; 0: the whole row) of the current row."""
        name = self.header[column - 1] if 0 < column <= len(self.header) else ""
        return PathTableError(self.source, self.row, column, name, message, hint)

    def decoded(self, lines: Iterable[bytes | str]) -> Iterator[str]:
        for line in lines:
            self.row += 1
            if isinstance(line, bytes):
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as error:
                    at = len(line[: error.start].decode("utf-8", "replace")) + 1
                    raise self.fail(
                        0,
                        f"this is not UTF-8 (byte 0x{line[error.start]:02x} at character {at})",
                        "save the table as UTF-8 (umlauts are welcome, Latin-1 is not)",
                    ) from None
            else:
                text = line
            if self.row == 1:
                text = text.removeprefix("\ufeff")
            yield text.rstrip("\r\n")

    def rows(self, lines: Iterable[bytes | str]) -> Iterator[tuple[list[str], float, float, float]]:
        records = csv.reader(self.decoded(lines), delimiter=self.layout.separator, strict=True)
        try:
            header = next(records, None)
            if header is None:
                self.row = max(self.row, 1)
                raise self.fail(0, "the path table is empty", self._header_hint())
            columns = self.columns(header)
            width = len(header)
            for record in records:
                if not record or record == [""]:
                    continue
                if len(record) != width:
                    raise self.fail(
                        min(len(record), width) + 1,
                        f"this row has {len(record)} columns, the header {width}",
                        f"separate the columns with `{self.layout.separator}` and quote a "
                        "path that contains it",
                    )
                yield self.record(record, columns)
        except csv.Error as error:
            raise self.fail(0, f"this row is not valid CSV ({error})", "close the quote") from None

    def _header_hint(self) -> str:
        names = self.layout
        columns = (names.path, names.conversions, names.value, names.null)
        return f"the first line names the columns: {names.separator.join(columns)}"

    def columns(self, header: list[str]) -> tuple[int, int, int | None, int | None]:
        names = [h.strip() for h in header]
        layout = self.layout
        self.header = names

        def find(name: str, *, required: bool, option: str) -> int | None:
            if name in names:
                return names.index(name)
            if not required:
                return None
            close = difflib.get_close_matches(name, names, n=1)
            guess = f"did you mean `{close[0]}`? " if close else ""
            others = [s for s in _SEPARATOR_HINTS if s != layout.separator and s in header[0]]
            other = (
                f"; or the columns are separated by {_SEPARATOR_HINTS[others[0]]}" if others else ""
            )
            raise self.fail(
                0,
                f"no column `{name}`; the header has {', '.join(f'`{n}`' for n in names)}",
                f"{guess}name the column with `{option} NAME`{other}",
            )

        path = find(layout.path, required=True, option="--path-column")
        conversions = find(layout.conversions, required=True, option="--conversions-column")
        value = find(layout.value, required=False, option="--value-column")
        null = find(layout.null, required=False, option="--null-column")
        assert path is not None and conversions is not None
        self.has_value, self.has_null = value is not None, null is not None
        return path, conversions, value, null

    def record(
        self, record: list[str], columns: tuple[int, int, int | None, int | None]
    ) -> tuple[list[str], float, float, float]:
        path, conv_at, value_at, null_at = columns
        core = self.layout.step_separator.strip()
        steps = [s.strip() for s in record[path].split(core)]
        if not record[path].strip():
            raise self.fail(path + 1, "the path is empty", "a path names at least one channel")
        for number, step in enumerate(steps, 1):
            if not step:
                raise self.fail(
                    path + 1,
                    f"step {number} of the path `{record[path]}` is empty",
                    f"join channels with `{self.layout.step_separator}` and name each one",
                )
        conversions = self.number(record, conv_at)
        value = self.number(record, value_at) if value_at is not None else 0.0
        null = self.number(record, null_at) if null_at is not None else 0.0
        if value > 0 and conversions == 0:
            raise self.fail(
                (value_at or 0) + 1,
                f"a conversion value of {value:g} on a path without conversions",
                "conversion value belongs to converting journeys; put 0 or the conversions",
            )
        return steps, conversions, value, null

    def number(self, record: list[str], at: int) -> float:
        text = record[at].strip()
        try:
            x = float(text) if text else 0.0
        except ValueError:
            x = math.nan
        if not math.isfinite(x) or x < 0:
            raise self.fail(
                at + 1,
                f"expected a number ≥ 0, found `{text}`",
                "write counts and values as plain numbers with a decimal point (1234.5)",
            )
        return x
