"""What every command that reads an event log shares: the column, cut and engine options,
and opening the log with the errors turned into one line and exit 2.

``log_options`` adds ``--user --time --event --conversion --value --segment --columns
--time-format --session-gap --no-cut --engine --spark-master --memory-limit --temp-dir``;
``open_log`` takes the parsed values (``LogArgs.of(kwargs)``) and returns the opened log
and the cut.
"""

from __future__ import annotations

import dataclasses
import pathlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click

from .common import Fail

if TYPE_CHECKING:
    from ..observed import Log

__all__ = [
    "LOG_OPTIONS",
    "Cut",
    "LogArgs",
    "log_options",
    "open_log",
    "parse_gap",
    "time_format_option",
]

F = TypeVar("F", bound=Callable[..., Any])

LOG_OPTIONS: Final = (
    "user",
    "time",
    "event",
    "conversion",
    "value",
    "segment",
    "columns",
    "time_format",
    "session_gap",
    "no_cut",
    "engine",
    "spark_master",
    "memory_limit",
    "temp_dir",
)
"""The keyword arguments ``log_options`` adds to a command."""


@dataclasses.dataclass(frozen=True, slots=True)
class Cut:
    """How journeys are cut: at each conversion, and after a gap of ``session_gap`` s."""

    cut_at_conversion: bool = True
    session_gap: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class LogArgs:
    """The log options of one command call."""

    roles: Mapping[str, str | None]
    columns: str | None
    cut: Cut
    engine: str
    spark_master: str | None
    memory_limit: str | None
    temp_dir: str | None
    time_format: str | None = None

    @classmethod
    def of(cls, kwargs: dict[str, Any]) -> LogArgs:
        """Take (and remove) the log options from a command's keyword arguments."""
        values = {name: kwargs.pop(name) for name in LOG_OPTIONS}
        roles = {r: values[r] for r in ("user", "time", "event", "conversion", "value", "segment")}
        gap = parse_gap(values["session_gap"]) if values["session_gap"] else None
        return cls(
            roles,
            values["columns"],
            Cut(not values["no_cut"], gap),
            values["engine"],
            values["spark_master"],
            values["memory_limit"],
            values["temp_dir"],
            values["time_format"],
        )


def parse_gap(text: str) -> float:
    """``30m``, ``2h``, ``1d``, ``90s`` or plain seconds, as seconds."""
    from ..language import literals

    written = text.strip()
    if written.replace(".", "", 1).isdigit():
        return float(written)
    quantity = literals.quantity(written, tuple(literals.DURATION_UNITS))
    if quantity is None or quantity.value <= 0:
        raise Fail(f"--session-gap {text}: a duration such as 30m, 2h or 1d")
    return quantity.value


def time_format_option(name: str = "--time-format", dest: str = "time_format") -> Callable[[F], F]:
    """``--time-format FORMAT``: text timestamps in a strptime format instead of ISO 8601."""
    return click.option(
        name,
        dest,
        metavar="FORMAT",
        help="Read the time column with this strptime format, e.g. '%d.%m.%Y %H:%M' "
        "for 31.12.2024 14:30 (default: ISO 8601).",
    )


def log_options(command: F) -> F:
    """Add the log options (``LOG_OPTIONS``) to ``command``."""
    options = [
        click.option("--user", metavar="COL", help="The user column (default: user_id, …)."),
        click.option("--time", metavar="COL", help="The timestamp column (default: timestamp, …)."),
        click.option("--event", metavar="COL", help="The event column (default: event, …)."),
        click.option("--conversion", metavar="COL", help="The column that marks conversions."),
        click.option("--value", metavar="COL", help="The conversion value column."),
        click.option("--segment", metavar="COL", help="The segment or persona column."),
        click.option(
            "--columns",
            metavar="FILE",
            type=click.Path(dir_okay=False),
            help='A mapping file: user = "kd_nr" a line (TOML); flags win.',
        ),
        time_format_option(),
        click.option(
            "--session-gap",
            metavar="DURATION",
            help="Also cut a journey after this much inactivity (30m, 2h, 1d).",
        ),
        click.option("--no-cut", is_flag=True, help="Do not end a journey at each conversion."),
        click.option(
            "--engine",
            type=click.Choice(["duckdb", "spark"]),
            default="duckdb",
            show_default=True,
            help="Where the events are counted.",
        ),
        click.option("--spark-master", metavar="URL", help="Spark master (default local[2])."),
        click.option("--memory-limit", metavar="SIZE", help="DuckDB memory limit, e.g. 2GB."),
        click.option(
            "--temp-dir",
            metavar="DIR",
            type=click.Path(file_okay=False),
            help="Where DuckDB spills past its memory limit.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def open_log(specs: tuple[str, ...] | list[str], args: LogArgs) -> Log:
    """Open the log; every ``LogError`` (and a missing extra) becomes ``Fail``."""
    try:
        from .. import observed
        from ..observed import engines
    except ImportError as error:
        raise Fail(f"event logs need the data extra: pip install 'cjdsl[data]' ({error})") from None
    try:
        mapping = None
        if args.columns:
            from .. import files

            mapping = files.read_regular(pathlib.Path(args.columns)).decode("utf-8")
        engine = engines.connect(
            "spark" if args.engine == "spark" else "duckdb",
            memory_limit=args.memory_limit,
            temp_directory=args.temp_dir,
            spark_master=args.spark_master,
        )
        return observed.open_log(
            list(specs),
            engine=engine,
            roles=args.roles,
            mapping=mapping,
            time_format=args.time_format,
        )
    except observed.LogError as error:
        raise Fail(str(error)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise Fail(f"cannot read {args.columns}: {error}") from None
