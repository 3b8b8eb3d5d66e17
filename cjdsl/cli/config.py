"""`cjdsl config`: the settings in force for a path, and where each one came from."""

from __future__ import annotations

import json
import sys

import click

from . import common

__all__ = ["config_command"]


@click.command("config")
@click.argument("path", default=".", type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "format_",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="TOML-like lines with their sources, or one JSON document.",
)
@common.config_options
def config_command(path: str, format_: str, finder: common.FinderType) -> None:
    """Show the settings that apply to PATH (a journey or a folder; default: here): the
    nearest cjdsl.toml, else the nearest pyproject.toml with [tool.cjdsl], each value
    with the file and line that set it, or `default`.

    Exit codes: 0 shown, 2 the configuration has errors (printed on stderr).
    """
    from ..configuration import KEYS, toml_value

    found = finder.for_path(path)
    settings = found.settings
    if format_ == "json":
        document = {
            "path": path,
            "file": settings.path,
            "settings": {
                name: {"value": _plain(settings[name]), "source": settings.values[name].source}
                for name in KEYS
            },
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        where = settings.path or "none found (defaults)"
        lines = [f"# settings for {path}", f"# configuration file: {where}"]
        pairs = [(f"{name} = {toml_value(settings[name])}", settings.values[name]) for name in KEYS]
        width = max(len(text) for text, _ in pairs)
        lines += [f"{text:<{width}}  # {setting.source}" for text, setting in pairs]
        click.echo("\n".join(lines))
    if found.diagnostics:
        common.report(list(found.diagnostics), "text", 1, summary=False)
        sys.exit(common.EXIT_ERROR)


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value
