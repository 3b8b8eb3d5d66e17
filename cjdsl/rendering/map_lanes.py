"""The journey map's service-blueprint rows: who performs each step, under the touchpoints.

A row per lane that has something to show (frontstage, backstage, support, process): in a
touchpoint's column, the touchpoint itself when it is performed in that lane, and the
processes of that lane that support it, with their owners. Between the rows run the lines
of the blueprint: of interaction (the customer meets the brand), of visibility (what the
customer sees) and of internal interaction (the support behind the backstage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from .. import i18n, model
from .map_curve import text

__all__ = ["LANES", "rows"]

LANES: Final = (
    ("frontstage", i18n.N_("Frontstage"), i18n.N_("what the customer sees us do")),
    ("backstage", i18n.N_("Backstage"), i18n.N_("what we do out of sight")),
    ("support", i18n.N_("Support"), i18n.N_("systems and partners")),
    ("process", i18n.N_("Processes"), i18n.N_("the processes behind")),
)
_LINES: Final = {
    "frontstage": i18n.N_("line of interaction"),
    "backstage": i18n.N_("line of visibility"),
    "support": i18n.N_("line of internal interaction"),
}


def rows(
    journey: model.Journey,
    columns: Sequence[model.Touchpoint | None],
    *,
    head: Callable[[str, str, str], str],
    cells: Callable[[Callable[[model.Touchpoint], str]], str],
    t: i18n.Locale,
) -> list[str]:
    """The blueprint's rows for the map's ``columns`` (``head`` and ``cells`` draw a row's
    heading and its cells the way the map's other rows are drawn); none for a journey that
    says nothing of lanes or processes."""
    shown = [n for n in columns if n is not None]
    if not journey.processes and all(n.lane is None for n in shown):
        return []
    out: list[str] = []
    for lane, title, hint in LANES:
        here = [p for p in journey.processes if p.lane == lane]
        if not any(n.lane == lane or _serving(here, n) for n in shown):
            continue

        def cell(
            node: model.Touchpoint, lane: str = lane, here: Sequence[model.Process] = here
        ) -> str:
            items = []
            if node.lane == lane:
                items.append(
                    f'<li class="cjm-bp-self"><span class="cjm-mark" aria-hidden="true">●</span>'
                    f"{text(node.label)}</li>"
                )
            for process in _serving(here, node):
                owner = (
                    f' <span class="cjm-bp-owner">{text(process.owner)}</span>'
                    if process.owner
                    else ""
                )
                items.append(
                    f'<li class="cjm-bp-process"><span class="cjm-mark" aria-hidden="true">⚙'
                    f"</span>{text(process.label)}{owner}</li>"
                )
            return f'<ul class="cjm-items">{"".join(items)}</ul>' if items else ""

        line = t._(_LINES[lane]) if lane in _LINES else None
        if line and not any(line in r for r in out):
            span = len(columns) + 1
            out.append(
                f'<tr class="cjm-row cjm-bp-line cjm-bp-line-{lane}"><td colspan="{span}">'
                f'<span class="cjm-bp-line-name">{text(line)}</span></td></tr>'
            )
        heading = head(f"lane-{lane}", t._(title), t._(hint))
        out.append(f'<tr class="cjm-row cjm-row-lane-{lane}">{heading}\n{cells(cell)}</tr>')
    return out


def _serving(processes: Sequence[model.Process], node: model.Touchpoint) -> list[model.Process]:
    return [p for p in processes if node.id in p.supports]
