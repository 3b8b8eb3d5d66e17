"""``--events LOG`` on ``analyze`` and ``render``: the journey's numbers fitted to a log.

``analyze`` takes the fitted figures through the numbers seam (``graph.Numbers``), so the
file is read as written and only the figures change; ``render`` (and the journey map)
draws the fitted text (``observed.rewrite``, in memory), so the labels on the diagram
are the observed probabilities and durations. The file itself is never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .common import Fail

if TYPE_CHECKING:
    from .. import graph
    from ..observed.fitting import Fit
    from ..pipeline import Document

__all__ = ["events_options", "fitted", "fitted_document", "numbers_for"]

F = TypeVar("F", bound=Callable[..., Any])


def events_options(command: F) -> F:
    """``--events LOG`` (repeatable), ``--events-columns FILE``, ``--events-map FILE``,
    ``--events-time-format FORMAT``."""
    from .logs import time_format_option

    command = time_format_option("--events-time-format", "events_time_format")(command)
    command = click.option(
        "--events-map",
        metavar="FILE",
        type=click.Path(dir_okay=False),
        help="Event → touchpoint table for --events (CSV: event,touchpoint).",
    )(command)
    command = click.option(
        "--events-columns",
        metavar="FILE",
        type=click.Path(dir_okay=False),
        help='Column mapping for --events (TOML: user = "kd_nr").',
    )(command)
    return click.option(
        "--events",
        "events",
        multiple=True,
        metavar="LOG",
        help="Fit the numbers to this event log first (files, globs, folders).",
    )(command)


def fitted(
    document: Document,
    events: tuple[str, ...],
    columns: str | None,
    table: str | None,
    time_format: str | None = None,
) -> Fit | None:
    """The fit of ``document`` to ``events`` (``None`` without a log)."""
    if not events:
        return None
    from .fit import fit_log
    from .logs import Cut, LogArgs

    args = LogArgs({}, columns, Cut(), "duckdb", None, None, None, time_format)
    return fit_log(document, events, args, table)


def numbers_for(fit: Fit, persona: str | None) -> graph.Numbers:
    """The persona's fitted numbers where the log has its segment, else everyone's."""
    if persona is not None and persona in fit.personas:
        return fit.personas[persona]
    return fit.numbers


def fitted_document(document: Document, fit: Fit) -> Document:
    """The document with the fitted numbers written into its text (in memory)."""
    from .. import pipeline
    from ..observed import rewrite
    from ..source import SourceFile

    assert document.journey is not None
    text, _ = rewrite.rewrite(document.source, document.journey, fit)
    result = pipeline.compile_source(SourceFile(document.source.path, text))
    if not result.ok:
        raise Fail(f"the fitted text of {document.source.path} does not compile")
    return result
