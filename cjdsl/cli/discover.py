"""``cjdsl discover LOG``: a draft journey from an event log alone."""

from __future__ import annotations

import pathlib
from typing import Any

import click

from . import progress
from .common import Fail
from .logs import LogArgs, log_options, open_log

__all__ = ["discover_command"]


@click.command("discover")
@click.argument("log", nargs=-1, required=True)
@click.option("-o", "--output", metavar="FILE", help="Write the draft here (default: stdout).")
@click.option("--title", default="Discovered journey", show_default=True, help="Its title.")
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Leave out moves seen fewer times.",
)
@click.option(
    "--top-edges",
    type=click.IntRange(min=1),
    help="Keep only each touchpoint's N most frequent moves.",
)
@click.option(
    "--stages",
    "stages_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help='Stage mapping (TOML): [stages] awareness = ["Anzeige", "ad_*"]. '
    "Default: steps from the start.",
)
@log_options
@progress.interruptible
def discover_command(
    log: tuple[str, ...],
    output: str | None,
    title: str,
    min_count: int,
    top_edges: int | None,
    stages_file: str | None,
    **kwargs: Any,
) -> None:
    """Draft a journey from the event LOG (files, globs or folders): touchpoints from the
    events, transitions with observed probabilities, entries with reach, conversions as
    the goal."""
    from .. import files
    from ..observed import LogError, counts, discovery

    args = LogArgs.of(kwargs)
    stages = None
    if stages_file:
        try:
            text = files.read_regular(pathlib.Path(stages_file)).decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise Fail(f"cannot read {stages_file}: {error}") from None
        try:
            stages = discovery.parse_stages(text, stages_file)
        except LogError as error:
            raise Fail(str(error)) from None
    with progress.status(f"reading {' '.join(log)}"):
        opened = open_log(log, args)
    try:
        with progress.status("cutting journeys and counting moves"):
            found = counts(
                opened,
                cut_at_conversion=args.cut.cut_at_conversion,
                session_gap=args.cut.session_gap,
            )
        draft = discovery.discover(
            found, title=title, min_count=min_count, top_edges=top_edges, stages=stages
        )
    except LogError as error:
        raise Fail(str(error)) from None
    if output is None:
        click.echo(draft.text, nl=False)
        return
    files.write_output(output, draft.text.encode("utf-8"))
    click.echo(f"wrote {output}: {len(draft.ids) - 1} touchpoints", err=True)
