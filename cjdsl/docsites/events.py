"""An event log behind a diagram in the docs: the journey drawn with its fitted numbers.

The ``events`` option (per journey or site-wide, a path relative to the docs folder: a file,
a glob or a folder, as ``cjdsl render --events LOG`` takes) fits the journey to the log
with the CLI's own code (``cjdsl.cli.events``), so a page shows what ``render --events``
shows. The log is in the render cache's key by each file's path, size and modification
time (``stamp``), so an unchanged log rebuilds from the cache without opening DuckDB, and
a changed one re-renders; its files are the page's dependencies (``files``: Sphinx reads
the page again, ``mkdocs serve`` watches them). Without the data extra the build says ``pip install
'cjdsl[data]'`` at the journey; the journey file is never changed.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
from typing import TYPE_CHECKING

from ..errors import RenderError

if TYPE_CHECKING:
    from .. import pipeline
    from .support import Options

__all__ = ["files", "fitted", "resolve", "stamp"]


def resolve(options: Options, folder: pathlib.Path) -> Options:
    """``options`` with ``events`` made absolute from the docs ``folder``."""
    if not options.events or os.path.isabs(options.events):
        return options
    return dataclasses.replace(options, events=os.fspath(folder / options.events))


def files(options: Options) -> list[str]:
    """The files of ``options.events`` (resolved), for the site to watch and rebuild on;
    none for a log that names no file (rendering says why)."""
    if not options.events:
        return []
    from ..observed.columns import LogError
    from ..observed.sources import expand

    try:
        return [source.path for source in expand([options.events])]
    except LogError:
        return []


def stamp(spec: str | None) -> list[list[object]] | None:
    """Each file of the log with its size and modification time (the cache key's part).

    Raises:
        RenderError: the log names no file (the message says which and why).
    """
    if not spec:
        return None
    from ..observed.columns import LogError
    from ..observed.sources import expand

    try:
        sources = expand([spec])
    except LogError as error:
        raise RenderError(f"events: {error}") from error
    out: list[list[object]] = []
    for source in sources:
        try:
            info = os.stat(source.path)
        except OSError as error:
            raise RenderError(f"events: cannot read {source.path}: {error.strerror}") from error
        out.append([source.path, info.st_size, info.st_mtime_ns])
    return out


def fitted(
    compiled: pipeline.Compiled, spec: str, time_format: str | None = None
) -> pipeline.Compiled:
    """``compiled`` with its numbers fitted to the log ``spec`` (in memory); ``time_format``
    reads its timestamps as ``--time-format`` does.

    Raises:
        RenderError: the data extra is missing, or the log does not fit the journey.
    """
    import click

    from .. import pipeline
    from ..cli import events

    try:
        fit = events.fitted(compiled.document, (spec,), None, None, time_format)
        assert fit is not None
        document = events.fitted_document(compiled.document, fit)
    except click.ClickException as error:  # the CLI's one-line message, as render --events
        raise RenderError(f"events: {error.format_message()}") from error
    return pipeline.Compiled(document, compiled.reads)
