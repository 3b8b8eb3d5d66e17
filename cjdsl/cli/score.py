"""``cjdsl score JOURNEY LOG -o scores.parquet``: each open journey's chances, ranked."""

from __future__ import annotations

import io
import pathlib
import sys
from typing import Any

import click

from . import progress
from .common import EXIT_PROBLEMS, Fail, problems, report
from .fit import fit_log, map_option
from .logs import LogArgs, log_options

__all__ = ["score_command"]


@click.command("score")
@click.argument("journey_path", metavar="JOURNEY")
@click.argument("log", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    required=True,
    help="Where the scores go: .parquet or .csv (`-`: CSV to stdout).",
)
@map_option
@log_options
@progress.interruptible
def score_command(
    journey_path: str, log: tuple[str, ...], output: str, table: str | None, **kwargs: Any
) -> None:
    """Score every user still on a journey: their state, their probability to reach each
    goal and exit (purchase interest, cancellation risk) and the expected time, ranked."""
    import pyarrow as pa

    from .. import files, graph, pipeline
    from ..observed import LogError, fitting, scoring
    from .logs import open_log

    args = LogArgs.of(kwargs)
    try:
        data = files.read_bounded(pathlib.Path(journey_path))
    except OSError as error:
        raise Fail(f"cannot read {journey_path}: {error.strerror or error}") from None
    document = pipeline.compile_bytes(data, journey_path)
    if not document.ok or document.journey is None:
        report(problems(document.diagnostics), "text", 1)
        sys.exit(EXIT_PROBLEMS)
    journey = document.journey
    with progress.status(f"fitting {journey_path} to {' '.join(log)}"):
        fitted = fit_log(document, log, args, table)
    chains: dict[str | None, scoring.Chain] = {
        None: scoring.chain(journey, graph.build(journey, numbers=fitted.numbers))
    }
    for persona, numbers in fitted.personas.items():
        chains[persona] = scoring.chain(
            journey, graph.build(journey, persona=persona, numbers=numbers)
        )
    opened = open_log(log, args)
    try:
        events = fitting.EventMap.of(
            journey, fitting.parse_table(_read(table), table) if table else None
        )
        mapped, _, _ = fitting.map_events(opened, events)
        found = (
            scoring.users(
                mapped,
                cut_at_conversion=args.cut.cut_at_conversion,
                session_gap=args.cut.session_gap,
            )
            .to_pyarrow()
            .to_pylist()
        )
    except LogError as error:
        raise Fail(str(error)) from None
    scored = scoring.rows(found, chains)
    arrow = (
        pa.Table.from_pylist(scored) if scored else pa.table({"user": pa.array([], pa.string())})
    )
    buffer = io.BytesIO()
    if output.lower().endswith((".parquet", ".pq")):
        import pyarrow.parquet as pq

        pq.write_table(arrow, buffer)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(arrow, buffer)
    try:
        files.write_output(output, buffer.getvalue(), source=journey_path)
    except OSError as error:
        raise Fail(f"cannot write {output}: {error.strerror or error}") from None
    if output != "-":
        click.echo(f"wrote {output}: {len(scored)} users on a journey", err=True)


def _read(path: str) -> str:
    from .. import files

    try:
        return files.read_regular(pathlib.Path(path)).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Fail(f"cannot read {path}: {error}") from None
