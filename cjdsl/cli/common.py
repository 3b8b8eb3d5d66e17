"""What every command shares: exit codes, the one-line failure, loading and reporting.

Importing it costs click only: the library is imported by the functions that use it,
so `cjdsl --version` and `cjdsl explain` start as fast as click does.
"""

from __future__ import annotations

import functools
import os
import pathlib
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar

import click

if TYPE_CHECKING:
    from ..configuration import Finder, Settings
    from ..diagnostics import Diagnostic
    from ..pipeline import Document

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "CodeFlags",
    "Fail",
    "FinderType",
    "code_options",
    "config_options",
    "docs_url",
    "format_option",
    "journeys",
    "load",
    "once",
    "problems",
    "report",
    "scenario_option",
]

CodeFlags: TypeAlias = Mapping[str, tuple[str, Any]]
"""``--select`` and the like as ``Settings.override`` takes them: ``{key: (flag, value)}``."""
FinderType: TypeAlias = "Finder"

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_ERROR: Final = 2


class Fail(click.ClickException):
    """A usage, I/O or environment problem: one line on stderr, exit 2."""

    exit_code = EXIT_ERROR


def load(path: str, *, settings: Settings | None = None, scenario: str | None = None) -> Document:
    """Load a path or ``-`` (stdin); I/O problems exit 2 with a one-line message.

    ``settings``: the project's, for which codes are reported, whether unused suppressions
    are (``strict``) and the folder imports may not leave (``import-root``); ``scenario``:
    the document is that scenario of the journey (``--scenario``)."""
    from .. import files, pipeline  # the parser, NetworkX: only for commands that read journeys
    from ..suppression import DEFAULT, Rules

    try:
        data, display = files.read_input(path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise Fail(f"cannot read {path}: {reason}") from error
    if settings is None:
        return pipeline.compile_bytes(data, display, rules=DEFAULT, scenario=scenario)
    rules = Rules(settings.enabled, report_unused=settings.strict)
    return pipeline.compile_bytes(
        data, display, rules=rules, root=settings.import_root, scenario=scenario
    )


def once(*found: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of several documents of one file (a journey and its scenario), each
    finding once: by code, place and message, whichever compile found it."""
    seen: dict[tuple[str, str, int, str], Diagnostic] = {}
    for diagnostic in (d for group in found for d in group):
        key = (
            diagnostic.code.id,
            diagnostic.span.file.path,
            diagnostic.span.start,
            diagnostic.message,
        )
        seen.setdefault(key, diagnostic)
    return list(seen.values())


def journeys(paths: Sequence[str], finder: Finder) -> Iterator[str]:
    """The paths, each folder replaced by the journey files in it that are not excluded."""
    from . import inputs

    return inputs.journeys(paths, finder)


def problems(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Errors and warnings: what a command that makes something reports.

    Infos (funnel order, CJ5xx) are worth a look while checking, not on every
    render or analysis; `cjdsl check` shows them.
    """
    from ..diagnostics import Severity

    return [d for d in diagnostics if d.severity is not Severity.INFO]


def report(
    diagnostics: Sequence[Diagnostic],
    format_: str,
    files_count: int,
    *,
    summary: bool = True,
    no_files: bool = False,
) -> None:
    """Print diagnostics to stderr (json and sarif to stdout, for piping), and for text a
    summary line unless ``summary`` is false."""
    from .. import reporting

    if format_ in ("json", "sarif"):
        click.echo(reporting.render(diagnostics, format_=format_, docs=docs_url()), nl=False)
        return
    color = format_ == "text" and sys.stderr.isatty() and "NO_COLOR" not in os.environ
    text = reporting.render(diagnostics, format_=format_, color=color)
    if text:
        click.echo(text, nl=False, err=True)
    if format_ == "text" and summary:
        line = "no journey files found" if no_files else reporting.summary(diagnostics, files_count)
        click.echo(line, err=True)


def docs_url() -> str | None:
    """The diagnostics page SARIF's rules link to: ``CJDSL_DOCS_URL`` when set (a team's
    published copy), else the page of a source checkout, else none."""
    import pathlib

    if url := os.environ.get("CJDSL_DOCS_URL"):
        return url
    page = pathlib.Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md"
    return page.as_uri() if page.is_file() else None


def scenario_option(command: F) -> F:
    """``--scenario ID``: work on that scenario of the journey (docs/scenarios.md)."""
    return click.option(
        "--scenario",
        metavar="ID",
        help='Work on this scenario of the journey (`scenario ID "…" { … }`), applied to it.',
    )(command)


def format_option(command: F) -> F:
    """``--format text|json|github|sarif``: how a command prints diagnostics."""
    from .. import reporting

    return click.option(
        "--format",
        "format_",
        type=click.Choice(reporting.FORMATS),
        default="text",
        show_default=True,
        help="How to print diagnostics.",
    )(command)


def _codes(value: str | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(c.strip() for c in value.split(",") if c.strip())


def code_options(command: F) -> F:
    """``--select``, ``--extend-select``, ``--ignore`` (comma-separated codes, names or
    prefixes): the command receives them as ``codes``, ready for ``Settings.override``."""

    @functools.wraps(command)
    def built(**values: Any) -> Any:
        from ..configuration.settings import suggest_selector, valid_selector

        flags = {}
        for key in ("select", "extend_select", "ignore"):
            flag = "--" + key.replace("_", "-")
            chosen = _codes(values.pop(key))
            for selector in chosen or ():
                if not valid_selector(selector):
                    hint = suggest_selector(selector)
                    message = f"{flag}: `{selector}` names no code"
                    raise Fail(message + (f"; {hint}" if hint else ""))
            flags[key.replace("_", "-")] = (flag, chosen)
        return command(codes=flags, **values)

    wrapper: Callable[..., Any] = built
    for name, what in (
        ("--ignore", "Do not report these codes"),
        ("--extend-select", "Report these codes too"),
        ("--select", "Report only these codes"),
    ):
        wrapper = click.option(
            name, metavar="CODES", help=f"{what} (ids, names or prefixes, comma-separated)."
        )(wrapper)
    return wrapper  # type: ignore[return-value]


def config_options(command: F) -> F:
    """``--config FILE`` and ``--isolated``: the command receives a ``finder`` that gives the
    settings for each path (the nearest configuration file's, by default)."""

    @functools.wraps(command)
    def built(**values: Any) -> Any:
        from ..configuration import Finder

        config, isolated = values.pop("config"), values.pop("isolated")
        if config and isolated:
            raise Fail("--config and --isolated contradict each other; choose one")
        if isolated:
            finder = Finder.isolated()
        elif config:
            if not os.path.isfile(config):
                raise Fail(f"cannot read {config}: no such file")
            finder = Finder.of_file(pathlib.Path(config))
        else:
            finder = Finder()
        return command(finder=finder, **values)

    wrapper: Callable[..., Any] = built
    wrapper = click.option(
        "--isolated", is_flag=True, help="Read no configuration file: the defaults only."
    )(wrapper)
    wrapper = click.option(
        "--config",
        metavar="FILE",
        help="Take the settings from this file instead of the nearest cjdsl.toml or "
        "pyproject.toml.",
    )(wrapper)
    return wrapper  # type: ignore[return-value]
