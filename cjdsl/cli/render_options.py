"""The diagram options `watch` and `preview` share with `render`: one definition, one help text."""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

import click

from .. import rendering, watching
from . import common

__all__ = ["interval_option", "output_format", "render_options", "size_options"]

F = TypeVar("F", bound=Callable[..., Any])

_SUFFIXES = {"gv": "dot", "htm": "html"}


interval_option: Final = click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=watching.INTERVAL,
    show_default=True,
    help="Seconds between two looks at the files.",
)
"""``--interval`` of the commands that follow a file (`watch`, `preview`)."""


def size_options(command: F) -> F:
    """``--collapse`` and ``--max-nodes``: every command that lays a journey out has them,
    since the refusal of a too-big layout names them."""
    command = click.option(
        "--max-nodes",
        type=click.IntRange(min=1),
        default=rendering.DEFAULT_MAX_NODES,
        show_default=True,
        help="Refuse to lay out more touchpoints, goals and exits than this (Graphviz would "
        "take minutes and gigabytes); use --collapse, or raise it.",
    )(command)
    return click.option(
        "--collapse",
        "collapse_by",
        type=click.Choice(rendering.COLLAPSE),
        help="Draw one node per stage or channel, edges as wide as the flow of customers: "
        "for journeys too big to draw touchpoint by touchpoint.",
    )(command)


def render_options(
    *,
    themes: Sequence[str] = rendering.THEMES,
    theme: str = "light",
    theme_help: str = "Diagram colours.",
) -> Callable[[F], F]:
    """Add ``--persona --theme --direction --engine --timeout`` to a command."""

    def add(command: F) -> F:
        for option in reversed(
            [
                click.option("--persona", help="Only what this persona meets."),
                click.option(
                    "--theme",
                    type=click.Choice(themes),
                    default=theme,
                    show_default=True,
                    help=theme_help,
                ),
                click.option(
                    "--direction",
                    type=click.Choice(["LR", "TB"]),
                    default="LR",
                    show_default=True,
                    help="Stages left to right, or top to bottom.",
                ),
                click.option(
                    "--engine",
                    type=click.Choice(rendering.engines.ENGINES),
                    default="auto",
                    show_default=True,
                    help="System `dot`, the WebAssembly build, or the first that works.",
                ),
                click.option(
                    "--timeout",
                    type=click.FloatRange(min=1),
                    default=60.0,
                    show_default=True,
                    help="Seconds Graphviz may take before it is stopped.",
                ),
            ]
        ):
            command = option(command)
        return command

    return add


def output_format(
    format_: str | None, output: str | None, formats: Sequence[str] = rendering.FORMATS
) -> str:
    """The format asked for, else the one ``output``'s suffix names (``.gv``: dot), else SVG."""
    if format_:
        return format_
    suffix = pathlib.Path(output).suffix.lstrip(".").lower() if output and output != "-" else ""
    suffix = _SUFFIXES.get(suffix, suffix)
    if suffix and suffix not in formats:
        raise common.Fail(
            f"cannot tell the format from `{output}`; pass -f one of {', '.join(formats)}"
        )
    return suffix or "svg"
