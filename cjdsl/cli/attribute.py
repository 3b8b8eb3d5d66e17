"""`cjdsl attribute`: credit per channel from a path table (or an event log), every model."""

from __future__ import annotations

import pathlib
import re
from typing import Final

import click

from .. import files
from . import common

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
    from ..observed import attribution, attribution_report, pathtables

    if (log is None) == (paths_file is None):
        raise common.Fail("give an event log (LOG) or a path table (--paths PATHS), one of them")
    if log is not None:
        raise common.Fail("attribution from an event log is not built yet; use --paths PATHS")
    assert paths_file is not None
    chosen = tuple(m for value in models for m in _names(value))
    try:
        first, last = parse_position(position)
        layout = pathtables.Layout(
            separator=sep,
            step_separator=step_sep,
            path=path_column,
            conversions=conversions_column,
            value=value_column,
            null=null_column,
        )
        if not chosen:
            chosen = tuple(m for m in attribution.MODELS if m != "time-decay")
        elif "time-decay" in chosen:
            raise ValueError(
                "time decay needs the time of each touch: give an event log, not a path table"
            )
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
    except ValueError as error:
        raise common.Fail(str(error)) from error
    files.refuse_input(paths_file, output)
    display = "<stdin>" if paths_file == "-" else paths_file
    try:
        paths = pathtables.read(files.read_lines(paths_file), layout=layout, source=display)
    except OSError as error:
        raise common.Fail(f"cannot read {paths_file}: {error.strerror or error}") from error
    except ValueError as error:  # a line too long to be a row
        raise common.Fail(f"{display}: {error}") from error
    try:
        result = attribution.attribute(paths, settings)
    except ValueError as error:
        raise common.Fail(str(error)) from error
    format_ = format_ or _SUFFIXES.get(pathlib.PurePath(output).suffix.lower(), "text")
    render = {
        "text": attribution_report.text,
        "markdown": attribution_report.markdown,
        "json": attribution_report.json_text,
        "csv": attribution_report.csv_text,
    }[format_]
    try:
        files.write_output(output, render(result).encode("utf-8"), source=paths_file)
    except OSError as error:
        raise common.Fail(f"cannot write {output}: {error.strerror or error}") from error
