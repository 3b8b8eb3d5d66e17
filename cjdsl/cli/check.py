"""`cjdsl check`: report every problem of journey files, as the project's settings ask."""

from __future__ import annotations

import sys

import click

from . import common

__all__ = ["check_command"]

SEVERITIES = ("info", "warning", "error")


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@common.format_option
@click.option(
    "--strict/--no-strict",
    default=None,
    help="Fail on warnings too, and report unused suppressions. [default: the "
    "configuration's `strict`, else off]",
)
@common.code_options
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES),
    default="info",
    show_default=True,
    help="Report (and fail on) only diagnostics this severe or worse.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print the diagnostics, but no summary.")
@click.option("-s", "--silent", is_flag=True, help="Print nothing; only the exit code tells.")
@common.scenario_option
@common.config_options
def check_command(
    paths: tuple[str, ...],
    format_: str,
    strict: bool | None,
    codes: common.CodeFlags,
    min_severity: str,
    quiet: bool,
    silent: bool,
    finder: common.FinderType,
    scenario: str | None = None,
) -> None:
    """Check journey files (folders: the *.journey files in them; `-` reads stdin) and
    report every problem found.

    Settings come from the nearest cjdsl.toml or pyproject.toml [tool.cjdsl] (see
    `cjdsl config`); the options given here win. Exit codes: 0 no errors, 1 errors
    (with --strict, warnings too), 2 a file or the configuration could not be read.
    """
    from ..diagnostics import Diagnostic, Severity
    from ..pipeline import Document

    documents: list[tuple[Document, bool]] = []
    configuration: list[Diagnostic] = []
    inputs = list(common.journeys(paths, finder))
    for path in inputs:
        found = finder.for_path(path)
        configuration += found.diagnostics
        settings = found.settings.override({"strict": ("--strict", strict), **codes})
        documents.append((common.load(path, settings=settings, scenario=scenario), settings.strict))
    worst = SEVERITIES.index(min_severity)
    shown = [
        d
        for doc, _strict in documents
        for d in doc.diagnostics
        if SEVERITIES.index(d.severity.value) >= worst
    ]
    configuration = list(dict.fromkeys(configuration))
    if not silent:
        common.report(
            [*configuration, *shown], format_, len(inputs), summary=not quiet, no_files=not inputs
        )
    if configuration and any(d.severity is Severity.ERROR for d in configuration):
        sys.exit(common.EXIT_ERROR)
    failing = any(
        d.severity is Severity.ERROR or (strict_ and d.severity is Severity.WARNING)
        for doc, strict_ in documents
        for d in doc.diagnostics
        if SEVERITIES.index(d.severity.value) >= worst
    )
    sys.exit(common.EXIT_PROBLEMS if failing else common.EXIT_OK)
