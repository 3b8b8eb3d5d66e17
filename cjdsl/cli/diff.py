"""`cjdsl diff`: what a to-be changes of the as-is, by meaning, with CI limits."""

from __future__ import annotations

import pathlib
import sys

import click

from .. import files, personas
from . import common, progress

__all__ = ["diff_command"]

_SUFFIXES = {".json": "json", ".md": "markdown", ".markdown": "markdown"}


@click.command("diff")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--scenario",
    metavar="ID",
    help="Compare the journey of one file with this scenario of it (one path then).",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(("text", "markdown", "json")),
    help="Text, Markdown (a pull-request comment) or JSON; default: from -o's suffix, else text.",
)
@click.option(
    "--fail-on",
    "fail_on",
    metavar="LIMIT=AMOUNT",
    multiple=True,
    help="Exit 1 when a change is worse than this, e.g. `conversion-drop=0.5pp`, "
    "`goal-drop=1%`, `drop-off-rise=2pp`, `cost-per-conversion-rise=5%`, `emotion-drop=1`, "
    "`dead-ends=0`, `unreachable=0` (repeatable).",
)
@click.option("--persona", help="The figures of this persona (default: everyone).")
@click.option("-o", "--output", default="-", show_default=True, help="Write to this file.")
@progress.interruptible
def diff_command(
    paths: tuple[str, ...],
    scenario: str | None,
    format_: str | None,
    fail_on: tuple[str, ...],
    output: str,
    persona: str | None = None,
) -> None:
    """Compare two journeys (A B), or a journey with one of its scenarios (A --scenario ID):
    touchpoints and transitions added, removed and changed, emotion, new dead ends, and the
    headline figures before and after.

    Exit codes: 0 no limit crossed, 1 a --fail-on limit crossed or a journey has errors,
    2 bad arguments or a file that cannot be read."""
    from .. import diffing
    from ..diffing import formats, thresholds

    try:
        limits = tuple(thresholds.parse(text) for text in fail_on)
    except ValueError as error:
        raise common.Fail(str(error)) from error
    if scenario is not None and len(paths) != 1:
        raise common.Fail("--scenario compares one file with its scenario: give one path")
    if scenario is None and len(paths) != 2:
        raise common.Fail("give two journeys (cjdsl diff A B), or one with --scenario ID")
    for path in paths:
        files.refuse_input(path, output)
    before_path, after_path = (paths[0], paths[0]) if scenario else paths
    with progress.status(f"reading and checking {', '.join(dict.fromkeys(paths))}"):
        before = common.load(before_path)
        after = common.load(after_path, scenario=scenario)
    if shown := common.problems(common.once(before.diagnostics, after.diagnostics)):
        common.report(shown, "text", len(set(paths)))
    if not (before.ok and after.ok) or before.journey is None or after.journey is None:
        sys.exit(common.EXIT_PROBLEMS)
    try:
        personas.choose(before.journey, persona)
        personas.choose(after.journey, persona)
    except ValueError as error:
        raise common.Fail(str(error)) from error
    names = (before_path, f"{after_path} --scenario {scenario}" if scenario else after_path)
    with progress.status("analysing both"):
        result = diffing.compare(before.journey, after.journey, names=names, persona=persona)
    format_ = format_ or _SUFFIXES.get(pathlib.PurePath(output).suffix.lower(), "text")
    writer = {"json": formats.json_text, "markdown": formats.markdown}.get(format_, formats.text)
    try:
        files.write_output(output, writer(result).encode("utf-8"), source=before_path)
    except OSError as error:
        raise common.Fail(f"cannot write {output}: {error.strerror or error}") from error
    crossed = list(thresholds.broken(result, limits))
    for sentence in crossed:
        click.echo(f"limit crossed: {sentence}", err=True)
    sys.exit(common.EXIT_PROBLEMS if crossed else common.EXIT_OK)
