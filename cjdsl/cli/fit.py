"""``cjdsl fit JOURNEY LOG``: the designed journey's numbers from what customers did, and
how far design and data are apart (the conformance report)."""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

import click

from . import progress
from .common import EXIT_PROBLEMS, Fail, problems, report
from .logs import LogArgs, log_options, open_log

if TYPE_CHECKING:
    from ..observed.fitting import Fit
    from ..pipeline import Document

__all__ = ["fit_command", "fit_log", "write_back"]

REPORT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".json": "json"}


def fit_log(document: Document, log: tuple[str, ...], args: LogArgs, table: str | None) -> Fit:
    """Open ``log``, map its events onto the document's touchpoints and fit; what
    ``fit`` and every ``--events`` option share."""
    from ..observed import LogError, counts, fitting

    journey = document.journey
    assert journey is not None
    opened = open_log(log, args)
    try:
        mapping = None
        if table:
            mapping = fitting.parse_table(_read(table), table)
        events = fitting.EventMap.of(journey, mapping)
        mapped, unmapped, total = fitting.map_events(opened, events)
        at, gap = args.cut.cut_at_conversion, args.cut.session_gap
        overall = counts(mapped, cut_at_conversion=at, session_gap=gap)
        segments = (
            counts(mapped, cut_at_conversion=at, session_gap=gap, by_segment=True)
            if opened.columns.segment
            else []
        )
        return fitting.fit(
            journey,
            overall,
            segments=segments,
            events=events,
            unmapped=unmapped,
            total_events=total,
            duplicates=opened.duplicates(),
        )
    except LogError as error:
        raise Fail(str(error)) from None


def map_option(command: Any) -> Any:
    """``--map FILE``: the event → touchpoint table."""
    return click.option(
        "--map",
        "table",
        metavar="FILE",
        type=click.Path(dir_okay=False),
        help="Event → touchpoint table (CSV: event,touchpoint; globs allowed).",
    )(command)


@click.command("fit")
@click.argument("journey_path", metavar="JOURNEY")
@click.argument("log", nargs=-1, required=True)
@click.option("-o", "--output", metavar="FILE", help="Write the fitted journey to a new file.")
@click.option("--write", is_flag=True, help="Update the numbers in JOURNEY itself, in place.")
@click.option("--report", "report_path", metavar="FILE", help="Write the conformance report.")
@click.option(
    "--report-format",
    type=click.Choice(["text", "markdown", "json"]),
    help="The report's format (default: from its ending, else text).",
)
@click.option(
    "--fail-on",
    multiple=True,
    metavar="KIND[=N]",
    help="Exit 1 when a report count exceeds N (default 0): undesigned, unobserved, "
    "unvisited, unmapped (N or N%), backward, outside.",
)
@map_option
@log_options
@progress.interruptible
def fit_command(
    journey_path: str,
    log: tuple[str, ...],
    output: str | None,
    write: bool,
    report_path: str | None,
    report_format: str | None,
    fail_on: tuple[str, ...],
    table: str | None,
    **kwargs: Any,
) -> None:
    """Fit JOURNEY to the event LOG: observed probabilities, median durations, entry reach
    and per-persona figures; report where design and data differ."""
    from .. import files, pipeline
    from ..observed import conformance, rewrite

    args = LogArgs.of(kwargs)
    if output and write:
        raise Fail("give -o FILE or --write, not both")
    try:
        limits = conformance.parse_fail_on(fail_on)
    except ValueError as error:
        raise Fail(str(error)) from None
    try:
        original = files.read_bounded(pathlib.Path(journey_path))
    except OSError as error:
        raise Fail(f"cannot read {journey_path}: {error.strerror or error}") from None
    document = pipeline.compile_bytes(original, journey_path)
    if not document.ok or document.journey is None:
        report(problems(document.diagnostics), "text", 1)
        raise SystemExit(EXIT_PROBLEMS)
    with progress.status(f"fitting {journey_path} to {' '.join(log)}"):
        fitted = fit_log(document, log, args, table)
    found = conformance.check(document.journey, fitted)
    if output or write:
        text, notes = rewrite.rewrite(document.source, document.journey, fitted)
        check = pipeline.compile_source(document.source.__class__(journey_path, text))
        if not check.ok:  # never write a file that no longer compiles
            raise Fail(f"the fitted text of {journey_path} does not compile; nothing written")
        target = output or journey_path
        if write:
            write_back(journey_path, original, text)
        else:
            _write(target, text, journey_path)
        for note in notes:
            click.echo(f"note: {note}", err=True)
        click.echo(f"wrote {target}", err=True)
    if report_path or not (output or write):
        suffix = pathlib.Path(report_path or "").suffix.lower()
        format_ = report_format or REPORT_FORMATS.get(suffix, "text")
        rendered = conformance.render(found, format_)
        if report_path and report_path != "-":
            _write(report_path, rendered, journey_path)
        else:
            click.echo(rendered, nl=False)
    failed = conformance.failures(found, limits)
    if failed:
        for line in failed:
            click.echo(f"fail-on {line}", err=True)
        raise SystemExit(EXIT_PROBLEMS)


def write_back(path: str, original: bytes, text: str) -> None:
    """Write ``text`` over ``path`` (atomically), unless the file is no longer ``original``:
    someone changed it while the log was read, and their change would be lost."""
    from .. import files

    try:
        now = files.read_bounded(pathlib.Path(path))
    except OSError as error:
        raise Fail(f"cannot read {path}: {error.strerror or error}") from None
    if now != original:
        raise Fail(f"{path} changed since it was read; nothing written")
    _write(path, text, None)


def _read(path: str) -> str:
    from .. import files

    try:
        return files.read_regular(pathlib.Path(path)).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Fail(f"cannot read {path}: {error}") from None


def _write(path: str, text: str, source: str | None) -> None:
    from .. import files

    try:
        files.write_output(path, text.encode("utf-8"), source=source)
    except OSError as error:
        raise Fail(f"cannot write {path}: {error.strerror or error}") from None
