"""The figures for everyone: the share-weighted mixture of the personas' figures.

Each persona is a segment of the audience (``personas.shares``) that walks its own chain
(what it meets, with its own probabilities and durations). A customer is a persona first,
then a walk, so every probability for everyone is ``Σ_p share_p · figure_p``, never a sum
of the personas' transition probabilities: conversion for everyone lies between the
lowest and the highest persona's. Means (steps, time) are weighted by the customers they
are means over (``Σ share_p · conv_p · steps_p / Σ share_p · conv_p``); removal effects
by the conversions they remove (``Σ share_p · conv_p · RE_p / conv``), so the mixture's
removal effect is the relative drop of the mixture's conversion.

Paths are node sequences whose probability for everyone is ``Σ share_p · P_p(path)``.
The most probable, shortest and top paths are taken from the personas' own (the top ones
by a threshold search: more per persona until no path left out can beat the last one
kept); the critical path is the longest any persona can take, the worst-emotion path the
lowest any can; a moment of truth for everyone is one for every persona that converts.

Longer than the ~400-line guideline: one mixing rule per table of the report, kept in one
place so that every figure for everyone follows the same rule.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .. import model
from . import budget, emotion, markov, order, report, timing

__all__ = ["Segment", "mix", "path_in"]

_TINY: Final = 1e-12


@dataclasses.dataclass(frozen=True, eq=False)
class Segment:
    """One persona's analysis: its share of the audience, its report and its chain."""

    persona: str
    label: str
    share: float
    report: report.Report
    chain: markov.Chain
    before: NDArray[np.float64] | None = None
    """Per state of ``chain``, the probability of reaching it before converting."""


def path_in(
    chain: markov.Chain, nodes: Sequence[str], edges: _Edges | None = None
) -> tuple[float, float]:
    """The probability that a customer of ``chain`` goes exactly along ``nodes`` (from
    its start), and the path's duration there; ``(0, 0)`` where the chain lacks it.
    ``edges``: the chain's transitions as ``_edges`` gives them (made when not given)."""
    found = _edges(chain) if edges is None else edges
    try:
        probability = float(chain.weights[chain.index(nodes[0])])
    except KeyError:
        return 0.0, 0.0
    duration = 0.0
    for u, v in itertools.pairwise(nodes):
        step = found.get((u, v))
        if step is None or probability == 0.0:
            return 0.0, 0.0
        probability *= step[0]
        duration += step[1]
    return probability, duration


_Edges = dict[tuple[str, str], tuple[float, float]]


def _edges(chain: markov.Chain) -> _Edges:
    """Each transition of the chain with its probability and duration, by node ids."""
    q = chain.q.tocoo()
    after = np.asarray(sp.csr_array(chain.after)[q.row, q.col]).ravel().tolist()
    nodes = chain.nodes
    return {
        (nodes[u], nodes[v]): (p, d)
        for u, v, p, d in zip(q.row.tolist(), q.col.tolist(), q.data.tolist(), after, strict=True)
    }


def mix(
    journey: model.Journey,
    segments: Sequence[Segment],
    *,
    everyone_entering: float | None,
    top: int,
    top_paths: Callable[[Segment, int, str | None], report.TopPaths],
) -> report.Report:
    """The report for everyone from the personas' ones (``segments``, shares adding to 1).

    ``top_paths(segment, k, goal)`` gives a persona's k most probable simple paths to its
    first goal (``goal`` ``None``) or to one goal (the threshold search asks for more
    until the mixture's best are certain).
    """
    merged: dict[int, Segment] = {}  # personas who meet the same share one report: mixed once
    for s in segments:
        if s.share <= 0:
            continue
        same = merged.get(id(s.report))
        merged[id(s.report)] = (
            s if same is None else dataclasses.replace(same, share=same.share + s.share)
        )
    active = list(merged.values())
    return _Mixer(journey, active, everyone_entering, top, top_paths).build(segments)


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 1e-15 else numerator / denominator


class _Mixer:
    """One mixture: the figures combined one table at a time."""

    def __init__(
        self,
        journey: model.Journey,
        segments: list[Segment],
        everyone_entering: float | None,
        top: int,
        top_paths: Callable[[Segment, int, str | None], report.TopPaths],
    ) -> None:
        self.journey = journey
        self.segments = segments
        self.entering = everyone_entering
        self.top = top
        self.top_paths = top_paths
        self.conversion = sum(s.share * s.report.conversion.probability for s in segments)
        self.order = {t.id: i for i, t in enumerate(journey.touchpoints)}
        self.missing: list[str] = []
        self.paths: dict[tuple[str, ...], report.Path] = {}
        self.edges: dict[int, _Edges] = {}

    def customers(self, probability: float | None) -> float | None:
        if probability is None or self.entering is None:
            return None
        return probability * self.entering

    def path(self, nodes: Sequence[str]) -> report.Path:
        """A path with its probability (and mean duration) for everyone (each path once)."""
        key = tuple(nodes)
        found = self.paths.get(key)
        if found is not None:
            return found
        probability = duration = 0.0
        for s in self.segments:
            edges = self.edges.get(id(s.chain))
            if edges is None:
                edges = self.edges[id(s.chain)] = _edges(s.chain)
            p, d = path_in(s.chain, nodes, edges)
            probability += s.share * p
            duration += s.share * p * d
        mean = duration / probability if probability > 0 else 0.0
        found = self.paths[key] = report.Path(key, probability, len(nodes) - 1, mean)
        return found

    def build(self, all_segments: Sequence[Segment]) -> report.Report:
        reports = [s.report for s in self.segments]
        goals = self.goals()
        nodes = self.nodes()
        best = self.best_paths(None, self.top)
        main = best.paths[0].nodes if best.paths else ()
        points, average = emotion.curve(self.journey, main)
        low, pains = self.lowest(nodes)
        missing = tuple(
            f
            for f in report.OPTIONAL_FIGURES
            if f in self.missing or any(f in r.not_computed for r in reports)
        )
        return report.Report(
            title=self.journey.title,
            persona=None,
            without=(),
            weighting=self.weighting(),
            conversion=self.headline(),
            entries=self.entries(),
            goals=goals,
            stages=self.stages(),
            nodes=nodes,
            channels=self.channels(),
            top_paths=best,
            moments=self.moments(lambda r: r.moments, lambda r: r.conversion.probability > 0),
            bottlenecks=tuple(
                n.id
                for n in sorted(
                    (
                        n
                        for n in nodes
                        if n.kind == model.NodeKind.TOUCHPOINT.value
                        and not n.removed
                        and n.lost_conversion > _TINY
                    ),
                    key=lambda n: (-n.lost_conversion, self.order[n.id]),
                )
            ),
            emotion=report.Emotion(points, average, low, pains),
            moves=self.moves(nodes),
            sensitivities=self.sensitivities(),
            switches=order.switches(self.journey, main),
            notes=self.notes(),
            not_computed=missing,
            time_limit=reports[0].time_limit if reports else None,
            segments=tuple(self.segment(s) for s in all_segments),
        )

    def segment(self, s: Segment) -> report.Segment:
        """A persona's headline as its part of everyone: its share of the customers who
        enter (so the personas' customers add up to everyone's)."""
        own = s.report.conversion
        entering = None if self.entering is None else s.share * self.entering
        return report.Segment(
            s.persona,
            s.label,
            s.share,
            dataclasses.replace(
                own,
                entering=entering,
                customers=None if entering is None else entering * own.probability,
            ),
            tuple(report.Reached(n.id, n.reach) for n in s.report.nodes),
        )

    # -- the headline and the entries ---------------------------------------
    def weighting(self) -> str:
        kinds = {s.report.weighting for s in self.segments}
        if kinds == {"reach"}:
            return "reach"
        return "none" if kinds <= {"none"} else "equal"

    def headline(self) -> report.Conversion:
        segments, c = self.segments, self.conversion
        median, p90 = self.quantiles(segments)
        return report.Conversion(
            probability=c,
            customers=self.customers(c),
            entering=self.entering,
            steps=self.mean(lambda r: (r.conversion.probability, r.conversion.steps)),
            time=self.mean(lambda r: (r.conversion.probability, r.conversion.time)),
            lost=sum(s.share * s.report.conversion.lost for s in segments),
            stuck=sum(s.share * s.report.conversion.stuck for s in segments),
            time_median=median,
            time_p90=p90,
        )

    def quantiles(self, segments: Sequence[Segment]) -> tuple[float | None, ...]:
        """Median and 90th percentile of everyone's time to convert: the personas'
        distributions mixed by share (quantiles do not mix, distributions do)."""
        if not any(s.report.conversion.time for s in segments):
            return None, None
        parts = [
            (s.share, timing.distribution(s.chain, s.report.conversion.probability))
            for s in segments
        ]
        return timing.quantiles(parts)

    def mean(self, pick: Callable[[report.Report], tuple[float, float | None]]) -> float | None:
        """A mean over customers: each persona's weighted by its share of them."""
        total = weighted = 0.0
        for s in self.segments:
            mass, value = pick(s.report)
            if mass > 0 and value is not None:
                total += s.share * mass
                weighted += s.share * mass * value
        return _ratio(weighted, total)

    def entries(self) -> tuple[report.Entry, ...]:
        found: dict[str, list[tuple[float, report.Entry]]] = {}
        for s in self.segments:
            for e in s.report.entries:
                found.setdefault(e.id, []).append((s.share, e))
        out = []
        for id_ in sorted(found, key=self.order.__getitem__):
            parts = found[id_]
            weight = sum(share * e.weight for share, e in parts)
            first = parts[0][1]
            conversion = _ratio(sum(share * e.weight * e.conversion for share, e in parts), weight)
            per_goal: dict[str, float] = {}
            for share, e in parts:
                for g in e.goals:
                    per_goal[g.goal] = per_goal.get(g.goal, 0.0) + share * e.weight * g.conversion
            conv = conversion or 0.0
            reach = first.reach
            out.append(
                report.Entry(
                    id=id_,
                    label=first.label,
                    weight=weight,
                    reach=reach,
                    conversion=conv,
                    customers=None if reach is None else reach * conv,
                    goals=tuple(
                        report.GoalShare(
                            g,
                            value := (_ratio(total, weight) or 0.0),
                            None if reach is None else reach * value,
                        )
                        for g, total in sorted(
                            per_goal.items(), key=lambda item: self.order[item[0]]
                        )
                    ),
                )
            )
        return tuple(out)

    # -- goals --------------------------------------------------------------
    def goals(self) -> tuple[report.Goal, ...]:
        found: dict[str, list[tuple[Segment, report.Goal]]] = {}
        for s in self.segments:
            for g in s.report.goals:
                found.setdefault(g.id, []).append((s, g))
        out = []
        for id_ in sorted(found, key=self.order.__getitem__):
            parts = found[id_]
            reached = sum(s.share * g.conversion for s, g in parts)
            shortest = [g.shortest for _, g in parts if g.shortest is not None]
            critical = [g.critical for _, g in parts if g.critical is not None]
            worst = [g.worst_emotion for _, g in parts if g.worst_emotion is not None]
            reaching = [g for _, g in parts if g.most_probable is not None]
            probable = self.most_probable(id_)
            out.append(
                report.Goal(
                    id=id_,
                    label=parts[0][1].label,
                    conversion=reached,
                    first=sum(s.share * g.first for s, g in parts),
                    customers=self.customers(reached),
                    steps=_ratio(
                        sum(s.share * g.conversion * (g.steps or 0.0) for s, g in parts), reached
                    ),
                    time=_ratio(
                        sum(s.share * g.conversion * (g.time or 0.0) for s, g in parts), reached
                    ),
                    most_probable=probable,
                    shortest=self.fewest([*shortest, *([probable] if probable else [])]),
                    critical=self.longest(critical, max),
                    worst_emotion=self.longest(worst, min),
                    moments=_common([g.moments for g in reaching]),
                )
            )
        return tuple(out)

    def most_probable(self, goal: str) -> report.Path | None:
        """The most probable path to ``goal`` for everyone (a simple path: a loop only
        lowers a path's probability), by the threshold search."""
        if any(
            g.most_probable is not None
            for s in self.segments
            for g in s.report.goals
            if g.id == goal
        ):
            found = self.best_paths(goal, 1)
            if found.paths:
                return found.paths[0]
        return None

    def fewest(self, candidates: list[report.Path]) -> report.Path | None:
        """Of the personas' shortest paths, the most probable for everyone among the fewest
        steps."""
        if not candidates:
            return None
        steps = min(p.steps for p in candidates)
        scored = [self.path(p.nodes) for p in candidates if p.steps == steps]
        return max(scored, key=lambda p: p.probability)

    def longest(
        self,
        candidates: list[report.LongestPath],
        pick: Callable[..., report.LongestPath],
    ) -> report.LongestPath | None:
        """The most extreme of the personas' paths (the value any customer can meet); exact
        when every persona's is, as the extreme of exact extremes is exact."""
        if not candidates:
            return None
        chosen: report.LongestPath = pick(candidates, key=lambda c: c.value)
        exact = all(c.exact for c in candidates)
        methods = {c.method for c in candidates}
        method = chosen.method if exact else "condensation-lower-bound"
        if exact and "condensation" in methods:
            method = "condensation"
        path = self.path(chosen.path.nodes)
        return report.LongestPath(
            dataclasses.replace(path, duration=chosen.path.duration), chosen.value, exact, method
        )

    # -- top paths ----------------------------------------------------------
    def best_paths(self, goal: str | None, top: int) -> report.TopPaths:
        """The ``top`` most probable converting paths for everyone (to ``goal``, or to the
        first goal reached), by threshold search; none when the time limit left them out
        of a persona's figures or runs out here."""
        if goal is None and any("top_paths" in s.report.not_computed for s in self.segments):
            return report.TopPaths((), False, 0)
        try:
            return self.search(goal, top)
        except budget.Expired:
            if goal is None:
                self.missing.append("top_paths")
            return report.TopPaths((), False, 0)

    def search(self, goal: str | None, top: int) -> report.TopPaths:
        """More paths from each persona until no path left out can beat the last one kept:
        one a persona did not list is at most its last listed one, for every persona."""
        k = top
        expansions = 0
        scored: list[report.Path] = []
        for _ in range(4):
            found = [self.top_paths(s, k, goal) for s in self.segments]
            expansions += sum(f.expansions for f in found)
            candidates = {p.nodes for f in found for p in f.paths}
            scored = sorted(
                (self.path(nodes) for nodes in candidates),
                key=lambda p: (-p.probability, p.nodes),
            )[:top]
            bound = sum(
                s.share * (f.paths[-1].probability if len(f.paths) == k else 0.0)
                for s, f in zip(self.segments, found, strict=True)
            )
            complete = all(f.complete for f in found)
            settled = len(scored) == top and scored[-1].probability >= bound - _TINY
            if settled or bound <= 0 or not complete:
                return report.TopPaths(
                    tuple(scored), complete and (settled or bound <= 0), expansions
                )
            k *= 4
        return report.TopPaths(tuple(scored), False, expansions)

    # -- stages and nodes ---------------------------------------------------
    def stages(self) -> tuple[report.Stage, ...]:
        found: dict[str, list[tuple[float, report.Stage]]] = {}
        for s in self.segments:
            for st in s.report.stages:
                found.setdefault(st.id, []).append((s.share, st))
        stage_order = {st.id: i for i, st in enumerate(self.journey.stages)}
        out = []
        for id_ in sorted(found, key=stage_order.__getitem__):
            parts = found[id_]
            members = {n for _, st in parts for n in st.nodes}
            out.append(
                report.Stage(
                    id=id_,
                    label=parts[0][1].label,
                    reach=sum(w * st.reach for w, st in parts),
                    drop_off=sum(w * st.drop_off for w, st in parts),
                    lost_conversion=sum(w * st.lost_conversion for w, st in parts),
                    nodes=tuple(sorted(members, key=self.order.__getitem__)),
                )
            )
        return tuple(out)

    def nodes(self) -> tuple[report.Node, ...]:
        found: dict[str, list[tuple[Segment, report.Node]]] = {}
        for s in self.segments:
            for n in s.report.nodes:
                found.setdefault(n.id, []).append((s, n))
        effects: dict[str, float | None] = {}
        for id_, parts in found.items():
            if any(n.removed for _, n in parts) or parts[0][1].kind != "touchpoint":
                effects[id_] = None
                continue
            carried = sum(
                s.share * s.report.conversion.probability * (n.removal_effect or 0.0)
                for s, n in parts
            )
            effects[id_] = _ratio(carried, self.conversion)
        total = sum(e for e in effects.values() if e is not None)
        out = []
        for id_ in sorted(found, key=self.order.__getitem__):
            parts = found[id_]
            first = parts[0][1]
            infinite = any(n.visits is None and n.reach > 0 for _, n in parts)
            effect = effects[id_]
            reach = sum(s.share * n.reach for s, n in parts)
            out.append(
                dataclasses.replace(
                    first,
                    reach=reach,
                    visits=None if infinite else sum(s.share * (n.visits or 0.0) for s, n in parts),
                    drop_off=sum(s.share * n.drop_off for s, n in parts),
                    implicit=sum(s.share * n.implicit for s, n in parts),
                    lost_conversion=sum(s.share * n.lost_conversion for s, n in parts),
                    removal_effect=effect,
                    share=None if effect is None or total <= 0 else effect / total,
                    removed=any(n.removed for _, n in parts),
                    converts_from=self.converts_from(parts),
                    ends_rate=markov.ratio(sum(s.share * n.drop_off for s, n in parts), reach),
                    visits_before=None
                    if any(n.visits_before is None for _, n in parts)
                    else sum(s.share * (n.visits_before or 0.0) for s, n in parts),
                )
            )
        return tuple(out)

    def converts_from(self, parts: list[tuple[Segment, report.Node]]) -> float | None:
        """Of everyone who is at a node before converting, the share who convert: each
        persona's weighted by its customers who get there (``Σ share · r · h / Σ share · r``)."""
        weighted = total = 0.0
        for s, n in parts:
            if s.before is None or n.converts_from is None:
                return None
            there = s.share * float(s.before[s.chain.index(n.id)])
            weighted += there * n.converts_from
            total += there
        if total <= 1e-15:
            values = {n.converts_from for _, n in parts}
            return values.pop() if len(values) == 1 else None
        return weighted / total

    def lowest(
        self, nodes: tuple[report.Node, ...]
    ) -> tuple[tuple[report.EmotionPoint, ...], tuple[str, ...]]:
        """The reached nodes with the lowest emotion for everyone, most reached first."""
        scored = []
        for n in nodes:
            node = self.journey.touchpoint(n.id)
            if node is not None and node.emotion is not None and n.reach > 0 and not n.removed:
                scored.append((node.emotion.score, -n.reach, self.order[n.id], node))
        if not scored:
            return (), ()
        low = min(s[0] for s in scored)
        worst = sorted(s for s in scored if s[0] == low)
        points, _ = emotion.curve(self.journey, [s[3].id for s in worst])
        return points, tuple(p for s in worst for p in s[3].pains)

    # -- channels -----------------------------------------------------------
    def channels(self) -> tuple[report.Channel, ...]:
        found: dict[str, list[tuple[Segment, report.Channel]]] = {}
        for s in self.segments:
            for c in s.report.channels:
                found.setdefault(c.id, []).append((s, c))
        effects: dict[str, float | None] = {}
        for id_, parts in found.items():
            if all(c.removal_effect is None for _, c in parts):
                effects[id_] = None
                continue
            carried = sum(
                s.share * s.report.conversion.probability * (c.removal_effect or 0.0)
                for s, c in parts
            )
            effects[id_] = _ratio(carried, self.conversion)
        total = sum(e for e in effects.values() if e is not None)
        out = []
        for channel in self.journey.channels:
            if channel.id not in found:
                continue
            parts = found[channel.id]
            effect = effects[channel.id]
            share = effect / total if effect is not None and total > 0 else None
            attributed = None if share is None else share * self.conversion
            customers = self.customers(attributed)
            members = {n for _, c in parts for n in c.nodes}
            cost, currency = _cost(self.journey, members)
            out.append(
                report.Channel(
                    id=channel.id,
                    label=channel.label,
                    kind=channel.kind,
                    nodes=tuple(sorted(members, key=self.order.__getitem__)),
                    removal_effect=effect,
                    share=share,
                    attributed=attributed,
                    customers=customers,
                    cost=cost,
                    currency=currency,
                    cost_per_conversion=markov.ratio(cost, customers)
                    if cost is not None and customers is not None
                    else None,
                )
            )
        return tuple(out)

    # -- moments, moves, notes ----------------------------------------------
    def moments(
        self,
        pick: Callable[[report.Report], tuple[str, ...]],
        counts: Callable[[report.Report], bool],
    ) -> tuple[str, ...]:
        return _common([pick(s.report) for s in self.segments if counts(s.report)])

    def moves(self, nodes: tuple[report.Node, ...]) -> tuple[report.Move, ...]:
        visits = {n.id: n.visits for n in nodes}
        found: dict[tuple[str, str], list[tuple[float, report.Move]]] = {}
        for s in self.segments:
            for m in s.report.moves:
                found.setdefault((m.source, m.target), []).append((s.share, m))
        out = []
        for key in sorted(found, key=lambda k: (self.order[k[0]], self.order[k[1]])):
            parts = found[key]
            traffic = sum(w * m.traffic for w, m in parts)
            seen = visits.get(key[0])
            probability = (
                traffic / seen
                if seen is not None and seen > 0 and np.isfinite(traffic)
                else sum(w * m.probability for w, m in parts) / sum(w for w, _ in parts)
            )
            out.append(dataclasses.replace(parts[0][1], probability=probability, traffic=traffic))
        return tuple(out)

    def sensitivities(self) -> tuple[report.Sensitivity, ...]:
        """A transition's effect for everyone: each persona's weighted by its share
        (a transition only some personas take moves only their conversion)."""
        found: dict[tuple[str, str], list[tuple[float, report.Sensitivity]]] = {}
        for s in self.segments:
            for x in s.report.sensitivities:
                found.setdefault((x.source, x.target), []).append((s.share, x))
        out = [
            report.Sensitivity(
                key[0],
                key[1],
                sum(w * x.probability for w, x in parts) / sum(w for w, _ in parts),
                sum(w * x.effect for w, x in parts),
            )
            for key, parts in found.items()
        ]
        out.sort(key=lambda x: (-x.effect, self.order[x.source], self.order[x.target]))
        return tuple(out)

    def notes(self) -> tuple[str, ...]:
        """Each persona's notes, naming the persona; those every persona has, once."""
        everyone = set.intersection(*(set(s.report.notes) for s in self.segments))
        out = [n for n in self.segments[0].report.notes if n in everyone]
        for s in self.segments:
            out += [f"for `{s.persona}`: {n}" for n in s.report.notes if n not in everyone]
        return tuple(dict.fromkeys(out))


def _common(sets: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The ids in every one of ``sets``, in the first one's order."""
    if not sets:
        return ()
    rest = [set(s) for s in sets[1:]]
    return tuple(x for x in sets[0] if all(x in r for r in rest))


def _cost(journey: model.Journey, members: set[str]) -> tuple[float | None, str | None]:
    """The summed ``cost`` of the channel's touchpoints, if they share one currency."""
    costs = [
        node.cost for node in journey.touchpoints if node.id in members and node.cost is not None
    ]
    currencies = sorted({c.currency for c in costs})
    if len(currencies) != 1:
        return None, None
    return sum(c.amount for c in costs), currencies[0]
