"""Longest paths (the critical and the worst-emotion path) against brute force.

The oracle here shares nothing with ``cjdsl.analysis``: it walks every simple
path of a small generated journey, read from the journey's own description
(the transitions drawn, not the model), and keeps the best. The analysis must
find a path of exactly that value, a real one, and say whether it met a loop.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cjdsl
from cjdsl import analysis
from cjdsl.analysis import longest, markov, paths, report

HOUR = 3600.0


@dataclasses.dataclass(frozen=True)
class Spec:
    """A small journey as drawn: node kinds, emotions, and hops with their hours."""

    kinds: tuple[str, ...]  # "entry", "touchpoint", "goal" or "exit"
    emotions: tuple[int | None, ...]
    hops: dict[int, dict[int, int | None]]  # source -> target -> hours (None: no `after`)

    @property
    def entries(self) -> list[int]:
        return [i for i, kind in enumerate(self.kinds) if kind == "entry"]

    @property
    def goals(self) -> list[int]:
        return [i for i, kind in enumerate(self.kinds) if kind == "goal"]

    def text(self) -> str:
        lines = ['journey "Brute force"']
        for i, (kind, emotion) in enumerate(zip(self.kinds, self.emotions, strict=True)):
            keyword = "entry touchpoint" if kind == "entry" else kind
            block = f" {{ emotion {emotion:+d} }}" if emotion is not None else ""
            lines.append(f"{keyword} n{i}{block}")
        for source, targets in self.hops.items():
            share = 90 // len(targets)  # explicit and under 100%: every hop is taken
            for target, hours in targets.items():
                after = f" after {hours}h" if hours is not None else ""
                lines.append(f"n{source} -> n{target} {share}%{after}")
        return "\n".join(lines) + "\n"


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    """2 to 8 states, one or two entries, one to three goals, maybe exits; any hops."""
    size = draw(st.integers(3, 8))
    kinds = ["entry"] * draw(st.integers(1, 2))
    kinds += draw(st.lists(st.sampled_from(["touchpoint", "goal", "exit"]), min_size=size))
    kinds = kinds[:size]
    if "goal" not in kinds:
        kinds[-1] = "goal"
    emotions = tuple(draw(st.none() | st.integers(-2, 2)) for _ in kinds)
    hops: dict[int, dict[int, int | None]] = {}
    for source, kind in enumerate(kinds):
        if kind == "exit":  # exits end a journey: nothing leaves them
            continue
        others = [t for t in range(size) if t != source]
        targets = draw(st.lists(st.sampled_from(others), max_size=3, unique=True))
        if targets:
            hops[source] = {t: draw(st.none() | st.integers(1, 9)) for t in targets}
    return Spec(tuple(kinds), emotions, hops)


# --- the oracle --------------------------------------------------------------------------------


def simple_paths(spec: Spec, goal: int) -> Iterator[list[int]]:
    """Every simple path from an entry to ``goal`` (which ends it), by depth-first search."""

    def extend(path: list[int]) -> Iterator[list[int]]:
        if path[-1] == goal:
            yield path
            return
        for nxt in spec.hops.get(path[-1], {}):
            if nxt not in path:
                yield from extend([*path, nxt])

    for entry in spec.entries:
        yield from extend([entry])


def duration(spec: Spec, path: list[int]) -> float:
    return sum((spec.hops[u][v] or 0) * HOUR for u, v in itertools.pairwise(path))


def feeling(spec: Spec, path: list[int]) -> float:
    return float(sum(spec.emotions[i] or 0 for i in path))


def meets_a_loop(spec: Spec, goal: int) -> bool:
    """Whether the states between the entries and ``goal`` hold a loop (goal: a dead end)."""
    ahead, todo = set(spec.entries), list(spec.entries)
    while todo:
        u = todo.pop()
        for v in spec.hops.get(u, {}) if u != goal else ():
            if v not in ahead:
                ahead.add(v)
                todo.append(v)
    back, todo = {goal}, [goal]
    while todo:
        v = todo.pop()
        for u in ahead - back:
            if u != goal and v in spec.hops.get(u, {}):
                back.add(u)
                todo.append(u)
    part = ahead & back
    step = {u: [v for v in spec.hops.get(u, {}) if v in part] if u != goal else [] for u in part}

    def cycles_from(u: int, trail: set[int]) -> bool:
        return any(v in trail or cycles_from(v, trail | {v}) for v in step[u])

    return any(cycles_from(u, {u}) for u in part)


# --- the analysis, checked ---------------------------------------------------------------------


def analysed(spec: Spec) -> dict[str, report.Goal]:
    doc = cjdsl.loads(spec.text(), raise_on_error=False)
    errors = [d for d in doc.diagnostics if d.severity is cjdsl.Severity.ERROR]
    assert not errors and doc.journey is not None, (errors, spec.text())
    return {g.id: g for g in analysis.analyze(doc.journey).goals}


def nodes_of(found: report.LongestPath) -> list[int]:
    return [int(node.removeprefix("n")) for node in found.path.nodes]


def check(spec: Spec, *, exact_only: bool) -> None:
    """Each goal's critical and worst-emotion path against every simple path there is."""
    goals = analysed(spec)
    for goal in spec.goals:
        every = list(simple_paths(spec, goal))
        result = goals[f"n{goal}"]
        for found, value, best in (
            (result.critical, duration, max),
            (result.worst_emotion, feeling, min),
        ):
            if not every:
                assert found is None
                continue
            assert found is not None
            path = nodes_of(found)
            assert path in every  # a real simple path from an entry to the goal
            assert found.value == value(spec, path)
            optimum = best(value(spec, p) for p in every)
            if found.exact:
                assert found.value == optimum
                assert found.method == ("condensation" if meets_a_loop(spec, goal) else "dag")
            else:
                assert not exact_only, "a small loop is searched exhaustively"
                assert found.method == "condensation-lower-bound"
                assert best(found.value, optimum) == optimum  # a bound on the right side


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_longest_paths_are_the_best_simple_paths(spec: Spec) -> None:
    check(spec, exact_only=True)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_a_loop_too_big_to_search_gives_a_real_path_and_a_bound(spec: Spec) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(longest, "SEARCH_LIMIT", 2)  # every loop of three states or more
        check(spec, exact_only=False)


def test_the_oracle_sees_loops_and_the_best_path() -> None:
    # 0 → 1 → 2 (goal), 1 ⇄ 3, 3 → 2: the loop lies between the entry and the goal
    spec = Spec(
        ("entry", "touchpoint", "goal", "touchpoint"),
        (None, -2, None, 1),
        {0: {1: 1}, 1: {2: 1, 3: 5}, 3: {1: None, 2: 2}},
    )
    assert sorted(simple_paths(spec, 2)) == [[0, 1, 2], [0, 1, 3, 2]]
    assert meets_a_loop(spec, 2)
    goal = analysed(spec)["n2"]
    assert goal.critical is not None and goal.worst_emotion is not None
    assert (nodes_of(goal.critical), goal.critical.value) == ([0, 1, 3, 2], 8 * HOUR)
    assert (nodes_of(goal.worst_emotion), goal.worst_emotion.value) == ([0, 1, 2], -2.0)


# --- big journeys: real paths, honest bounds ---------------------------------------------------


DURATIONS = {"": 0.0, " after 1h": HOUR, " after 3h": 3 * HOUR, " after 1d": 24 * HOUR}


def random_journey(seed: int, size: int) -> tuple[str, dict[tuple[str, str], float]]:
    """Layers going forward, small loops back, goals that lead on, some long loops back;
    the text and each hop's duration in seconds."""
    rng = random.Random(seed)
    goals = {i for i in range(5, size) if rng.random() < 0.05}
    lines = ['journey "Test"']
    for i in range(size):
        kind = "goal" if i in goals else "touchpoint"
        lines.append(f"{'entry ' if i < 3 else ''}{kind} n{i}")
    hops = {}
    for i in range(size):
        targets = {min(size - 1, i + rng.randint(1, 12)) for _ in range(2)}
        if rng.random() < 0.3:
            targets.add(max(0, i - rng.randint(1, 6)))  # a small loop
        if rng.random() < 0.01:
            targets.add(max(0, i - rng.randint(20, 200)))  # a long loop
        targets.discard(i)
        for t in sorted(targets):
            after = rng.choice(["", "", " after 1h", " after 1d", " after 3h"])
            lines.append(f"n{i} -> n{t} {rng.randint(5, 30)}%{after}")
            hops[(f"n{i}", f"n{t}")] = DURATIONS[after]
    return "\n".join(lines) + "\n", hops


@pytest.mark.parametrize("seed", range(3))
def test_on_big_loops_every_path_is_real_and_worth_what_it_says(seed: int) -> None:
    text, hops = random_journey(seed, 300)
    journey = cjdsl.loads(text).journey
    assert journey is not None
    methods = set()
    for goal in analysis.analyze(journey).goals:
        if goal.critical is None:  # no way there: the random hops left it out
            assert goal.conversion == 0
            continue
        nodes = goal.critical.path.nodes
        assert len(set(nodes)) == len(nodes) and nodes[0] in {"n0", "n1", "n2"}
        assert nodes[-1] == goal.id
        assert goal.critical.value == sum(hops[hop] for hop in itertools.pairwise(nodes))
        methods.add(goal.critical.method)
    assert methods & {"condensation", "condensation-lower-bound"}


# --- hand-worked cases -------------------------------------------------------------------------


def chain_of(body: str) -> markov.Chain:
    journey = cjdsl.loads(f'journey "Test"\n{body}').journey
    assert journey is not None
    return markov.build(journey)


LOOP = "".join(f"touchpoint r{i}\nr{i} -> r{(i + 1) % 45} 50% after 1h\n" for i in range(45))


def test_a_loop_too_big_to_search_gives_a_lower_bound() -> None:
    # a ring of 45 states (more than SEARCH_LIMIT) with a goal on the way out of it
    body = f"entry touchpoint a\ngoal g\na -> r0 50%\n{LOOP}r44 -> g 10% after 1d\n"
    chain = chain_of(body)
    walk = paths.Adjacency(chain)
    found = paths.longest_to(walk, chain.index("g"), np.zeros(chain.size))
    assert found is not None
    nodes, value, exact, method = found
    assert (exact, method) == (False, "condensation-lower-bound")
    assert value == 44 * 3600.0 + 86400.0  # round the ring once: here also the best
    assert [chain.nodes[i] for i in nodes] == ["a", *(f"r{i}" for i in range(45)), "g"]


def test_goals_sharing_a_loop_and_goals_on_a_loop() -> None:
    # `g` and `h` come after the loop b⇄c; `h` leads back into it, so it is on a loop itself
    body = (
        "entry touchpoint a\ntouchpoint b\ntouchpoint c\ngoal g\ngoal h\n"
        "a -> b 50% after 1h\nb -> c 50% after 5h\nc -> b 50% after 1h\n"
        "b -> g 30% after 1h\nc -> h 20% after 2h\nh -> b 50% after 1d\ng -> h 50%\n"
    )
    chain = chain_of(body)
    walk = paths.Adjacency(chain)
    zeros = np.zeros(chain.size)
    g = paths.longest_to(walk, chain.index("g"), zeros)
    h = paths.longest_to(walk, chain.index("h"), zeros)
    assert g is not None and h is not None
    # to g: only a→b→g (2h), as from c the way to g goes back through b
    assert [chain.nodes[i] for i in g[0]] == ["a", "b", "g"]
    # to h: a→b→g→h is 2h, a→b→c→h is 8h (passing goal g on the way is allowed)
    assert [chain.nodes[i] for i in h[0]] == ["a", "b", "c", "h"]
    assert (h[1], h[3]) == (8 * 3600.0, "condensation")
