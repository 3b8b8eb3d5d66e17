"""An event log as one Ibis table of typed events, the same on every engine.

``open_log`` reads the files of a log (``sources``), finds which column is which
(``columns``), and returns a ``Log`` whose ``table`` has one row per usable event:

======== ========= ======================================================================
column   type      meaning
======== ========= ======================================================================
user     string    who
time     timestamp when, in UTC (naive timestamps are read as UTC; offsets are converted)
ts_us    int64     ``time`` in microseconds since 1970, for exact arithmetic
event    string    what happened (the touchpoint, channel or page)
conversion int64   1 if the event converts (a true, non-zero or ``yes`` value), else 0
value    float64   the conversion's value (0 without a value column or when not converting)
segment  string    the segment or persona column, or ``NULL``
_file    int64     the file's place in path order  } the tie-break for equal timestamps
_row     int64     the row's place in its file     }
======== ========= ======================================================================

Rows without a user, a time or an event are left out (``Log.dropped`` counts them). A time
that is there but does not parse is an error naming the rows, never a silent drop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .columns import Columns, LogError, parse_mapping
from .engines import Engine, connect
from .sources import Source, expand

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Log", "open_log"]

FALSE_WORDS: Final = ("", "0", "0.0", "false", "f", "no", "n", "nein", "falsch")
"""Conversion values that mean "not converting" (compared without case or blanks)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Log:
    """An opened event log: its typed ``table`` (see the module), where it came from and
    which column was which."""

    table: ir.Table
    engine: Engine
    sources: tuple[Source, ...]
    columns: Columns
    name: str
    time_format: str | None = None
    """The strptime format text timestamps are read with (``None``: ISO 8601)."""

    def count(self) -> int:
        """The number of usable events (runs a query)."""
        return int(self.table.count().execute())

    def duplicates(self) -> int:
        """Events that repeat another of the same user, time and event (runs a query).
        They are kept, as repeats (a self-loop with a gap of 0), and reported."""
        t = self.table
        groups = t.group_by(["user", "ts_us", "event"]).aggregate(n=t.count())
        extra = groups.filter(groups.n > 1).aggregate(d=(groups.n - 1).sum())
        value = extra.to_pyarrow().to_pylist()[0]["d"]
        return int(value or 0)


def open_log(
    specs: str | Sequence[str],
    *,
    engine: Engine | None = None,
    roles: Mapping[str, str | None] | None = None,
    mapping: str | None = None,
    check_times: bool = True,
    time_format: str | None = None,
) -> Log:
    """Open the log at ``specs`` (files, globs, folders) on ``engine`` (a new DuckDB
    connection by default). ``roles`` names columns (``{"user": "kd_nr"}``), ``mapping``
    is the text of a mapping file (``user = "kd_nr"``); flags win over the file, the file
    over common names. ``time_format`` reads text timestamps with a strptime format
    (``%d.%m.%Y %H:%M`` for ``31.12.2024 14:30``) instead of as ISO 8601. Raises
    ``LogError`` for anything that does not fit."""
    specs = [specs] if isinstance(specs, str) else list(specs)
    if not specs:
        raise LogError("no event log given")
    sources = expand(specs)
    engine = engine or connect()
    given: dict[str, str | None] = dict(parse_mapping(mapping, "mapping") if mapping else {})
    given.update({k: v for k, v in (roles or {}).items() if v})
    raws = [engine.read(s) for s in sources]
    present = [c for c in _with_partitions(raws[0], sources[0]).columns if c != "_row"]
    columns = Columns.find(present, **given)
    parts = [
        _typed(_with_partitions(raw, source), columns, index, source, engine, time_format)
        for index, (raw, source) in enumerate(zip(raws, sources, strict=True))
    ]
    import ibis

    table = parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)
    log = Log(table, engine, tuple(sources), columns, ", ".join(specs), time_format)
    if check_times:
        _check_times(log)
    return log


def _with_partitions(raw: ir.Table, source: Source) -> ir.Table:
    import ibis

    extra = {k: ibis.literal(v) for k, v in source.partitions if k not in raw.columns}
    return raw.mutate(**extra) if extra else raw


def _parsed(text: ir.StringValue, engine: Engine, time_format: str | None) -> ir.TimestampValue:
    """Text timestamps as naive UTC: ISO 8601, or ``time_format``; ``NULL`` if not."""
    if time_format:
        return engine.parse_time(text, time_format)
    return text.try_cast("timestamp('UTC')").cast("timestamp")


def _typed(
    raw: ir.Table,
    columns: Columns,
    index: int,
    source: Source,
    engine: Engine,
    time_format: str | None,
) -> ir.Table:
    """One file's events in the log's columns and types (the module's table)."""
    import ibis

    lacking = [c for c in columns.used().values() if c not in raw.columns]
    if lacking:
        present = ", ".join(c for c in raw.columns if c != "_row")
        raise LogError(
            f"{source.path}: no column {', '.join(repr(c) for c in lacking)} "
            f"(the first file has it); its columns: {present}"
        )
    time = raw[columns.time]
    kind = time.type()
    if kind.is_timestamp():
        parsed = time.cast("timestamp") if kind.timezone is not None else time
    elif kind.is_date():
        parsed = time.cast("timestamp")
    elif kind.is_numeric():  # Unix seconds
        parsed = time.cast("int64").as_timestamp("s")
    else:
        parsed = _parsed(time.cast("string").strip(), engine, time_format)
    if columns.conversion is None:
        conversion = ibis.literal(0, "int64")
    else:
        word = raw[columns.conversion].cast("string").strip().lower()
        conversion = (word.notnull() & ~word.isin(FALSE_WORDS)).ifelse(1, 0).cast("int64")
    if columns.value is None:
        value = ibis.literal(0.0, "float64")
    else:
        column = raw[columns.value]
        number = (
            column.cast("float64")
            if column.type().is_numeric()
            else column.cast("string").strip().try_cast("float64")
        )
        value = (conversion == 1).ifelse(number.fill_null(0.0), 0.0)
    segment = (
        raw[columns.segment].cast("string")
        if columns.segment
        else ibis.literal(None, "string").cast("string")
    )
    typed = raw.select(
        user=raw[columns.user].cast("string"),
        time=parsed,
        event=raw[columns.event].cast("string"),
        conversion=conversion,
        value=value,
        segment=segment,
        _file=ibis.literal(index, "int64"),
        _row=raw["_row"].cast("int64"),
    )
    return typed.filter(typed.user.notnull(), typed.event.notnull(), typed.time.notnull()).mutate(
        ts_us=typed.time.delta(ibis.timestamp("1970-01-01 00:00:00"), unit="microsecond")
    )


def _check_times(log: Log) -> None:
    """A time that is written but does not parse names its rows (the first five)."""
    import ibis

    bad_parts = []
    for index, source in enumerate(log.sources):
        raw = _with_partitions(log.engine.read(source), source)
        if log.columns.time not in raw.columns:
            continue
        time = raw[log.columns.time]
        if not time.type().is_string():
            continue
        text = time.strip()
        parsed = _parsed(text, log.engine, log.time_format)
        bad = raw.filter(text.notnull(), text != "", parsed.isnull()).select(
            _file=ibis.literal(index, "int64"), _row=raw["_row"].cast("int64"), text=text
        )
        bad_parts.append(bad)
    if not bad_parts:
        return
    bad = bad_parts[0] if len(bad_parts) == 1 else ibis.union(*bad_parts, distinct=False)
    total = int(bad.count().execute())
    if not total:
        return
    first = bad.order_by(["_file", "_row"]).limit(5).to_pyarrow().to_pylist()
    shown = "; ".join(
        f"{log.sources[r['_file']].path} row {r['_row'] + 1}: {r['text']!r}" for r in first
    )
    if log.time_format:
        hint = f"not in --time-format {log.time_format!r}; fix the rows or the format"
    else:
        hint = (
            "write ISO 8601, as in 2024-03-01 10:15:00 or 2024-03-01T10:15:00+01:00 (naive "
            "times are read as UTC), or name the format: --time-format '%d.%m.%Y %H:%M'"
        )
    raise LogError(
        f"{total} timestamp{'s' if total != 1 else ''} in column '{log.columns.time}' "
        f"{'do' if total != 1 else 'does'} not parse ({shown}); {hint}"
    )
