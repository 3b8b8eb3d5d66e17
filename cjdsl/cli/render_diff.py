"""`cjdsl render --diff A B` (or `--diff A --scenario ID`): the union of two journeys drawn
with their changes coloured and the conversion before → after in the caption."""

from __future__ import annotations

import pathlib
import sys
from typing import NoReturn

import click

from .. import files, rendering
from . import common, progress, render_options

__all__ = ["render_diff"]


def render_diff(
    paths: tuple[str, ...],
    *,
    scenario: str | None,
    output: str | None,
    format_: str | None,
    options: rendering.Options,
) -> NoReturn:
    """Draw the diff of ``paths`` (two journeys, or one and its ``scenario``) and exit."""
    from .. import diffing
    from ..diffing import formats
    from ..rendering import diffview

    if scenario is not None and len(paths) != 1:
        raise common.Fail("--diff with --scenario draws one file against its scenario: one path")
    if scenario is None and len(paths) != 2:
        raise common.Fail("--diff draws two journeys (A B), or one with --scenario ID")
    if format_ == "html":
        raise common.Fail(
            "--diff draws a diagram (svg, png, pdf, dot, json); the journey map of a scenario "
            "(-f html --scenario ID) draws the as-is emotion curve beneath the to-be's"
        )
    fmt = render_options.output_format(format_, output, rendering.FORMATS)
    before_path, after_path = (paths[0], paths[0]) if scenario else paths
    with progress.status("reading and checking both"):
        before = common.load(before_path)
        after = common.load(after_path, scenario=scenario)
    if shown := common.problems(common.once(before.diagnostics, after.diagnostics)):
        common.report(shown, "text", len(set(paths)))
    if not (before.ok and after.ok) or before.journey is None or after.journey is None:
        sys.exit(common.EXIT_PROBLEMS)
    names = (before_path, f"{after_path} --scenario {scenario}" if scenario else after_path)
    with progress.status("comparing both"):
        diff = diffing.compare(before.journey, after.journey, names=names)
    caption = formats.caption(diff) + " · green: added, red dashed: removed, amber: changed"
    journey, overlay = diffview.union(before.journey, after.journey, diff, caption=caption)
    stem = "journey" if after_path == "-" else pathlib.Path(after_path).stem
    target = output or str(pathlib.Path(after_path).with_name(f"{stem}.diff.{fmt}"))
    for path in paths:
        files.refuse_input(path, target)
    with progress.status("laying out the diff with Graphviz"):
        data = rendering.render(
            journey, format_=fmt, options=options, findings=rendering.Findings(), overlay=overlay
        )
    try:
        files.write_output(target, data, source=after_path)
    except OSError as error:
        raise common.Fail(f"cannot write {target}: {error.strerror or error}") from error
    if target != "-":
        click.echo(f"wrote {target}", err=True)
    sys.exit(common.EXIT_OK)
