"""The designed journey fitted to what customers did: ``cjdsl fit`` and ``--events LOG``.

Events become touchpoints before journeys are cut, in the engine: a touchpoint's ``event``
attributes (exact names or globs: ``*``, ``?``, ``[ab]``), else a mapping table, else its id
or its label, exactly; the first touchpoint in file order that matches wins. Events that
map to no touchpoint are left out of the journeys (counted, the most frequent listed), so
``a → (unmapped) → b`` is a move ``a → b``. A conversion ends at the journey's one goal
that has no ``event`` attribute (if there is exactly one); ``(null)``, a journey that ends
without one, is the implicit drop-off.

What is fitted, per edge ``a → b`` of the design: the probability ``n(a → b) / n(a → ·)``
(every observed move out of ``a``, to anywhere, counts in the denominator, so what the
design lacks is drop-off), the median gap as ``after``, and for an entry the journeys that
start there as ``reach``. With a segment column, the same per segment value for the
personas of that id. On the empirical chain these are maximum-likelihood estimates: the
fitted conversion probability is the observed conversion rate, and the expected number of
touches the mean journey length (tests hold both).
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Final

from .. import graph, model
from .columns import LogError
from .events import Log
from .journeys import CONVERSION, NULL, START, Count

__all__ = ["EdgeFit", "EventMap", "Fit", "fit", "map_events", "parse_table"]

Edge = tuple[str, str]
_GLOB: Final = frozenset("*?[")


@dataclasses.dataclass(frozen=True, slots=True)
class EventMap:
    """Which touchpoint an event name is (``resolve``); ``conversion_goal`` is where
    ``(conversion)`` goes."""

    exact: Mapping[str, str]
    patterns: tuple[tuple[str, str], ...]
    conversion_goal: str | None

    def resolve(self, event: str) -> str | None:
        """The touchpoint id of ``event``, or ``None``."""
        found = self.exact.get(event)
        if found is not None:
            return found
        return next((n for p, n in self.patterns if fnmatch.fnmatchcase(event, p)), None)

    @classmethod
    def of(cls, journey: model.Journey, table: Mapping[str, str] | None = None) -> EventMap:
        """The map of ``journey``: ``event`` attributes, ``table`` (event or glob →
        touchpoint id), then ids and labels."""
        exact: dict[str, str] = {}
        patterns: list[tuple[str, str]] = []

        def add(name: str, node: str) -> None:
            if _GLOB & set(name):
                patterns.append((name, node))
            else:
                exact.setdefault(name, node)

        for node in journey.touchpoints:
            for name in node.events:
                add(name, node.id)
        for name, node_id in (table or {}).items():
            if journey.touchpoint(node_id) is None:
                raise LogError(f"the mapping names '{node_id}', which the journey does not have")
            add(name, node_id)
        for node in journey.touchpoints:
            if not node.events:
                exact.setdefault(node.id, node.id)
                exact.setdefault(node.label, node.id)
        goals = [n.id for n in journey.touchpoints if n.kind is model.NodeKind.GOAL]
        plain = [g for g in goals if not journey.touchpoint(g).events]  # type: ignore[union-attr]
        return cls(exact, tuple(patterns), plain[0] if len(plain) == 1 else None)


def parse_table(text: str, where: str) -> dict[str, str]:
    """A mapping table: CSV ``event,touchpoint`` (a header line is skipped).

    >>> parse_table("event,touchpoint\\npage_view:/cart*,cart\\n", "m.csv")
    {'page_view:/cart*': 'cart'}
    """
    import csv

    table: dict[str, str] = {}
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or (number == 1 and [c.strip().lower() for c in row] == ["event", "touchpoint"]):
            continue
        if len(row) != 2:
            raise LogError(f"{where}:{number}: two columns, event and touchpoint")
        table[row[0].strip()] = row[1].strip()
    return table


def map_events(log: Log, events: EventMap) -> tuple[Log, tuple[tuple[str, int], ...], int]:
    """``log`` with events replaced by touchpoint ids and unmapped events left out; the
    unmapped event names with their counts (most frequent first) and the events in all."""
    import ibis

    names = log.table.group_by("event").aggregate(n=log.table.count()).to_pyarrow().to_pylist()
    mapping: dict[str, str] = {}
    unmapped: list[tuple[str, int]] = []
    for row in names:
        node = events.resolve(row["event"])
        if node is None:
            unmapped.append((row["event"], int(row["n"])))
        else:
            mapping[row["event"]] = node
    total = sum(int(r["n"]) for r in names)
    if not mapping:
        shown = ", ".join(repr(e) for e, _ in sorted(unmapped, key=lambda u: -u[1])[:5])
        raise LogError(
            f"{log.name}: no event maps to a touchpoint of the journey (events: {shown} …); "
            'give touchpoints event "name" attributes or a mapping table (--map)'
        )
    table = log.table
    if all(k == v for k, v in mapping.items()):
        mapped = table.filter(table.event.isin(list(mapping)))
    else:
        pairs = ibis.memtable(
            {"_event": list(mapping), "_node": list(mapping.values())},
            schema={"_event": "string", "_node": "string"},
        )
        joined = table.inner_join(pairs, table.event == pairs._event)
        mapped = joined.mutate(event=joined._node).drop("_event", "_node")
    unmapped.sort(key=lambda u: (-u[1], u[0]))
    return dataclasses.replace(log, table=mapped), tuple(unmapped), total


@dataclasses.dataclass(frozen=True, slots=True)
class EdgeFit:
    """One observed move between touchpoints (``target`` may be ``(null)``): ``n`` of the
    ``out`` moves out of ``source``, and the median gap."""

    source: str
    target: str
    n: int
    out: int
    median_s: float | None

    @property
    def p(self) -> float:
        return self.n / self.out if self.out else 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class Fit:
    """Everything fitted: the numbers for the graph (everyone's and per persona), the
    observed edges, visits, journeys, and what did not map."""

    numbers: graph.Numbers
    personas: Mapping[str, graph.Numbers]
    edges: Mapping[Edge, EdgeFit]
    visits: Mapping[str, int]
    starts: Mapping[str, int]
    journeys: int
    converted: int
    unmapped: tuple[tuple[str, int], ...] = ()
    events: int = 0
    duplicates: int = 0
    persona_starts: Mapping[str, Mapping[str, int]] = dataclasses.field(default_factory=dict)
    """Per persona (a segment of its id), the journeys that start at each touchpoint: the
    persona's reach per entry. The language has no per-persona ``reach`` (only a persona's
    ``share``), so ``fit`` reports these instead of writing them; ``personas`` carries
    them as ``reach`` to the analysis."""


def fit(
    journey: model.Journey,
    counts: Iterable[Count],
    *,
    segments: Iterable[Count] = (),
    events: EventMap | None = None,
    unmapped: tuple[tuple[str, int], ...] = (),
    total_events: int = 0,
    duplicates: int = 0,
) -> Fit:
    """Fit ``journey`` to the ``counts`` of a log whose events are touchpoint ids
    (``map_events``); ``segments``, the counts by segment, give the personas' numbers."""
    events = events or EventMap.of(journey)
    overall = list(counts)
    rows = list(segments)
    edges, visits, starts = _edges(overall, events.conversion_goal)
    designed = {(t.source, t.target) for t in journey.transitions}
    personas = {}
    persona_starts: dict[str, dict[str, int]] = {}
    ids = {p.id for p in journey.personas}
    for segment in sorted({c.segment for c in rows if c.segment in ids}):
        seg_edges, _, seg_starts = _edges(
            [c for c in rows if c.segment == segment], events.conversion_goal
        )
        personas[str(segment)] = _numbers(journey, designed, seg_edges, seg_starts)
        persona_starts[str(segment)] = dict(seg_starts)
    journeys = sum(starts.values())
    converted = sum(c.n for c in overall if c.target == CONVERSION)
    return Fit(
        _numbers(journey, designed, edges, starts),
        personas,
        edges,
        visits,
        starts,
        journeys,
        converted,
        unmapped,
        total_events,
        duplicates,
        persona_starts,
    )


def _edges(
    rows: list[Count], goal: str | None
) -> tuple[dict[Edge, EdgeFit], dict[str, int], dict[str, int]]:
    out: defaultdict[str, int] = defaultdict(int)
    visits: defaultdict[str, int] = defaultdict(int)
    starts: dict[str, int] = {}
    for c in rows:
        if c.source == START:
            starts[c.target] = c.n
        else:
            out[c.source] += c.n
        if c.target not in (CONVERSION, NULL):
            visits[c.target] += c.n
    edges: dict[Edge, EdgeFit] = {}
    for c in rows:
        if c.source == START:
            continue
        target = c.target
        if target == CONVERSION:
            target = goal if goal is not None else NULL
        key = (c.source, target)
        if key in edges:  # (conversion) and (null) both without a goal
            old = edges[key]
            edges[key] = dataclasses.replace(old, n=old.n + c.n)
        else:
            edges[key] = EdgeFit(c.source, target, c.n, out[c.source], c.median_s)
    return edges, dict(visits), starts


def _numbers(
    journey: model.Journey,
    designed: set[Edge],
    edges: Mapping[Edge, EdgeFit],
    starts: Mapping[str, int],
) -> graph.Numbers:
    """Probabilities and durations of the designed edges whose source was seen (0 for a
    move never made), reach of the starts."""
    seen = {e.source: e.out for e in edges.values()}
    probabilities: dict[Edge, float] = {}
    durations: dict[Edge, float] = {}
    for edge in designed:
        if edge[0] not in seen:
            continue
        found = edges.get(edge)
        probabilities[edge] = found.p if found else 0.0
        if found is not None and found.median_s is not None:
            durations[edge] = found.median_s
    reach = {node: float(n) for node, n in starts.items() if journey.touchpoint(node) is not None}
    return graph.Numbers(probabilities, durations, reach)
