"""How far the designed journey is from the observed one: the conformance report of
``cjdsl fit --report``, as text, Markdown or JSON, and its ``--fail-on`` thresholds.

It lists observed moves the design lacks (with counts), designed moves never observed,
touchpoints never visited, events that map to no touchpoint, journeys that start where the
design has no entry, observed moves back to an earlier stage, the journeys per persona and
entry where the log has a segment column (the personas' reach, which the language has no
place for, so ``fit`` reports it rather than writing it), and per designed probability the
observed one with a 95% Wilson interval, flagging designs outside it. Pure: from a ``Fit``
and the journey to values and text.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Final

from .. import graph, model
from .fitting import EdgeFit, Fit
from .journeys import NULL

__all__ = ["KINDS", "Check", "Report", "check", "failures", "parse_fail_on", "render", "wilson"]

Z: Final = 1.959963984540054
"""The 97.5% normal quantile: two-sided 95% intervals."""

KINDS: Final = ("undesigned", "unobserved", "unvisited", "unmapped", "backward", "outside")
"""What ``--fail-on`` can count: the report's sections."""


def wilson(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of ``k`` successes in ``n`` trials.

    >>> [round(x, 4) for x in wilson(8, 10)]
    [0.4902, 0.9433]
    """
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclasses.dataclass(frozen=True, slots=True)
class Check:
    """A designed probability held against the observed ``k`` of ``n`` moves."""

    source: str
    target: str
    designed: float
    observed: float
    k: int
    n: int
    low: float
    high: float

    @property
    def outside(self) -> bool:
        return not self.low <= self.designed <= self.high


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    """The conformance of one journey to one log."""

    title: str
    journeys: int
    converted: int
    events: int
    duplicates: int
    undesigned: tuple[EdgeFit, ...]
    unobserved: tuple[tuple[str, str], ...]
    unvisited: tuple[str, ...]
    unmapped: tuple[tuple[str, int], ...]
    backward: tuple[EdgeFit, ...]
    checks: tuple[Check, ...]
    starts: tuple[tuple[str, int], ...] = ()
    """Journeys that start at a touchpoint the design has no ``entry`` for."""
    personas: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    """Per persona (segment), the journeys that start at each touchpoint, most first."""

    def counts(self) -> dict[str, float]:
        """Per ``KINDS`` entry, how many (``unmapped``: events, not names)."""
        return {
            "undesigned": len(self.undesigned),
            "unobserved": len(self.unobserved),
            "unvisited": len(self.unvisited),
            "unmapped": sum(n for _, n in self.unmapped),
            "backward": len(self.backward),
            "outside": sum(c.outside for c in self.checks),
        }


def check(journey: model.Journey, fitted: Fit) -> Report:
    """The conformance report of ``journey`` against ``fitted``."""
    designed = {(t.source, t.target): t for t in journey.transitions}
    nodes = {n.id for n in journey.touchpoints}
    observed = [e for e in fitted.edges.values() if e.target != NULL]
    undesigned = sorted(
        (e for e in observed if (e.source, e.target) not in designed),
        key=lambda e: (-e.n, e.source, e.target),
    )
    unobserved = [
        edge
        for edge in designed
        if edge not in fitted.edges and edge[0] in nodes and _observable(journey, edge[1])
    ]
    unvisited = [
        n.id
        for n in journey.touchpoints
        if n.kind is model.NodeKind.TOUCHPOINT and not fitted.visits.get(n.id)
    ]
    order = graph.stage_order(journey, nodes)
    backward = sorted(
        (
            e
            for e in observed
            if (move := graph.stage_move(journey, order, e.source, e.target)) is not None
            and move.kind == "back"
        ),
        key=lambda e: (-e.n, e.source, e.target),
    )
    checks = []
    for edge, transition in designed.items():
        if transition.probability is None or not _observable(journey, edge[1]):
            continue
        out = next((e.out for e in fitted.edges.values() if e.source == edge[0]), 0)
        if not out:
            continue
        k = fitted.edges[edge].n if edge in fitted.edges else 0
        low, high = wilson(k, out)
        checks.append(Check(*edge, transition.probability.value, k / out, k, out, low, high))
    return Report(
        journey.title,
        fitted.journeys,
        fitted.converted,
        fitted.events,
        fitted.duplicates,
        tuple(undesigned),
        tuple(sorted(unobserved)),
        tuple(unvisited),
        fitted.unmapped,
        tuple(backward),
        tuple(checks),
        tuple(
            sorted(
                (
                    (node, n)
                    for node, n in fitted.starts.items()
                    if (found := journey.touchpoint(node)) is not None and not found.entry
                ),
                key=lambda s: (-s[1], s[0]),
            )
        ),
        tuple(
            (persona, tuple(sorted(starts.items(), key=lambda s: (-s[1], s[0]))))
            for persona, starts in sorted(fitted.persona_starts.items())
        ),
    )


def _observable(journey: model.Journey, target: str) -> bool:
    """An exit no event maps to cannot be seen: drop-off looks the same (so moves into it
    are neither "never observed" nor held to the data)."""
    node = journey.touchpoint(target)
    return node is not None and (node.kind is not model.NodeKind.EXIT or bool(node.events))


def parse_fail_on(specs: tuple[str, ...]) -> dict[str, float]:
    """``KIND`` or ``KIND=N`` (``unmapped=5%``: a share of the events) → threshold; a
    count above it fails. Raises ``ValueError`` with the message for a bad one."""
    limits: dict[str, float] = {}
    for spec in specs:
        for part in spec.split(","):
            kind, _, limit = part.strip().partition("=")
            if kind not in KINDS:
                raise ValueError(f"--fail-on {part}: one of {', '.join(KINDS)}")
            try:
                value = float(limit.rstrip("%")) / (100 if limit.endswith("%") else 1)
            except ValueError:
                if limit:
                    raise ValueError(f"--fail-on {part}: a number after =") from None
                value = 0.0
            limits[kind] = -value if limit.endswith("%") else value  # negative: a share
    return limits


def failures(report: Report, limits: Mapping[str, float]) -> list[str]:
    """What exceeds its ``--fail-on`` threshold, one line each."""
    counts = report.counts()
    out = []
    for kind, limit in limits.items():
        value = counts[kind]
        if limit < 0:  # a share of the events
            share = value / report.events if report.events else 0.0
            if share > -limit:
                out.append(f"{kind}: {share:.1%} of the events, more than {-limit:.1%}")
        elif value > limit:
            out.append(f"{kind}: {value:g}, more than {limit:g}")
    return out


def render(report: Report, format_: str = "text", *, top: int = 10) -> str:
    """The report as ``text``, ``markdown`` or ``json``."""
    if format_ == "json":
        return json.dumps(_data(report), indent=2, ensure_ascii=False) + "\n"
    md = format_ == "markdown"
    lines: list[str] = []

    def section(title: str, rows: list[str], empty: str) -> None:
        lines.append(f"## {title}" if md else title)
        lines.append("")
        lines.extend(rows or [empty])
        lines.append("")

    share = report.converted / report.journeys if report.journeys else 0.0
    lines.append(f"# Conformance: {report.title}" if md else f"Conformance: {report.title}")
    lines.append("")
    lines.append(
        f"{report.journeys} journeys, {report.converted} converted ({share:.1%}), "
        f"{report.events} events"
    )
    if report.duplicates:
        lines.append(
            f"{report.duplicates} duplicate events (same user, time and event), kept as repeats"
        )
    lines.append("")
    bullet = "- " if md else "  "
    section(
        "Observed moves the design lacks",
        [f"{bullet}{e.source} -> {e.target}: {e.n}" for e in report.undesigned[:top]]
        + _more(report.undesigned, top, bullet),
        f"{bullet}none",
    )
    section(
        "Designed moves never observed",
        [f"{bullet}{a} -> {b}" for a, b in report.unobserved],
        f"{bullet}none",
    )
    section(
        "Touchpoints never visited",
        [f"{bullet}{n}" for n in report.unvisited],
        f"{bullet}none",
    )
    section(
        "Events that map to no touchpoint",
        [f"{bullet}{name}: {n}" for name, n in report.unmapped[:top]]
        + _more(report.unmapped, top, bullet),
        f"{bullet}none",
    )
    section(
        "Journeys that start where the design has no entry",
        [f"{bullet}{node}: {n}" for node, n in report.starts[:top]]
        + _more(report.starts, top, bullet),
        f"{bullet}none",
    )
    if report.personas:
        section(
            "Journeys per persona and entry (reach)",
            [
                f"{bullet}{persona}: {sum(n for _, n in starts)} journeys; "
                + ", ".join(f"{node} {n}" for node, n in starts)
                for persona, starts in report.personas
            ],
            f"{bullet}none",
        )
    section(
        "Moves back to an earlier stage",
        [f"{bullet}{e.source} -> {e.target}: {e.n}" for e in report.backward[:top]]
        + _more(report.backward, top, bullet),
        f"{bullet}none",
    )
    rows = [
        f"| {c.source} -> {c.target} | {c.designed:.1%} | {c.observed:.1%} | {c.k}/{c.n} "
        f"| {c.low:.1%} – {c.high:.1%} | {'outside' if c.outside else 'ok'} |"
        if md
        else f"  {c.source} -> {c.target}: designed {c.designed:.1%}, observed "
        f"{c.observed:.1%} ({c.k}/{c.n}), 95% {c.low:.1%} – {c.high:.1%}"
        f"{'  OUTSIDE' if c.outside else ''}"
        for c in report.checks
    ]
    if md and rows:
        rows = [
            "| move | designed | observed | k/n | 95% interval | |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    section("Designed probabilities against the observed", rows, f"{bullet}none written")
    return "\n".join(lines).rstrip("\n") + "\n"


def _more(items: tuple[object, ...], top: int, bullet: str) -> list[str]:
    return [f"{bullet}… and {len(items) - top} more"] if len(items) > top else []


def _data(report: Report) -> dict[str, object]:
    return {
        "title": report.title,
        "journeys": report.journeys,
        "converted": report.converted,
        "events": report.events,
        "duplicates": report.duplicates,
        "undesigned": [
            {"source": e.source, "target": e.target, "n": e.n} for e in report.undesigned
        ],
        "unobserved": [{"source": a, "target": b} for a, b in report.unobserved],
        "unvisited": list(report.unvisited),
        "unmapped": [{"event": name, "n": n} for name, n in report.unmapped],
        "backward": [_edge(e) for e in report.backward],
        "starts": [{"touchpoint": node, "n": n} for node, n in report.starts],
        "personas": {
            persona: [{"touchpoint": node, "n": n} for node, n in starts]
            for persona, starts in report.personas
        },
        "probabilities": [dataclasses.asdict(c) | {"outside": c.outside} for c in report.checks],
        "counts": report.counts(),
    }


def _edge(e: EdgeFit) -> dict[str, object]:
    return {"source": e.source, "target": e.target, "n": e.n}
