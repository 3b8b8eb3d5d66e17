"""The analysis report in a notebook: its tables as HTML, and as pandas DataFrames.

Nothing here lists the report's figures. The HTML is the sections of ``cjdsl analyze``
(``analysis.tables``), the same rows and formatting as the terminal and Markdown,
drawn as HTML tables. The DataFrames are the report's JSON form (``report.to_dict``):
a table per field of the ``Report`` that holds records (``goals``, ``nodes`` …), per
record list inside a field (``top_paths.paths``, ``emotion.curve``) and one row for a
field that is one record (``conversion``), found from the dataclasses' types, so a
figure added to the report is a column or a table here without a line changed.
Nested records become dotted columns (``most_probable.probability``).

pandas is imported only by ``frame``: it is no dependency of cjdsl
(``pip install 'cjdsl[notebook]'``).

>>> import cjdsl
>>> from cjdsl import analysis
>>> doc = cjdsl.loads('journey "Shop"\\nentry touchpoint ad\\ngoal bought\\nad -> bought 40%')
>>> report = analysis.analyze(doc.journey)
>>> [row["id"] for row in rows(report, "touchpoints")], rows(report, "conversion")[0]["probability"]
(['ad', 'bought'], 0.4)
>>> rows(report, "goal")  # doctest: +ELLIPSIS
Traceback (most recent call last):
ValueError: unknown table `goal` (tables: channels, ..., touchpoints); did you mean `goals`?
"""

from __future__ import annotations

import dataclasses
import functools
import html as markup
import types
import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from .. import i18n
from ..analysis import report as reports
from ..analysis import tables
from ..diagnostics import did_you_mean

if TYPE_CHECKING:
    import pandas

__all__ = ["ALIASES", "PANDAS_MISSING", "bundle", "frame", "html", "names", "rows"]

ALIASES: Final = {
    "touchpoints": "nodes",
    "funnel": "stages",
    "paths": "top_paths.paths",
    "emotion": "emotion.curve",
    "switches": "switches.switches",
}
"""Names a reader of ``docs/analysis.md`` would use, for tables of the JSON form."""
PANDAS_MISSING: Final = (
    "DataFrames need pandas, which cjdsl does not install by itself: "
    "pip install 'cjdsl[notebook]' (or pip install pandas)"
)


@dataclasses.dataclass(frozen=True, slots=True)
class _Table:
    path: tuple[str, ...]  # where the records are in the JSON form
    columns: tuple[str, ...]  # dotted, from the record's type
    one: bool  # one record, not a list of them

    @property
    def nested(self) -> frozenset[str]:
        """The names of nested records (``critical``, ``critical.path``): a ``None`` there
        leaves their columns empty rather than adding a column of its own."""
        return frozenset(
            ".".join(parts[:i])
            for parts in (c.split(".") for c in self.columns)
            for i in range(1, len(parts))
        )


def _record(hint: object) -> type | None:
    """The dataclass a type names: ``X`` or ``X | None``; ``None`` for anything else."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        found = [a for a in typing.get_args(hint) if a is not type(None)]
        return _record(found[0]) if len(found) == 1 else None
    return hint if isinstance(hint, type) and dataclasses.is_dataclass(hint) else None


def _records(hint: object) -> type | None:
    """The dataclass of ``tuple[X, ...]``, or ``None``."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return _record(args[0])
    return None


def _fields(cls: type) -> Iterator[tuple[str, object]]:
    """A record's fields in the JSON form (not its derived lookups), with their types; a
    type that names what only a type checker imports stays its text: a plain column."""
    try:
        hints: dict[str, object] = typing.get_type_hints(cls)
    except NameError:
        hints = {f.name: f.type for f in dataclasses.fields(cls)}
    for field in dataclasses.fields(cls):
        if field.init:
            yield field.name, hints[field.name]


def _columns(cls: type, seen: frozenset[type] = frozenset()) -> tuple[str, ...]:
    """A record's columns: its fields, a nested record's fields dotted under its name."""
    out: list[str] = []
    for name, hint in _fields(cls):
        nested = _record(hint)
        if nested is not None and nested not in seen:
            out += [f"{name}.{column}" for column in _columns(nested, seen | {cls})]
        else:
            out.append(name)
    return tuple(out)


@functools.cache
def _tables() -> dict[str, _Table]:
    """Every table of the JSON form, found from the ``Report``'s field types."""
    found: dict[str, _Table] = {}
    for name, hint in _fields(reports.Report):
        many = _records(hint)
        if many is not None:
            found[name] = _Table((name,), _columns(many), one=False)
            continue
        one = _record(hint)
        if one is None or one is reports.Report:  # the baseline is a report of its own
            continue
        inner = [(sub, _records(subhint)) for sub, subhint in _fields(one)]
        lists = [(sub, cls) for sub, cls in inner if cls is not None]
        for sub, cls in lists:
            found[f"{name}.{sub}"] = _Table((name, sub), _columns(cls), one=False)
        if not lists:
            found[name] = _Table((name,), _columns(one), one=True)
    return found


def names() -> tuple[str, ...]:
    """The tables ``rows`` and ``frame`` know, sorted, aliases included."""
    tables_ = _tables()
    return tuple(sorted({*tables_, *(a for a, t in ALIASES.items() if t in tables_)}))


def _table(name: str) -> _Table:
    found = _tables().get(ALIASES.get(name, name))
    if found is None:
        known = names()
        close = did_you_mean(name, known)
        raise ValueError(
            f"unknown table `{name}` (tables: {', '.join(known)})" + (f"; {close}" if close else "")
        )
    return found


def _flat(record: dict[str, Any], into: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    for key, value in record.items():
        if isinstance(value, dict):
            _flat(value, into, f"{prefix}{key}.")
        else:
            into[f"{prefix}{key}"] = value
    return into


def rows(report: reports.Report, name: str) -> list[dict[str, Any]]:
    """The records of one table (``names()``) as flat dicts, numbers as in the JSON form
    (fractions, seconds; ``None`` for what is unknown or infinite).

    Raises:
        ValueError: an unknown table; the message lists the tables and suggests one.
    """
    table = _table(name)
    data: Any = reports.to_dict(report)
    for key in table.path:
        data = data[key]
    records = [data] if table.one else data
    out = []
    nested = table.nested
    for record in records:
        flat = _flat(record, {})
        filled = {column: flat.pop(column, None) for column in table.columns}
        # What the types do not say, a derived figure (``change``), is a column too.
        filled.update((k, v) for k, v in flat.items() if k not in nested)
        out.append(filled)
    return out


def frame(report: reports.Report, name: str) -> pandas.DataFrame:
    """One table of the report as a DataFrame: a row per record, the columns of ``rows``.

    Raises:
        ImportError: pandas is not installed (the message says how to install it).
        ValueError: an unknown table.
    """
    table = _table(name)
    try:
        import pandas
    except ImportError as error:
        raise ImportError(PANDAS_MISSING, name="pandas") from error
    found = rows(report, name)
    columns = list(found[0]) if found else list(table.columns)
    return pandas.DataFrame.from_records(found, columns=columns)


def _inline(text: str) -> str:
    """Text of the tables with ``code`` spans; escaped."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd backtick is text
        return markup.escape(text)
    return "".join(
        f"<code>{markup.escape(p)}</code>" if i % 2 else markup.escape(p)
        for i, p in enumerate(parts)
    )


_CELL: Final = "padding:2px 8px;border-bottom:1px solid rgba(127,127,127,0.3)"


def _html_table(table: tables._Table, t: i18n.Locale) -> str:
    if not table.rows:
        none = _inline(t._("(none)"))
        return f'<p style="margin:2px 0 8px">{none}</p>'
    align = ["right" if right else "left" for right in table.right]
    head = "".join(
        f'<th style="text-align:{a};{_CELL}">{_inline(h)}</th>'
        for h, a in zip(table.headers, align, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="text-align:{a};{_CELL}">{_inline(c)}</td>'
            for c, a in zip(row, align, strict=True)
        )
        + "</tr>"
        for row in table.rows
    )
    return (
        '<table style="border-collapse:collapse;margin:2px 0 10px">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def html(report: reports.Report, lang: str | None = None) -> str:
    """The report as ``cjdsl analyze`` prints it, as HTML: a title per section, tables
    with numbers right-aligned, the section's sentences between them; in ``lang``."""
    t = i18n.locale(lang)
    out = [f'<div class="cjdsl-report" lang="{t.lang}">']
    for index, section in enumerate(tables._sections(report, t)):  # the one list of sections
        size = "1.25em" if index == 0 else "1.05em"
        out.append(
            f'<div style="font-weight:bold;font-size:{size};margin:10px 0 4px">'
            f"{_inline(section.title)}</div>"
        )
        items: list[str] = []
        for block in section.blocks:
            if isinstance(block, str) and block.startswith("- "):
                items.append(f"<li>{_inline(block[2:])}</li>")
                continue
            if items:
                out.append(f'<ul style="margin:2px 0 8px">{"".join(items)}</ul>')
                items = []
            if isinstance(block, str):
                out.append(f'<p style="margin:2px 0 6px">{_inline(block)}</p>')
            else:
                out.append(_html_table(block, t))
        if items:
            out.append(f'<ul style="margin:2px 0 8px">{"".join(items)}</ul>')
    out.append("</div>")
    return "\n".join(out)


def bundle(report: reports.Report) -> dict[str, str]:
    """What Jupyter shows of a report: the HTML tables, and the terminal's as plain text."""
    return {"text/html": html(report), "text/plain": tables.text(report)}
