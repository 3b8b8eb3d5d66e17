"""Aggregated path tables (ChannelAttribution's format) → ``Paths``, a block at a time.

The format most teams already have::

    path;total_conversions;total_conversion_value;total_null
    Suche > Newsletter > Direkt;12;1340.5;80

Steps are joined by `` > `` (the separator's surrounding spaces are optional: ``a>b``
reads as ``a > b``); the column separator, the step separator and the four column names
are a ``Layout``. The value and null columns may be missing (then 0). Rows with the same
path are added up. The reader takes an iterable of lines or of blocks of whole lines
(bytes or str), so a table of millions of rows streams through ``cjdsl.files.read_blocks``
in memory linear in its distinct paths; every problem stops it with a ``PathTableError``
at a row and column, saying what was expected and what to do.

Longer than 450 lines: the block reader (whole blocks by string and array operations)
and the row reader (quotes, located errors) stand side by side because each must accept
exactly what the other does; the tests compare the two on random tables.

>>> paths = read(["path;total_conversions;total_null", "Süd > Nord;1;2", "Nord;0;1"])
>>> paths.channels, paths.steps(0), float(paths.conversions.sum())
(('Nord', 'Süd'), ('Süd', 'Nord'), 1.0)
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import itertools
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
    chunks: Iterable[bytes | str], *, layout: Layout = DEFAULT_LAYOUT, source: str = "<paths>"
) -> Paths:
    """Read a path table; the first line is the header.

    ``chunks`` are lines, or blocks of whole lines (``files.read_blocks``). A block of
    plain rows (no quotes, every row as wide as the header, numbers that parse, steps
    joined exactly by the step separator) is read by whole-block string and array
    operations; any other block, and everything after it, row by row, which is also
    where every error is found and located.

    Raises:
        PathTableError: the first problem, at its row (1 = the header) and column.
    """
    reader = _Reader(layout, source)
    collector = _Collector(layout)
    rest = iter(chunks)
    first = next(rest, None)
    if first is None:
        list(reader.rows([]))  # raises: the table is empty
    assert first is not None
    newline: bytes | str = b"\n" if isinstance(first, bytes) else "\n"
    at = first.find(newline)  # type: ignore[arg-type]
    header, body = (first, first[:0]) if at < 0 else (first[: at + 1], first[at + 1 :])
    columns, width = reader.header_line(header)
    pending: Iterator[bytes | str] = itertools.chain([body] if body else [], rest)
    for chunk in pending:
        block = (
            _fast(chunk, columns, width, layout, collector) if isinstance(chunk, bytes) else None
        )
        if block:
            reader.row += block
            continue
        lines = itertools.chain(_lines(chunk), (line for c in pending for line in _lines(c)))
        for steps, conversions, value, null in reader.body(lines, columns, width):
            collector.add(steps, conversions, value, null)
    return collector.paths(has_value=reader.has_value, has_null=reader.has_null)


def _lines(chunk: bytes | str) -> Iterator[bytes | str]:
    """The lines of a chunk, each with its line break."""
    newline: bytes | str = b"\n" if isinstance(chunk, bytes) else "\n"
    parts = chunk.split(newline)  # type: ignore[arg-type]
    for part in parts[:-1]:
        yield part + newline  # type: ignore[operator]
    if parts[-1]:
        yield parts[-1]


Columns = tuple[int, int, "int | None", "int | None"]


def _numbers(column: list[bytes]) -> Array | None:
    """A column of plain numbers ≥ 0, or ``None`` (the row-by-row reader says why)."""
    try:
        x: Array = np.fromiter(map(float, column), np.float64, len(column))
    except ValueError:
        return None
    if not bool(np.isfinite(x).all()) or bool((x < 0).any()):
        return None
    return x


def _fast(chunk: bytes, columns: Columns, width: int, layout: Layout, collector: _Collector) -> int:
    """Read a block of plain rows into ``collector`` at once; the rows read, 0 if the
    block is not plain (then nothing was added)."""
    if b'"' in chunk or not chunk.strip():
        return 0
    if b"\r" in chunk:
        chunk = chunk.replace(b"\r\n", b"\n")
        if b"\r" in chunk:
            return 0
    text = chunk[:-1] if chunk.endswith(b"\n") else chunk
    lines = text.split(b"\n")
    separator = layout.separator.encode()
    counts = list(map(bytes.count, lines, itertools.repeat(separator)))
    if min(counts) != width - 1 or max(counts) != width - 1:
        return 0  # also a blank line: the row reader skips it
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return 0
    fields = text.replace(b"\n", separator).split(separator)
    path_at, conv_at, value_at, null_at = columns
    conversions = _numbers(fields[conv_at::width])
    value = _numbers(fields[value_at::width]) if value_at is not None else np.zeros(len(lines))
    null = _numbers(fields[null_at::width]) if null_at is not None else np.zeros(len(lines))
    if conversions is None or value is None or null is None:
        return 0
    if bool(((value > 0) & (conversions == 0)).any()):
        return 0
    joined = layout.step_separator.encode()
    paths = fields[path_at::width]
    count = np.fromiter(map(bytes.count, paths, itertools.repeat(joined)), np.int64, len(paths))
    steps = joined.join(paths).split(joined)
    if len(steps) != int(count.sum()) + len(paths):
        return 0
    try:  # the channels are known after the first block, as a rule
        flat = collector.numbered(steps)
    except KeyError:
        core = layout.step_separator.strip()
        new = set(steps).difference(collector.ids)
        for step in new:
            name = step.decode("utf-8")
            if not name or name != name.strip() or core in name:
                return 0
        collector.learn(new)
        flat = collector.numbered(steps)
    collector.block(paths, count + 1, flat, conversions, value, null)
    return len(lines)


class _Collector:
    """The rows read so far, as arrays; equal paths are added up at the end."""

    def __init__(self, layout: Layout) -> None:
        self.joined = layout.step_separator.encode()
        self.ids: dict[bytes, int] = {}
        self.keys: list[bytes] = []
        self.parts: list[tuple[NDArray[np.int64], NDArray[np.int64], Array, Array, Array]] = []

    def learn(self, steps: Iterable[bytes]) -> None:
        """Number channels not seen before (in the order given)."""
        for step in steps:
            self.ids.setdefault(step, len(self.ids))

    def numbered(self, steps: list[bytes]) -> NDArray[np.int64]:
        """The channel numbers of ``steps`` (``KeyError`` for one not learnt yet)."""
        return np.fromiter(map(self.ids.__getitem__, steps), np.int64, len(steps))

    def block(
        self,
        keys: list[bytes],
        lengths: NDArray[np.int64],
        flat: NDArray[np.int64],
        conversions: Array,
        value: Array,
        null: Array,
    ) -> None:
        self.keys += keys
        self.parts.append((lengths, flat, conversions, value, null))

    def add(self, steps: list[str], conversions: float, value: float, null: float) -> None:
        encoded = [s.encode("utf-8") for s in steps]
        self.learn(encoded)
        self.block(
            [self.joined.join(encoded)],
            np.array([len(encoded)], dtype=np.int64),
            self.numbered(encoded),
            np.array([conversions]),
            np.array([value]),
            np.array([null]),
        )

    def paths(self, *, has_value: bool, has_null: bool) -> Paths:
        if self.parts:
            lengths, flat, conversions, value, null = (
                np.concatenate([part[i] for part in self.parts]) for i in range(5)
            )
        else:
            lengths, flat = np.zeros(0, np.int64), np.zeros(0, np.int64)
            conversions = value = null = np.zeros(0)
        names = [step.decode("utf-8") for step in self.ids]
        order = sorted(range(len(names)), key=names.__getitem__)
        rank = np.empty(len(names), dtype=np.int64)
        rank[order] = np.arange(len(names))
        flat = rank[flat] if len(flat) else flat
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if len(set(self.keys)) < len(self.keys):  # equal paths: added up, in the first's place
            unique = dict.fromkeys(self.keys)
            number = {key: i for i, key in enumerate(unique)}
            group = np.fromiter(map(number.__getitem__, self.keys), np.int64, len(self.keys))
            _, first = np.unique(group, return_index=True)
            conversions, value, null = (
                np.bincount(group, weights=x, minlength=len(unique))
                for x in (conversions, value, null)
            )
            kept = lengths[first]
            starts = np.repeat(offsets[:-1][first], kept)
            new = np.zeros(len(kept) + 1, dtype=np.int64)
            np.cumsum(kept, out=new[1:])
            flat = flat[starts + np.arange(int(new[-1])) - np.repeat(new[:-1], kept)]
            offsets = new
        return Paths(
            tuple(sorted(names)),
            flat,
            offsets,
            np.ascontiguousarray(conversions, dtype=np.float64),
            np.ascontiguousarray(value, dtype=np.float64),
            np.ascontiguousarray(null, dtype=np.float64),
            has_value=has_value,
            has_null=has_null,
        )


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
        """Every row of a whole table (header first), one at a time."""
        iterator = iter(lines)
        first = next(iterator, None)
        if first is None:
            self.row = max(self.row, 1)
            raise self.fail(0, "the path table is empty", self._header_hint())
        columns, width = self.header_line(first)
        yield from self.body(iterator, columns, width)

    def header_line(self, line: bytes | str) -> tuple[Columns, int]:
        """The columns the header names, and how many it has."""
        [text] = self.decoded([line])
        try:
            header = next(csv.reader([text], delimiter=self.layout.separator, strict=True))
        except (csv.Error, StopIteration):
            raise self.fail(
                0, "the header is not a row of column names", self._header_hint()
            ) from None
        return self.columns(header), len(header)

    def body(
        self, lines: Iterable[bytes | str], columns: Columns, width: int
    ) -> Iterator[tuple[list[str], float, float, float]]:
        """The rows after the header, read with the csv module (quotes, located errors)."""
        records = csv.reader(self.decoded(lines), delimiter=self.layout.separator, strict=True)
        try:
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

    def columns(self, header: list[str]) -> Columns:
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

    def record(self, record: list[str], columns: Columns) -> tuple[list[str], float, float, float]:
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
