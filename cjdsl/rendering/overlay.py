"""Analysis results drawn over a diagram: highlighted paths, moments of truth, drop-off heat.

An ``Overlay`` is plain data the DOT emitter reads; ``from_report`` builds
one from an analysis ``Report`` for ``cjdsl render --highlight``, so the
overlay works in every output format and with every engine.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # the diagram draws an overlay without importing the analysis (NumPy)
    from ..analysis import report as reports

__all__ = ["HIGHLIGHTS", "Overlay", "from_report"]

HIGHLIGHTS: Final = ("critical", "probable", "bottlenecks", "moments")
BOTTLENECKS_SHOWN: Final = 5


@dataclasses.dataclass(frozen=True, slots=True)
class Overlay:
    """What to emphasise: nodes and edges (the rest is dimmed) and per-node notes.

    ``heat`` maps a node to an intensity in 0..1 and the note shown on it.
    """

    caption: str
    nodes: frozenset[str] = frozenset()
    edges: frozenset[tuple[str, str]] = frozenset()
    heat: tuple[tuple[str, float, str], ...] = ()
    marks: tuple[tuple[str, str], ...] = ()
    """Nodes (an id) and edges (``source -> target``) drawn in a colour of their own, with
    ``dashed`` after a ``;`` (``("a -> b", "#e03131;dashed")``): ``cjdsl render --diff``."""

    def mark(self, key: str) -> tuple[str, bool] | None:
        """The colour of ``key`` (a node id or ``source -> target``) and whether it is dashed."""
        found = next((m for k, m in self.marks if k == key), None)
        if found is None:
            return None
        colour, _, style = found.partition(";")
        return colour, style == "dashed"

    def heat_of(self, node: str) -> tuple[float, str] | None:
        """The intensity and note of ``node``, if it has heat."""
        return next(((h, note) for n, h, note in self.heat if n == node), None)


def _path(nodes: tuple[str, ...]) -> tuple[set[str], set[tuple[str, str]]]:
    return set(nodes), set(itertools.pairwise(nodes))


def _days(seconds: float) -> str:
    return f"{seconds / 86400:.3g} d" if seconds >= 86400 else f"{seconds / 3600:.3g} h"


def from_report(report: reports.Report, kind: str) -> Overlay:
    """The overlay of one kind of ``HIGHLIGHTS`` for an analysis report."""
    if kind not in HIGHLIGHTS:
        raise ValueError(f"unknown highlight `{kind}` (choose from {', '.join(HIGHLIGHTS)})")
    nodes: set[str] = set()
    edges: set[tuple[str, str]] = set()
    if kind in ("critical", "probable"):
        parts = []
        for goal in report.goals:
            if kind == "critical" and goal.critical is not None:
                path = goal.critical.path
                parts.append(f"{goal.label}: {_days(path.duration)}")
            elif kind == "probable" and goal.most_probable is not None:
                path = goal.most_probable
                parts.append(f"{goal.label}: {path.probability * 100:.2g}%")
            else:
                continue
            more_nodes, more_edges = _path(path.nodes)
            nodes |= more_nodes
            edges |= more_edges
        title = "Critical path (longest time)" if kind == "critical" else "Most probable path"
        caption = f"{title} to each goal — " + ("; ".join(parts) or "no goal is reachable")
        return Overlay(caption, frozenset(nodes), frozenset(edges))
    if kind == "moments":
        moments = frozenset(report.moments)
        heat = tuple((n, 1.0, "★ moment of truth") for n in sorted(moments))
        caption = "Moments of truth: touchpoints every converting customer passes"
        return Overlay(caption, moments, frozenset(), heat)
    losing = sorted(
        (n for n in report.nodes if n.lost_conversion > 0),
        key=lambda n: (-n.lost_conversion, n.id),
    )[:BOTTLENECKS_SHOWN]
    top = losing[0].lost_conversion if losing else 1.0
    heat = tuple(
        (n.id, n.lost_conversion / top, f"▼ {n.lost_conversion:.1%} of customers lost here")
        for n in losing
    )
    caption = f"Bottlenecks: the {len(losing)} touchpoints where most conversion is lost"
    return Overlay(caption, frozenset(n.id for n in losing), frozenset(), heat)
