"""`cjdsl watch`: render again whenever the journey or one of its imports changes."""

from __future__ import annotations

import functools
import pathlib
import signal
import sys
import time
from collections.abc import Callable
from types import FrameType

import click

from .. import files, model, rendering, views
from ..errors import CjdslError
from ..preview import watching
from . import common, progress, render_options

__all__ = ["stop_on_signals", "watch_command"]


@click.command("watch")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, help="The file to keep up to date.")
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(rendering.FORMATS),
    help="Output format. Default: from -o's suffix, else svg.",
)
@render_options.render_options()
@render_options.interval_option
def watch_command(
    path: str,
    output: str,
    format_: str | None,
    options: rendering.Options,
    interval: float,
) -> None:
    """Render PATH to OUTPUT now and again on every save of it or of a file it imports.

    Prints the diagnostics of each run. A run with errors (or a file caught
    half-saved) keeps the last good OUTPUT; Ctrl-C stops.
    """
    if output == "-":
        raise common.Fail("watch keeps a file up to date; -o - (stdout) is not possible")
    if path == "-":
        raise common.Fail("watch follows a file; standard input (-) cannot be watched")
    files.refuse_input(path, output)
    fmt = render_options.output_format(format_, output)
    render = functools.partial(views.render, format_=fmt, options=options)
    runs = 0

    def build() -> watching.Snapshot:
        nonlocal runs
        runs += 1
        click.echo(f"── run {runs} at {time.strftime('%H:%M:%S')} ──", err=True)
        try:
            return _run(path, output, render)
        except Exception as error:  # a bug in one run must not end the watch
            click.echo(
                f"error: internal error ({type(error).__name__}: {error}); this is a bug in "
                f"cjdsl, please report it; {output} not updated",
                err=True,
            )
            return watching.snapshot([pathlib.Path(path)])

    stop_on_signals()
    click.echo(f"watching {path} and its imports; Ctrl-C stops", err=True)
    try:
        watching.watch(build, interval=interval)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    sys.exit(common.EXIT_OK)


def _run(path: str, output: str, render: Callable[[model.Journey], bytes]) -> watching.Snapshot:
    """One run: check, report, render, write. Every outcome ends in one line that says
    whether OUTPUT was written."""
    found = watching.compile_watched(pathlib.Path(path))
    doc = found.document
    if doc is None:
        reason = found.error.strerror if found.error else None
        click.echo(f"cannot read {path}: {reason or found.error}; waiting for it", err=True)
        return found.seen
    common.report(common.problems(doc.diagnostics), "text", 1)
    if not doc.ok or doc.journey is None:
        click.echo(f"{output} not updated: fix the errors above", err=True)
        return found.seen
    started = time.perf_counter()
    try:
        with progress.status(f"laying out {path} with Graphviz"):
            data = render(doc.journey)
        pathlib.Path(output).parent.mkdir(parents=True, exist_ok=True)
        files.write_output(output, data, source=path)
    except CjdslError as error:  # Graphviz failing, or OUTPUT now being the journey itself
        click.echo(f"error: {error}; {output} not updated", err=True)
        return found.seen
    except OSError as error:
        problem = error.strerror or str(error)
        click.echo(f"error: cannot write {output}: {problem}; {output} not updated", err=True)
        return found.seen
    took = (time.perf_counter() - started) * 1000
    click.echo(f"wrote {output} ({took:.0f} ms)", err=True)
    return found.seen


def stop_on_signals() -> None:
    """Make Ctrl-C (SIGINT) and SIGTERM end a long-running command cleanly.

    Set explicitly because a process started in the background by a
    non-interactive shell (CI, ``cmd &`` in a script) inherits SIGINT as
    ignored, and Python then leaves it ignored: ``kill -INT`` would do nothing.
    """

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
