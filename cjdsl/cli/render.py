"""`cjdsl render`: journeys to SVG, PNG, PDF, DOT, Graphviz JSON or an HTML journey map."""

from __future__ import annotations

import pathlib
import sys
from typing import TYPE_CHECKING, Final

import click

from .. import files, rendering, reporting, views
from ..rendering import aspect, paper
from . import common, progress, render_options
from . import events as cli_events

if TYPE_CHECKING:
    from .. import model

__all__ = ["FORMATS", "render_command"]

FORMATS: Final = (*rendering.FORMATS, "html")
"""Graphviz's formats, and ``html``: the journey map (a page, no Graphviz)."""


@click.command("render")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "-o", "--output", help="Output file (`-`: stdout). Default: FILE with the format's suffix."
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    help="Output format; `html` is the journey map. Default: from -o's suffix, else svg.",
)
@click.option(
    "--out-dir", type=click.Path(file_okay=False), help="Render several files into this folder."
)
@render_options.render_options(highlight=True)
@click.option(
    "--diagnostics",
    "diagnostics_format",
    type=click.Choice(reporting.FORMATS),
    default="text",
    show_default=True,
    help="How to print diagnostics.",
)
@cli_events.events_options
@common.scenario_option
@click.option(
    "--diff",
    "draw_diff",
    is_flag=True,
    help="Draw the union of two journeys (A B, or A --scenario ID): added green, removed red "
    "and dashed, changed amber, the conversion before → after in the caption.",
)
@click.option(
    "--view",
    type=click.Choice(("diagram", "blueprint")),
    default="diagram",
    show_default=True,
    help="`blueprint`: a horizontal band per lane (customer, frontstage, backstage, support, "
    "process) with the processes behind the touchpoints (docs/blueprint.md).",
)
@click.option(
    "--page",
    type=click.Choice(tuple(paper.PAPERS)),
    help="With -f pdf: the diagram scaled to fit this paper (1 cm margin), centred.",
)
@click.option("--landscape", is_flag=True, help="With --page: the paper turned sideways.")
@progress.interruptible
def render_command(
    paths: tuple[str, ...],
    output: str | None,
    format_: str | None,
    out_dir: str | None,
    options: rendering.Options,
    diagnostics_format: str,
    events: tuple[str, ...] = (),
    events_columns: str | None = None,
    events_map: str | None = None,
    events_time_format: str | None = None,
    scenario: str | None = None,
    draw_diff: bool = False,
    view: str = "diagram",
    page: str | None = None,
    landscape: bool = False,
) -> None:
    """Render journey files to SVG, PNG, PDF, DOT, Graphviz JSON or an HTML journey map."""
    if draw_diff:
        from .render_diff import render_diff

        render_diff(paths, scenario=scenario, output=output, format_=format_, options=options)
    if len(paths) > 1 and output:
        raise common.Fail("-o names one output; to render several files use --out-dir")
    fmt = render_options.output_format(format_, output, FORMATS)
    if diagnostics_format == "json" and (output == "-" or (output is None and "-" in paths)):
        raise common.Fail(
            "--diagnostics json goes to stdout, where the output goes too; use -o FILE"
        )
    _check_paper(fmt, page, landscape)
    if fmt == "html" and options.highlight:
        raise common.Fail("--highlight draws on diagrams; the journey map (html) shows them all")
    if fmt == "html" and options.collapse_by:
        raise common.Fail(
            "--collapse draws diagrams; the journey map (html) has a column per stage"
        )
    failed = False
    for number, path in enumerate(paths, 1):
        of = f" ({number}/{len(paths)})" if len(paths) > 1 else ""
        with progress.status(f"reading and checking {path}{of}"):
            doc = common.load(path, scenario=scenario)
        if shown := common.problems(doc.diagnostics):
            common.report(shown, diagnostics_format, 1)
        if not doc.ok or doc.journey is None:
            failed = True
            continue
        if events:  # the fitted figures, drawn as the file would write them
            fit = cli_events.fitted(doc, events, events_columns, events_map, events_time_format)
            assert fit is not None
            doc = cli_events.fitted_document(doc, fit)
        journey = doc.journey
        assert journey is not None
        target = _target(path, output, out_dir, fmt)
        files.refuse_input(path, target)
        if fmt == "html":
            with progress.status(f"analysing {path} for its journey map{of}"):
                data = _journey_map(journey, options, before=_as_is(path) if scenario else None)
        else:
            with progress.status(f"laying out {path} with Graphviz{of}"):
                data = _diagram(journey, fmt, options, view)
            if page is not None:
                data = paper.fit(data, page, landscape=landscape)
            elif note := aspect.hint(data, fmt, options.direction):
                click.echo(f"note: {path}: {note}", err=True)
        try:
            if target != "-" and out_dir:
                pathlib.Path(out_dir).mkdir(parents=True, exist_ok=True)
            files.write_output(target, data, source=path)
        except OSError as error:
            raise common.Fail(f"cannot write {target}: {error.strerror or error}") from error
        if target != "-":
            click.echo(f"wrote {target}", err=True)
    sys.exit(common.EXIT_PROBLEMS if failed else common.EXIT_OK)


def _check_paper(fmt: str, page: str | None, landscape: bool) -> None:
    """``--page`` sizes a PDF; the journey map has its own print layout."""
    if landscape and page is None:
        raise common.Fail("--landscape turns the paper of --page; add --page A4, A3 or letter")
    if page is not None and fmt == "html":
        raise common.Fail(
            "--page sizes a PDF diagram; the journey map (html) prints itself to A3/A4 "
            "landscape from the browser"
        )
    if page is not None and fmt != "pdf":
        raise common.Fail(f"--page sizes a PDF; add -f pdf (the format is {fmt})")


def _diagram(journey: model.Journey, fmt: str, options: rendering.Options, view: str) -> bytes:
    """The diagram, or with ``--view blueprint`` its lanes as horizontal bands."""
    if view == "blueprint":
        from ..rendering import blueprint_view

        return blueprint_view.render(journey, format_=fmt, options=options)
    return views.render(journey, format_=fmt, options=options)


def _as_is(path: str) -> dict[str, float]:
    """The emotion of the journey a scenario is applied to, by node id: its map's as-is curve."""
    from .. import scenarios

    return scenarios.emotions(common.load(path).journey)


def _journey_map(
    journey: model.Journey, options: rendering.Options, *, before: dict[str, float] | None = None
) -> bytes:
    """The journey map page; a failed analysis costs its figures (with a warning), not the map."""
    from ..rendering import journey_map

    persona = options.persona
    try:
        report, note = views.map_report(journey, persona=persona)
    except ValueError as error:
        raise common.Fail(str(error)) from error
    if note:
        click.echo(f"warning: the map has no analysis figures: {note}", err=True)
    page = journey_map.document(
        journey,
        report,
        findings=views.findings(journey, persona=persona),
        persona=persona,
        theme=options.theme,
        note=note,
        before=before,
        lang=options.lang_for(journey.lang),
    )
    return page.encode("utf-8")


def _target(path: str, output: str | None, out_dir: str | None, fmt: str) -> str:
    if output:
        return output
    stem = "journey" if path == "-" else pathlib.Path(path).stem
    if out_dir:
        return str(pathlib.Path(out_dir) / f"{stem}.{fmt}")
    if path == "-":
        return "-"
    return str(pathlib.Path(path).with_suffix(f".{fmt}"))
