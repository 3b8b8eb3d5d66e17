"""Analysis results drawn over a diagram: highlighted paths, moments of truth, drop-off heat.

An ``Overlay`` is plain data the DOT emitter reads; ``from_report`` builds
one from an analysis ``Report`` for ``cjdsl render --highlight``, so the
overlay works in every output format and with every engine. Its caption and notes are
in the diagram's language, durations printed as the report and the map print them.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING, Final

from .. import i18n

if TYPE_CHECKING:  # the diagram draws an overlay without importing the analysis (NumPy)
    from ..analysis import report as reports

__all__ = ["HIGHLIGHTS", "Overlay", "from_report"]

HIGHLIGHTS: Final = ("critical", "probable", "bottlenecks", "moments", "churn")
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


def from_report(report: reports.Report, kind: str, lang: str | None = None) -> Overlay:
    """The overlay of one kind of ``HIGHLIGHTS`` for an analysis report, its caption and
    notes in ``lang`` (``None``: English)."""
    t = i18n.locale(lang)
    if kind not in HIGHLIGHTS:
        raise ValueError(f"unknown highlight `{kind}` (choose from {', '.join(HIGHLIGHTS)})")
    nodes: set[str] = set()
    edges: set[tuple[str, str]] = set()
    if kind in ("critical", "probable"):
        parts = []
        for goal in report.goals:
            if kind == "critical" and goal.critical is not None:
                path = goal.critical.path
                parts.append(f"{goal.label}: {t.duration(path.duration)}")
            elif kind == "probable" and goal.most_probable is not None:
                path = goal.most_probable
                parts.append(f"{goal.label}: {t.percent(path.probability, 2)}")
            else:
                continue
            more_nodes, more_edges = _path(path.nodes)
            nodes |= more_nodes
            edges |= more_edges
        if kind == "critical":
            title = t._("Critical path (longest time) to each goal")
        else:
            title = t._("Most probable path to each goal")
        caption = f"{title} — " + ("; ".join(parts) or t._("no goal is reachable"))
        return Overlay(caption, frozenset(nodes), frozenset(edges))
    if kind == "moments":
        moments = frozenset(report.moments)
        note = "★ " + t._("moment of truth")
        heat = tuple((n, 1.0, note) for n in sorted(moments))
        caption = t._("Moments of truth: touchpoints every converting customer passes")
        return Overlay(caption, moments, frozenset(), heat)
    if kind == "churn":
        return _churn(report, t)
    losing = sorted(
        (n for n in report.nodes if n.lost_conversion > 0),
        key=lambda n: (-n.lost_conversion, n.id),
    )[:BOTTLENECKS_SHOWN]
    top = losing[0].lost_conversion if losing else 1.0
    lost = t._("{share} of customers lost here")
    heat = tuple(
        (
            n.id,
            n.lost_conversion / top,
            "▼ " + lost.format(share=t.percent(n.lost_conversion, places=1)),
        )
        for n in losing
    )
    caption = t.ngettext(
        "Bottlenecks: the {n} touchpoint where most conversion is lost",
        "Bottlenecks: the {n} touchpoints where most conversion is lost",
        len(losing),
    ).format(n=len(losing))
    return Overlay(caption, frozenset(n.id for n in losing), frozenset(), heat)


def _churn(report: reports.Report, t: i18n.Locale) -> Overlay:
    """The churn exits and the touchpoints most churners pass after the goal."""
    churn = report.churn
    if churn is None or churn.rate is None:
        return Overlay(t._("Churn: no exit says `loss churn`, or nobody reaches a goal"))
    carrying = [n for n in churn.touchpoints if n.effect > 0][:BOTTLENECKS_SHOWN]
    passed = t._("{share} of churners pass here")
    heat = tuple(
        (n.id, n.effect, "▼ " + passed.format(share=t.percent(n.effect, places=1)))
        for n in carrying
    )
    caption = t._("Churn: {share} of the customers who reach a goal leave at a churn exit")
    return Overlay(
        caption.format(share=t.percent(churn.rate, places=1)),
        frozenset(n.id for n in carrying) | frozenset(churn.exits),
        frozenset(),
        heat,
    )
