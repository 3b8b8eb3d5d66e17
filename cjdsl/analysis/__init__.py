"""Journey analytics: conversion, funnel, paths, moments of truth, attribution, emotion.

``analyze`` treats the journey as an absorbing Markov chain (``markov``) and
returns one typed ``Report`` (``report``); ``docs/analysis.md`` explains every
figure. For everyone in a journey with personas, each persona (a segment of the
audience, ``personas.shares``) is analysed on its own and the report is the
share-weighted mixture of theirs (``mixture``).

>>> import cjdsl
>>> from cjdsl import analysis
>>> doc = cjdsl.loads('journey "Shop"\\nentry touchpoint ad\\ntouchpoint cart\\ngoal bought\\n'
...                   'ad -> cart 50%\\ncart -> bought 40%\\n')
>>> result = analysis.analyze(doc.journey)
>>> round(result.conversion.probability, 4)  # 50% × 40%
0.2
>>> result.goal("bought").most_probable.nodes
('ad', 'cart', 'bought')
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
from typing import Final

import networkx as nx
import numpy as np

from .. import graph as graphs
from .. import model, personas
from . import (
    attribution,
    budget,
    churn,
    compare,
    conversion,
    costs,
    emotion,
    focus,
    funnel,
    markov,
    mixture,
    moments,
    order,
    paths,
    removal,
    report,
    sensitivity,
    solver,
    timing,
)
from .budget import TimeLimitError
from .removal import removal_targets
from .report import Report, to_dict, to_json

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "Report",
    "TimeLimitError",
    "analyze",
    "attribution",
    "budget",
    "churn",
    "compare",
    "conversion",
    "emotion",
    "focus",
    "funnel",
    "markov",
    "mixture",
    "moments",
    "order",
    "paths",
    "removal",
    "removal_targets",
    "report",
    "solver",
    "to_dict",
    "to_json",
]


DEFAULT_TIME_LIMIT: Final = 60.0
"""Seconds ``analyze`` may take unless told otherwise (as long as Graphviz's ``--timeout``)."""


def analyze(
    journey: model.Journey,
    *,
    persona: str | None = None,
    without: Collection[str] = (),
    top: int = 3,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    numbers: graphs.Numbers = graphs.NO_NUMBERS,
    goal: str | None = None,
    start: str | None = None,
) -> Report:
    """Every figure of ``journey`` for ``persona`` (everyone when ``None``).

    ``numbers``: probabilities, durations and reach from outside the text (fitted from
    data, a scenario's), which take the place of the file's (``graph.Numbers``).

    ``goal``: every figure toward that goal (the others are passed through, not
    converting); ``start``: only the customers who reach that node or stage, from
    where they first get there (``focus.aim``; ``docs/analysis.md``).

    ``without`` names touchpoints or channels to remove (their traffic is
    lost): the report then holds the changed figures, the original ones as
    ``baseline`` and the ``differences``. ``top`` is the number of most
    probable converting paths. ``time_limit`` bounds the whole call, in
    seconds (``None``: no bound): the figures come in the order of
    ``report.OPTIONAL_FIGURES`` after the core ones, and those not done in
    time are named in ``Report.not_computed`` and hold ``None`` or nothing.

    Raises:
        ValueError: an unknown persona, ``without``, ``goal`` or ``start`` id, ``top`` below 1, or
            a ``time_limit`` that is not positive.
        budget.TimeLimitError: the core figures (conversion, funnel, reach,
            removal effects of touchpoints) were not done in time; a
            ``ValueError`` too.
    """
    personas.choose(journey, persona)
    if top < 1:
        raise ValueError(f"`top` must be at least 1, not {top}")
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"`time_limit` must be a positive number of seconds, not {time_limit}")
    removed = removal_targets(journey, without)
    aim = focus.Focus(goal, start)
    focus.check(journey, aim)
    with budget.limit(time_limit):
        if persona is None and journey.personas:
            base, changed = _everyone(journey, removed, top, numbers, bool(without), aim)
        else:
            # one graph for the journey and its what-if
            graph = graphs.build(journey, persona=persona, numbers=numbers)
            base = _analyze(journey, persona, (), top, graph, aim)[0]
            changed = _analyze(journey, persona, removed, top, graph, aim)[0] if without else base
    base, changed = _aimed(base, aim), _aimed(changed, aim)
    base = costs.apply(journey, base)
    if not without:
        return base
    changed = costs.apply(journey, changed)
    return dataclasses.replace(
        changed,
        notes=(*changed.notes, *removal.ambiguous(journey, without)),
        without=tuple(without),
        baseline=base,
        differences=compare.differences(base, changed),
    )


def _everyone(
    journey: model.Journey,
    removed: tuple[str, ...],
    top: int,
    numbers: graphs.Numbers,
    what_if: bool,
    aim: focus.Focus = focus.EVERYTHING,
) -> tuple[Report, Report]:
    """The figures for everyone: each persona analysed as a segment, then mixed by share.

    From a node or stage (``aim.start``), a persona's weight is its share times the
    probability that it gets there, renormalised: the mixture of those who get there.

    Raises:
        ValueError: the shares are no parts of one audience (CJ306).
    """
    found = personas.shares(journey)
    if found.problems:
        _, message, hint = found.problems[0]
        raise ValueError(f"{message} (CJ306): {hint}")
    graph = graphs.build(journey, numbers=numbers)
    starts = graphs.starts(journey, graph)
    reach = [graph.nodes[s]["reach"] for s in starts]
    entering = (
        sum(reach) if starts and None not in reach and sum(r or 0.0 for r in reach) > 0 else None
    )
    # every view's core figures first (personas who meet the same share one analysis):
    # the time limit may only cut optional ones
    cores: list[tuple[list[model.Persona], _Core, _Core | None]] = []
    for group, transitions in personas.alike(journey):
        first = group[0].id
        view = dataclasses.replace(journey, transitions=transitions)
        own = graphs.build(view, persona=first, numbers=numbers)
        base_core = _solved(journey, first, (), own, aim)
        cores.append(
            (group, base_core, _solved(journey, first, removed, own, aim) if what_if else None)
        )
    # then the baseline's optional figures, then the what-if's
    base: list[mixture.Segment] = []
    changed: list[mixture.Segment] = []
    for which, out in ((1, base), (2, changed)):
        for group, *both in cores:
            core = both[which - 1]
            if core is None:
                continue
            report_, chain = _finish(journey, group[0].id, top, core)
            before = core[1].reached  # reached before converting: who converts from a node
            out += [
                mixture.Segment(
                    p.id, p.label, found.of(p.id) * chain.reached_from, report_, chain, before
                )
                for p in group
            ]
    order = {p.id: i for i, p in enumerate(journey.personas)}
    base.sort(key=lambda s: order[s.persona])
    changed.sort(key=lambda s: order[s.persona])
    mixed = []
    for segments in (base, changed) if what_if else (base,):
        there = sum(s.share for s in segments)  # share × P(get there), summed
        if aim.start is not None:
            segments = _conditioned(segments)
        mixed.append(
            dataclasses.replace(
                mixture.mix(
                    journey,
                    segments,
                    everyone_entering=None if entering is None else entering * there,
                    top=top,
                    top_paths=_top_paths,
                ),
                start_reach=there,
                churn=churn.mix([(s.share, s.report) for s in segments]),
            )
        )
    return mixed[0], mixed[-1]


def _aimed(result: Report, aim: focus.Focus) -> Report:
    """The report saying which goal it is toward and from where (``start_reach``: the
    probability of getting there, for everyone the share-weighted one)."""
    return dataclasses.replace(
        result,
        toward=aim.goal,
        start=aim.start,
        start_reach=None if aim.start is None else result.start_reach,
    )


def _conditioned(segments: list[mixture.Segment]) -> list[mixture.Segment]:
    """The segments with their weights (share × probability to get there) adding to 1;
    as they are when nobody gets there."""
    total = sum(s.share for s in segments)
    if total <= 1e-15:
        return segments
    return [dataclasses.replace(s, share=s.share / total) for s in segments]


def _top_paths(segment: mixture.Segment, k: int, goal: str | None) -> report.TopPaths:
    """A persona's ``k`` most probable simple paths to its first goal (``goal`` ``None``) or
    to ``goal``, for the mixture's threshold search."""
    chain = segment.chain
    if goal is None:
        goals = paths.goal_states(chain)
    else:
        try:
            goals = [chain.index(goal)]
        except KeyError:
            return report.TopPaths((), True, 0)
    return paths.top(paths.Adjacency(chain, terminal=goals), goals, k)


def _analyze(
    journey: model.Journey,
    persona: str | None,
    removed: tuple[str, ...],
    top: int,
    graph: nx.DiGraph,
    aim: focus.Focus = focus.EVERYTHING,
) -> tuple[Report, markov.Chain]:
    return _finish(journey, persona, top, _solved(journey, persona, removed, graph, aim))


_Core = tuple[markov.Chain, conversion.Solution, funnel.Funnel, attribution.Attribution, list[str]]


def _solved(
    journey: model.Journey,
    persona: str | None,
    removed: tuple[str, ...],
    graph: nx.DiGraph,
    aim: focus.Focus = focus.EVERYTHING,
) -> _Core:
    """The core figures, or the error that says the time limit did not even allow them."""
    try:
        return _core(journey, persona, removed, graph, aim)
    except budget.Expired:
        raise budget.TimeLimitError(
            f"the analysis of `{journey.title}` did not finish within the time limit of "
            f"{budget.seconds():g} s: not even the conversion and the funnel were solved; "
            "allow more time with `--time-limit SECONDS` (0: no limit) or `time_limit=`"
        ) from None


def _finish(
    journey: model.Journey, persona: str | None, top: int, core: _Core
) -> tuple[Report, markov.Chain]:
    """Every figure from the core ones: the optional ones as far as the time limit allows."""
    chain, solution, funnel_, credit, notes = core
    steps = budget.Steps()
    goals = paths.goal_states(chain)
    walk = paths.Adjacency(chain)
    converting = paths.Adjacency(chain, terminal=goals)
    probable = paths.most_probable(walk, goals)
    fewest = paths.shortest(walk, goals)
    n = chain.size
    trees = steps.run(
        "moments",
        lambda: (moments.dominator_tree(walk), moments.dominator_tree(converting, sink_from=goals)),
        None,
    )
    best = steps.run("top_paths", lambda: paths.top(converting, goals, top), None)
    if best is not None and not best.complete:
        notes.append(
            f"the search for the top {top} paths stopped after {best.expansions} expansions"
        )
    if best is None:
        steps.missing += ["emotion.curve", "switches"]
    channels = functools.partial(attribution.with_channels, chain, solution, credit)
    credit = steps.run("channels", channels, credit)
    columns = [int(g) for g in solution.goals]
    reachable = [g in probable for g in columns]
    values = emotion.scores(journey, chain)
    critical = steps.each(
        "goals.critical",
        lambda c: _critical(walk, columns[c]) if reachable[c] else None,
        len(columns),
    )
    worst = steps.each(
        "goals.worst_emotion",
        lambda c: emotion.worst_path(walk, columns[c], values) if reachable[c] else None,
        len(columns),
    )
    goal_reports = []
    for column, g in enumerate(columns):
        for name, found, bound in (
            ("critical", critical[column], "a lower bound: a longer one may exist"),
            ("worst-emotion", worst[column], "an upper bound: a lower sum may exist"),
        ):
            if found is not None and not found.exact:
                notes.append(
                    f"the {name} path to `{chain.nodes[g]}` is {bound}; too many "
                    "simple paths through loops to search them all"
                )
        node = journey.touchpoint(chain.nodes[g])
        entering = sum(chain.reach.values()) if chain.reach else None
        reach_g = float(chain.weights @ solution.per_goal[:, column])
        goal_reports.append(
            report.Goal(
                id=chain.nodes[g],
                label=node.label if node else chain.nodes[g],
                conversion=reach_g,
                first=float(chain.weights @ solution.first[:, column]),
                customers=None if entering is None else reach_g * entering,
                steps=solution.goal_steps[column],
                time=solution.goal_time[column],
                most_probable=probable.get(g),
                shortest=fewest.get(g),
                critical=critical[column],
                worst_emotion=worst[column],
                moments=()
                if trees is None
                else tuple(chain.nodes[d] for d in moments.dominators(trees[0], g, n)),
            )
        )
    if solution.goals.size == 0:
        notes.append("the journey has no goal: nothing counts as converting")
    elif solution.probability <= 0 and chain.starts:
        notes.append("no goal can be reached from the entries: the conversion is 0")
    moment_ids = (
        ()
        if trees is None
        else tuple(
            chain.nodes[d]
            for d in moments.dominators(trees[1], n + 1, n)
            if chain.kinds[d] is model.NodeKind.TOUCHPOINT
        )
    )
    main_path = best.paths[0].nodes if best is not None and best.paths else ()
    points, average = emotion.curve(journey, main_path)
    low, pains = emotion.lowest(journey, chain, funnel_.reached)
    channel_reports = attribution.channels(journey, chain, solution, credit, notes)
    missing = tuple(f for f in report.OPTIONAL_FIGURES if f in steps.missing)
    if missing:
        notes.append(
            f"the time limit of {budget.seconds():g} s ran out before these were computed: "
            f"{', '.join(missing)}; they say “{report.NOT_COMPUTED}”"
        )
    return Report(
        title=journey.title,
        persona=persona,
        without=(),
        weighting="reach" if chain.reach else ("equal" if chain.starts else "none"),
        conversion=_timed(conversion.summary(chain, solution), chain, solution.probability),
        entries=conversion.entries(journey, chain, solution),
        goals=tuple(goal_reports),
        stages=funnel.stages(journey, chain, funnel_),
        nodes=funnel.nodes(journey, chain, funnel_, credit, solution),
        channels=channel_reports,
        top_paths=best if best is not None else report.TopPaths((), False, 0),
        moments=moment_ids,
        bottlenecks=funnel.bottlenecks(chain, funnel_),
        emotion=report.Emotion(points, average, low, pains),
        moves=order.moves(journey, chain, funnel_.visits),
        sensitivities=sensitivity.solve(chain, solution),
        switches=order.switches(journey, main_path),
        notes=tuple(notes),
        not_computed=missing,
        time_limit=budget.seconds(),
        start_reach=chain.reached_from,
        churn=churn.solve(journey, chain, solution),
    ), chain


def _timed(summary: report.Conversion, chain: markov.Chain, p: float) -> report.Conversion:
    """The conversion with the median and 90th percentile of the time to convert."""
    if not summary.time:
        return summary  # no durations written: everyone converts at once
    median, p90 = timing.quantiles([(1.0, timing.distribution(chain, p))])
    return dataclasses.replace(summary, time_median=median, time_p90=p90)


def _core(
    journey: model.Journey,
    persona: str | None,
    removed: tuple[str, ...],
    graph: nx.DiGraph,
    aim: focus.Focus = focus.EVERYTHING,
) -> tuple[markov.Chain, conversion.Solution, funnel.Funnel, attribution.Attribution, list[str]]:
    """What every other figure needs: the chain solved, the funnel, each node's reach."""
    chain = focus.aim(
        journey, markov.build(journey, persona=persona, without=removed, graph=graph), aim
    )
    solution = conversion.solve(chain)
    funnel_ = funnel.solve(journey, chain, solution)
    credit = attribution.solve(journey, chain, solution)
    return chain, solution, funnel_, credit, list(chain.notes)


def _critical(walk: paths.Adjacency, goal: int) -> report.LongestPath | None:
    found = paths.longest_to(walk, goal, np.zeros(walk.chain.size))
    if found is None:
        return None
    nodes, value, exact, method = found
    return report.LongestPath(walk.path(nodes), value, exact, method)
