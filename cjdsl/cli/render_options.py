"""The diagram options `render`, `watch` and `preview` share: one definition, one help text,
built once into the one ``rendering.Options`` the command receives."""

from __future__ import annotations

import functools
import pathlib
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar, cast

import click

from .. import rendering
from ..preview import watching
from ..rendering import options as choices
from . import common

__all__ = ["interval_option", "output_format", "render_options"]

F = TypeVar("F", bound=Callable[..., Any])

_SUFFIXES = {"gv": "dot", "htm": "html"}
_FIELDS: Final = (
    "persona",
    "theme",
    "direction",
    "lang",
    "engine",
    "timeout",
    "collapse_by",
    "max_nodes",
)


interval_option: Final = click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=watching.INTERVAL,
    show_default=True,
    help="Seconds between two looks at the files.",
)
"""``--interval`` of the commands that follow a file (`watch`, `preview`)."""


def render_options(
    *,
    page: bool = False,
    theme_help: str = "Diagram colours.",
    highlight: bool = False,
) -> Callable[[F], F]:
    """Add ``--persona --theme --direction --lang --engine --timeout [--highlight] --collapse
    --max-nodes`` to a command, which receives them as one ``options: rendering.Options``.

    ``--collapse`` and ``--max-nodes`` are on every command that lays a journey out,
    since the refusal of a too-big layout names them. ``page``: ``--theme`` is a page's,
    ``auto`` by default (light and dark diagrams, the browser picks), and reaches the
    command as ``theme`` beside options of the default theme.
    """

    def add(command: F) -> F:
        @functools.wraps(command)
        def built(**values: Any) -> Any:
            fields = {name: values.pop(name) for name in _FIELDS}
            _project_defaults(fields, values, page=page)
            if page:
                values["theme"] = fields.pop("theme")
            if highlight:
                fields["highlight"] = values.pop("highlight")
                if fields["highlight"] and fields["collapse_by"]:
                    raise common.Fail(
                        "--highlight marks touchpoints, which --collapse does not draw; "
                        "choose one of them"
                    )
            return command(options=rendering.Options(**fields), **values)

        added = [
            click.option("--persona", help="Only what this persona meets."),
            click.option(
                "--theme",
                type=click.Choice(choices.PAGE_THEMES if page else choices.THEMES),
                help=f"{theme_help} [default: the project's `theme`, else "
                f"{choices.AUTO if page else choices.DEFAULTS.theme}]",
            ),
            click.option(
                "--direction",
                type=click.Choice(choices.DIRECTIONS),
                help="Stages left to right, or top to bottom. [default: the project's "
                f"`direction`, else {choices.DEFAULTS.direction}]",
            ),
            click.option(
                "--lang",
                type=click.Choice(choices.LANGS),
                help="Language of every word and figure drawn (default: the journey's "
                "`lang`, else the project's, else English).",
            ),
            click.option(
                "--engine",
                type=click.Choice(choices.ENGINES),
                default=choices.DEFAULTS.engine,
                show_default=True,
                help="System `dot`, the WebAssembly build, or the first that works.",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=1),
                default=choices.DEFAULT_TIMEOUT,
                show_default=True,
                help="Seconds Graphviz may take before it is stopped.",
            ),
        ]
        if highlight:
            added.append(
                click.option(
                    "--highlight",
                    type=click.Choice(choices.HIGHLIGHTS),
                    help="Draw analysis results over the diagram (see `cjdsl analyze`).",
                )
            )
        added += [
            click.option(
                "--collapse",
                "collapse_by",
                type=click.Choice(choices.COLLAPSE),
                help="Draw one node per stage or channel, edges as wide as the flow of "
                "customers: for journeys too big to draw touchpoint by touchpoint.",
            ),
            click.option(
                "--max-nodes",
                type=click.IntRange(min=1),
                default=choices.DEFAULT_MAX_NODES,
                show_default=True,
                help="Refuse to lay out more touchpoints, goals and exits than this (Graphviz "
                "would take minutes and gigabytes); use --collapse, or raise it.",
            ),
        ]
        wrapper: Callable[..., Any] = built
        for option in reversed(added):
            wrapper = option(wrapper)
        return cast("F", wrapper)

    return add


def _project_defaults(fields: dict[str, Any], values: dict[str, Any], *, page: bool) -> None:
    """Fill ``--theme``, ``--direction`` and ``--lang`` left out from the settings of the
    project of the (first) journey (``cjdsl.toml`` or ``[tool.cjdsl]``), else the defaults."""
    from ..configuration import Finder

    paths = values.get("paths") or (values.get("path"),)
    wanted = [name for name in ("theme", "direction") if fields[name] is None]
    if paths[0] is not None:
        settings = Finder().for_path(paths[0]).settings
        for name in wanted:
            fields[name] = settings[name]
        # a journey's own `lang` beats the project's, so the project's is only a default
        fields["default_lang"] = settings["lang"]
    if fields["theme"] is None:
        fields["theme"] = choices.AUTO if page else choices.DEFAULTS.theme
    if fields["direction"] is None:
        fields["direction"] = choices.DEFAULTS.direction


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
