"""`cjdsl attribute`: credit per channel from a path table (or an event log), every model."""

from __future__ import annotations

import dataclasses
import pathlib
import re
from typing import TYPE_CHECKING, Final

import click

from .. import files
from . import common
from .logs import time_format_option

if TYPE_CHECKING:
    from ..observed.pathtables import Paths

__all__ = ["attribute_command", "parse_duration", "parse_orders", "parse_position"]

_SUFFIXES: Final = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".csv": "csv"}
_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION: Final = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_FORMATS: Final = ("text", "markdown", "json", "csv")


def parse_duration(text: str) -> float:
    """``7d``, ``36h``, ``1w 2d``, ``90m`` → seconds.

    >>> parse_duration("1d 12h")
    129600.0
    """
    cleaned = text.strip().replace(" ", "")
    parts = _DURATION.findall(cleaned)
    if not parts or "".join(a + u for a, u in parts) != cleaned:
        raise ValueError(f"`{text}` is not a duration; write it like 7d, 36h, 90m or 1w 2d")
    seconds = sum(float(amount) * _UNITS[unit] for amount, unit in parts)
    if seconds <= 0:
        raise ValueError(f"the duration `{text}` must be longer than 0")
    return seconds


def parse_orders(text: str) -> tuple[int, ...]:
    """``1``, ``1,2`` or ``1-3`` → the Markov orders to run.

    >>> parse_orders("1-3")
    (1, 2, 3)
    """
    orders: list[int] = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(f"`{text}` is not a list of orders; write 1, 1,2 or 1-3")
        if int(high or low) > 99:  # checked before the range is made: `1-10000000000`
            raise ValueError(f"the Markov orders `{text}` go too high; write 1, 1,2 or 1-3")
        orders += range(int(low), int(high or low) + 1)
    return tuple(dict.fromkeys(orders))


def parse_position(text: str) -> tuple[float, float]:
    """``40/20/40`` (percent, first/middle/last, adding up to 100) → (first, last).

    >>> parse_position("30/40/30")
    (0.3, 0.3)
    """
    parts = text.split("/")
    try:
        first, middle, last = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"`{text}` is not first/middle/last in percent, like 40/20/40") from None
    if min(first, middle, last) < 0 or abs(first + middle + last - 100) > 1e-9:
        raise ValueError(f"the position weights `{text}` must be ≥ 0 and add up to 100")
    return first / 100, last / 100


def _names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@click.command("attribute")
@click.argument("log", required=False, type=click.Path(allow_dash=True))
@click.option(
    "--paths",
    "paths_file",
    metavar="PATHS",
    type=click.Path(allow_dash=True),
    help="An aggregated path table (ChannelAttribution's format) instead of an event log.",
)
@click.option(
    "--model",
    "models",
    metavar="MODEL[,MODEL…]",
    multiple=True,
    help="The models to run (repeatable): first-touch, last-touch, last-non-direct, linear, "
    "linear-distinct, position-based, time-decay (event logs only), markov, shapley. "
    "Default: all that the input allows.",
)
@click.option(
    "--order",
    default="1",
    show_default=True,
    metavar="K[,K…|K-K]",
    help="The Markov orders to solve, like 1, 1,2 or 1-3.",
)
@click.option(
    "--normalise",
    type=click.Choice(("global", "journey")),
    default="global",
    show_default=True,
    help="Markov credit from removal effects: over all conversions (as ChannelAttribution) "
    "or per journey over its channels.",
)
@click.option(
    "--direct",
    default="direct",
    show_default=True,
    metavar="CHANNEL[,CHANNEL…]",
    help="The channels last-non-direct passes over.",
)
@click.option(
    "--position",
    default="40/20/40",
    show_default=True,
    metavar="FIRST/MIDDLE/LAST",
    help="Position-based weights in percent.",
)
@click.option(
    "--half-life",
    default="7d",
    show_default=True,
    metavar="DURATION",
    help="Time decay: a touch this long before the reference counts half.",
)
@click.option(
    "--decay-to",
    type=click.Choice(("conversion", "last-touch")),
    default="conversion",
    show_default=True,
    help="Time decay: Δt runs from each touch to the conversion or to the last touch.",
)
@click.option(
    "--lookback",
    metavar="DURATION",
    help="Event logs: only touches this long before the conversion (or a journey's last "
    "touch) count, like 30d.",
)
@click.option(
    "--session-gap",
    metavar="DURATION",
    help="Event logs: a pause longer than this starts a new journey, like 30m.",
)
@click.option(
    "--conversion-event",
    "conversion_events",
    metavar="EVENT[,EVENT…]",
    multiple=True,
    help="Event logs: events that mark a conversion but are no channel (purchase); left out "
    "of the paths, their time is the conversion's.",
)
@click.option("--user", "user_column", metavar="COLUMN", help="Event logs: the user column.")
@click.option("--time", "time_column", metavar="COLUMN", help="Event logs: the time column.")
@time_format_option()
@click.option("--event", "event_column", metavar="COLUMN", help="Event logs: the channel/event.")
@click.option(
    "--conversion", "conversion_column", metavar="COLUMN", help="Event logs: converts (1/0)."
)
@click.option("--value", "value_column_log", metavar="COLUMN", help="Event logs: the value.")
@click.option(
    "--mapping",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help='Event logs: a mapping file of roles to columns (user = "kd_nr").',
)
@click.option(
    "--engine",
    type=click.Choice(("duckdb", "spark")),
    default="duckdb",
    show_default=True,
    help="Event logs: where the aggregation runs.",
)
@click.option("--memory-limit", metavar="SIZE", help="Event logs, DuckDB: spill past this (2GB).")
@click.option("--spark-master", metavar="URL", help="Event logs, Spark: the master (local[2]).")
@click.option("--sep", default=";", show_default=True, help="Path table: the column separator.")
@click.option(
    "--step-sep", default=" > ", show_default=True, help="Path table: what joins the steps."
)
@click.option("--path-column", default="path", show_default=True, help="Path table: the path.")
@click.option(
    "--conversions-column",
    default="total_conversions",
    show_default=True,
    help="Path table: the conversions.",
)
@click.option(
    "--value-column",
    default="total_conversion_value",
    show_default=True,
    help="Path table: the conversion value (optional column).",
)
@click.option(
    "--null-column",
    default="total_null",
    show_default=True,
    help="Path table: the journeys that did not convert (optional column).",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(_FORMATS),
    help="Tables for the terminal, Markdown, JSON or CSV; default: from the suffix of -o "
    "(.md, .json, .csv), else text.",
)
@click.option("-o", "--output", default="-", show_default=True, help="Write to this file.")
def attribute_command(
    log: str | None,
    paths_file: str | None,
    models: tuple[str, ...],
    order: str,
    normalise: str,
    direct: str,
    position: str,
    half_life: str,
    decay_to: str,
    lookback: str | None,
    session_gap: str | None,
    conversion_events: tuple[str, ...],
    user_column: str | None,
    time_column: str | None,
    time_format: str | None,
    event_column: str | None,
    conversion_column: str | None,
    value_column_log: str | None,
    mapping: str | None,
    engine: str,
    memory_limit: str | None,
    spark_master: str | None,
    sep: str,
    step_sep: str,
    path_column: str,
    conversions_column: str,
    value_column: str,
    null_column: str,
    format_: str | None,
    output: str,
) -> None:
    """Credit per channel: heuristics, exact Markov removal effects and Shapley.

    Give an event log (LOG) or an aggregated path table (--paths PATHS, the
    `path;total_conversions;total_conversion_value;total_null` format).
    """
    from ..observed import attribution, attribution_report

    if (log is None) == (paths_file is None):
        raise common.Fail("give an event log (LOG) or a path table (--paths PATHS), one of them")
    source = log if log is not None else paths_file
    assert source is not None
    chosen = tuple(m for value in models for m in _names(value))
    try:
        first, last = parse_position(position)
        if paths_file is not None and (lookback or session_gap):
            raise ValueError(
                "--lookback and --session-gap need the times of an event log, not a path table"
            )
        if paths_file is not None and "time-decay" in chosen:
            raise ValueError(
                "time decay needs the time of each touch: give an event log, not a path table"
            )
        if not chosen:
            chosen = tuple(m for m in attribution.MODELS if m != "time-decay" or log is not None)
        settings = attribution.Settings(
            models=chosen,
            direct=_names(direct),
            first=first,
            last=last,
            orders=parse_orders(order),
            normalise=normalise,
            half_life=parse_duration(half_life),
            decay_to=decay_to,
        )
        window = parse_duration(lookback) if lookback else None
        gap = parse_duration(session_gap) if session_gap else None
    except ValueError as error:
        raise common.Fail(str(error)) from error
    files.refuse_input(source, output)
    note = None
    if paths_file is not None:
        paths = _read_table(
            paths_file, sep, step_sep, path_column, conversions_column, value_column, null_column
        )
    else:
        assert log is not None
        roles = {
            "user": user_column,
            "time": time_column,
            "event": event_column,
            "conversion": conversion_column,
            "value": value_column_log,
        }
        paths, note = _read_log(
            log,
            roles,
            mapping,
            engine,
            memory_limit,
            spark_master,
            lookback=window,
            session_gap=gap,
            conversion_events=tuple(e for value in conversion_events for e in _names(value)),
            with_times="time-decay" in settings.models,
            time_format=time_format,
        )
    try:
        result = attribution.attribute(paths, settings)
    except ValueError as error:
        raise common.Fail(str(error)) from error
    if note is not None:
        result = dataclasses.replace(result, notes=(*result.notes, note))
    format_ = format_ or _SUFFIXES.get(pathlib.PurePath(output).suffix.lower(), "text")
    render = {
        "text": attribution_report.text,
        "markdown": attribution_report.markdown,
        "json": attribution_report.json_text,
        "csv": attribution_report.csv_text,
    }[format_]
    try:
        files.write_output(output, render(result).encode("utf-8"), source=source)
    except OSError as error:
        raise common.Fail(f"cannot write {output}: {error.strerror or error}") from error


def _read_table(
    path: str,
    sep: str,
    step_sep: str,
    path_column: str,
    conversions_column: str,
    value_column: str,
    null_column: str,
) -> Paths:
    from ..observed import pathtables

    try:
        layout = pathtables.Layout(
            separator=sep,
            step_separator=step_sep,
            path=path_column,
            conversions=conversions_column,
            value=value_column,
            null=null_column,
        )
    except ValueError as error:
        raise common.Fail(str(error)) from error
    display = "<stdin>" if path == "-" else path
    try:
        return pathtables.read(files.read_blocks(path), layout=layout, source=display)
    except OSError as error:
        raise common.Fail(f"cannot read {path}: {error.strerror or error}") from error
    except ValueError as error:  # a line too long to be a row
        raise common.Fail(f"{display}: {error}") from error


def _read_log(
    log: str,
    roles: dict[str, str | None],
    mapping: str | None,
    engine: str,
    memory_limit: str | None,
    spark_master: str | None,
    *,
    lookback: float | None,
    session_gap: float | None,
    conversion_events: tuple[str, ...],
    with_times: bool,
    time_format: str | None = None,
) -> tuple[Paths, str | None]:
    """The journeys of the log, cut and aggregated in the engine (``observed.logpaths``)."""
    from ..observed import engines, events, logpaths

    engines.require_ibis()
    text = None
    if mapping is not None:
        try:
            text = files.read_regular(pathlib.Path(mapping), limit=1 << 20).decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise common.Fail(f"cannot read the mapping {mapping}: {error}") from error
    name: engines.EngineName = "spark" if engine == "spark" else "duckdb"
    connection = engines.connect(name, memory_limit=memory_limit, spark_master=spark_master)
    opened = events.open_log(
        log, engine=connection, roles=roles, mapping=text, time_format=time_format
    )
    paths, left = logpaths.paths(
        opened,
        lookback=lookback,
        session_gap=session_gap,
        conversion_events=conversion_events,
        with_times=with_times,
    )
    if not left.journeys:
        return paths, None
    why = "inside the lookback window" if lookback is not None else "besides conversion events"
    return paths, (
        f"{left.journeys:,} journeys had no touch {why}: their {left.conversions:,.0f} "
        f"conversions (value {left.value:,.2f}) are credited to no channel."
    )
