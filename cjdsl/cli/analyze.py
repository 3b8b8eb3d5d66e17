"""`cjdsl analyze`: conversion, funnel, paths, attribution and emotion of a journey."""

from __future__ import annotations

import pathlib
import sys

import click

from .. import analysis, files, graph, i18n, model
from ..analysis import tables
from . import common, progress
from . import events as cli_events

__all__ = ["analyze_command"]


_SUFFIXES = {".json": "json", ".md": "markdown", ".markdown": "markdown"}


def _ids(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


@click.command("analyze")
@click.argument("path", type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "format_",
    type=click.Choice(tables.FORMATS),
    help="Tables for the terminal, Markdown for a wiki, or JSON (docs/analysis-schema.json); "
    "default: from the suffix of -o (.md, .json), else text.",
)
@click.option("--persona", help="Analyse what this persona meets (default: everyone).")
@click.option(
    "--goal",
    metavar="ID",
    help="Every figure toward this goal (default: the first goal reached); the other goals "
    "are passed through.",
)
@click.option(
    "--from",
    "start",
    metavar="ID",
    help="Only the customers who reach this node or stage, from where they first get there.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1, max=1000),
    default=3,
    show_default=True,
    help="How many of the most probable converting paths to list.",
)
@click.option(
    "--without",
    metavar="ID[,ID…]",
    multiple=True,
    help="Remove these touchpoints or channels and show what changes (repeatable).",
)
@click.option(
    "--time-limit",
    metavar="SECONDS",
    type=click.FloatRange(min=0),
    default=analysis.DEFAULT_TIME_LIMIT,
    show_default=True,
    help="Stop after this long: figures not done by then say “not computed: time limit” "
    "(0: no limit).",
)
@click.option(
    "--by-persona",
    is_flag=True,
    help="Only the headline figures, side by side for every persona and for everyone "
    "(their mixture by share); JSON: the report, whose `segments` hold them.",
)
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGS),
    help="Language of the text and Markdown report's words and figures (default: the "
    "journey's `lang`, else the project's, else English); JSON stays language-neutral.",
)
@click.option("-o", "--output", default="-", show_default=True, help="Write to this file.")
@cli_events.events_options
@common.scenario_option
@progress.interruptible
def analyze_command(
    path: str,
    format_: str | None,
    persona: str | None,
    top: int,
    without: tuple[str, ...],
    time_limit: float,
    output: str,
    by_persona: bool = False,
    lang: str | None = None,
    events: tuple[str, ...] = (),
    events_columns: str | None = None,
    events_map: str | None = None,
    events_time_format: str | None = None,
    scenario: str | None = None,
    goal: str | None = None,
    start: str | None = None,
) -> None:
    """Analyse a journey: conversion, funnel, paths, moments of truth, attribution, emotion."""
    files.refuse_input(path, output)
    with progress.status(f"reading and checking {path}"):
        doc = common.load(path, scenario=scenario)
    if shown := common.problems(doc.diagnostics):
        common.report(shown, "text", 1)
    if not doc.ok or doc.journey is None:
        sys.exit(common.EXIT_PROBLEMS)
    removed = tuple(i for value in without for i in _ids(value))
    fit = cli_events.fitted(doc, events, events_columns, events_map, events_time_format)
    numbers = cli_events.numbers_for(fit, persona) if fit else graph.NO_NUMBERS
    try:
        with progress.status(f"analysing {path}"):
            result = analysis.analyze(
                doc.journey,
                persona=persona,
                without=removed,
                top=top,
                time_limit=time_limit or None,
                numbers=numbers,
                goal=goal,
                start=start,
            )
    except ValueError as error:  # an unknown id, or not even the conversion in time
        raise common.Fail(str(error)) from error
    reports = (result,) if result.baseline is None else (result.baseline, result)
    missing = [
        f for f in analysis.report.OPTIONAL_FIGURES if any(f in r.not_computed for r in reports)
    ]
    if missing:
        click.echo(
            f"warning: the time limit of {time_limit:g} s ran out; not computed: "
            f"{', '.join(missing)} (--time-limit SECONDS, 0: no limit)",
            err=True,
        )
    format_ = format_ or _SUFFIXES.get(pathlib.PurePath(output).suffix.lower(), "text")
    if format_ == "json":
        out = analysis.to_json(result)
    elif format_ == "markdown":
        out = tables.markdown(result, by_persona=by_persona, lang=_lang(lang, doc.journey, path))
    else:
        out = tables.text(result, by_persona=by_persona, lang=_lang(lang, doc.journey, path))
    try:
        files.write_output(output, out.encode("utf-8"), source=path)
    except OSError as error:
        raise common.Fail(f"cannot write {output}: {error.strerror or error}") from error


def _lang(asked: str | None, journey: model.Journey, path: str) -> str | None:
    """The report's language: ``--lang``, else the journey's ``lang``, else the project's."""
    if asked or journey.lang:
        return asked or journey.lang
    if path == "-":
        return None
    from ..configuration import Finder

    chosen = Finder().for_path(path).settings["lang"]
    return chosen if isinstance(chosen, str) else None
