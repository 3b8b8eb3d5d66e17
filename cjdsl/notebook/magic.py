"""The ``%%journey`` cell magic: a cell of journey text, compiled and drawn.

``%load_ext cjdsl`` registers it (``cjdsl.load_ipython_extension``). The cell's text is
compiled as the file ``<cell>`` (imports resolve from the notebook's folder); the
first line takes the options of ``cjdsl render`` that make sense in a notebook and,
optionally, a name to keep the ``Document`` under::

    %%journey shop --persona anna --direction TB --theme dark --highlight critical
    %%journey --map

A journey with errors is shown as ``cjdsl check`` prints it and fails the cell (so
"run all" stops there), with no Python traceback: the error's ``_render_traceback_``
is the diagnostics, which IPython shows in place of one. A bad option is an IPython
``UsageError``, which shows its message alone.
"""

from __future__ import annotations

import argparse
import shlex
from typing import TYPE_CHECKING, Any, Final

from .. import reporting
from ..errors import CjdslError, JourneyError
from ..rendering.options import COLLAPSE, DEFAULT_MAX_NODES, DIRECTIONS, HIGHLIGHTS, THEMES, Options
from . import display

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

__all__ = ["CELL", "CellError", "journey", "parse_line", "register"]

CELL: Final = "<cell>"
"""The file name a cell's diagnostics give (``<cell>:3:9``)."""


class CellError(JourneyError):
    """A cell whose journey has errors; IPython shows the diagnostics, not a traceback."""

    def _render_traceback_(self) -> list[str]:
        text = reporting.render_text(self.diagnostics, color=True)
        return [*text.rstrip("\n").split("\n"), str(self)]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting the kernel."""

    def error(self, message: str) -> Any:  # argparse's signature says NoReturn
        raise ValueError(f"%%journey: {message}\n{self.format_usage().strip()}")


def _parser() -> _Parser:
    parser = _Parser(prog="%%journey", add_help=False)
    parser.add_argument("name", nargs="?", help="keep the Document under this name")
    parser.add_argument("--persona", help="only what this persona meets")
    parser.add_argument("--direction", choices=DIRECTIONS, help="stages left to right or down")
    parser.add_argument("--theme", choices=THEMES, help="the diagram's colours")
    parser.add_argument("--highlight", choices=HIGHLIGHTS, help="analysis results drawn over it")
    parser.add_argument("--collapse", choices=COLLAPSE, help="one node per stage or channel")
    parser.add_argument(
        "--max-nodes", type=int, default=DEFAULT_MAX_NODES, help="refuse a bigger diagram (0: any)"
    )
    parser.add_argument("--map", action="store_true", help="the journey map, not the diagram")
    return parser


def parse_line(line: str) -> argparse.Namespace:
    """The magic's options from its first line.

    Raises:
        ValueError: an unknown option or value; the message names the allowed ones.
    """
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise ValueError(f"%%journey: {error}") from None
    found = _parser().parse_args(words)
    if found.name is not None and not found.name.isidentifier():
        raise ValueError(f"%%journey: `{found.name}` is no Python name to keep the journey under")
    return found


def journey(
    line: str, cell: str, namespace: dict[str, Any] | None = None
) -> display.Diagram | display.JourneyMap:
    """What a ``%%journey`` cell shows; the ``Document`` goes into ``namespace`` under the
    name the line gives.

    Raises:
        ValueError: a bad option on the line.
        CellError: the journey has errors.
        CjdslError: a persona it lacks, or Graphviz refusing.
    """
    import cjdsl

    args = parse_line(line)
    doc = cjdsl.loads(cell, path=CELL, raise_on_error=False)
    if args.name is not None and namespace is not None:
        namespace[args.name] = doc
    if not doc.ok:
        errors = sum(d.severity.value == "error" for d in doc.diagnostics)
        raise CellError(
            f"the journey in this cell has {errors} error{'s' if errors != 1 else ''}",
            doc.diagnostics,
        )
    if args.map:
        try:
            return display.journey_map_of(doc, persona=args.persona, theme=args.theme or "light")
        except ValueError as error:
            raise CjdslError(str(error)) from None
    options = Options(
        persona=args.persona,
        theme=args.theme or "light",
        direction=args.direction or "LR",
        highlight=args.highlight,
        collapse_by=args.collapse,
        max_nodes=args.max_nodes or None,
    )
    if args.persona is not None:
        from .. import personas

        try:
            personas.choose(doc.journey, args.persona)  # type: ignore[arg-type]
        except ValueError as error:
            raise CjdslError(str(error)) from None
    return display.Diagram(doc, options)


def register(shell: InteractiveShell) -> None:
    """Register ``%%journey`` with an IPython shell (what ``%load_ext cjdsl`` does)."""
    from IPython.core.error import UsageError

    def magic(line: str, cell: str) -> display.Diagram | display.JourneyMap:
        try:
            return journey(line, cell, shell.user_ns)
        except CellError:
            raise
        except (ValueError, CjdslError) as error:
            raise UsageError(str(error)) from None

    magic.__doc__ = _parser().format_help()
    shell.magics_manager.register_function(magic, magic_kind="cell", magic_name="journey")
