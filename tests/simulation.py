"""A seeded random walk of customers through a journey: the independent check of the analysis.

It reads only the journey graph (``cjdsl.graph``) and walks customers step by
step with numpy, so it shares no code with ``cjdsl.analysis``. For everyone in a
journey with personas each customer is a persona first (drawn by the personas'
shares, ``cjdsl.personas.shares``), then walks what that persona meets.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from cjdsl import graph, model, personas


@dataclasses.dataclass(frozen=True)
class Walk:
    nodes: list[str]
    customers: int
    converted: NDArray[np.bool_]  # (N,) reached any goal
    goals: dict[str, NDArray[np.bool_]]  # reached this goal at least once
    stages: dict[str, NDArray[np.bool_]]  # reached a node of this stage
    before: NDArray[np.bool_]  # (N, n) visited node before the first goal
    steps: NDArray[np.float64]  # transitions until the first goal (converted only)
    time: NDArray[np.float64]  # sum of `after` until the first goal (converted only)
    stuck: int  # still walking after the step limit


def walk(
    journey: model.Journey,
    *,
    persona: str | None = None,
    customers: int = 200_000,
    seed: int = 7,
    goal: str | None = None,
    start: str | None = None,
) -> Walk:
    """``goal``: only that goal converts; ``start``: only the customers who get to that node
    or stage are kept, and they are counted from the moment they first get there."""
    if persona is not None or not journey.personas:
        return _walk(journey, persona, customers, seed, goal, start)
    shares = personas.shares(journey).fractions
    counts = np.random.default_rng(seed).multinomial(customers, [f for _, f in shares])
    parts = [
        _walk(journey, p, int(c), seed + 1 + i, goal, start)
        for i, ((p, _), c) in enumerate(zip(shares, counts, strict=True))
        if c > 0
    ]
    present = {node for part in parts for node in part.nodes}
    nodes = [t.id for t in journey.touchpoints if t.id in present]

    def column(part: Walk, node: str, table: NDArray[np.bool_]) -> NDArray[np.bool_]:
        if node in part.nodes:
            return table[:, part.nodes.index(node)]
        return np.zeros(part.customers, dtype=bool)

    def joined(pick: str) -> dict[str, NDArray[np.bool_]]:
        keys = dict.fromkeys(k for part in parts for k in getattr(part, pick))
        return {
            k: np.concatenate(
                [getattr(part, pick).get(k, np.zeros(part.customers, dtype=bool)) for part in parts]
            )
            for k in keys
        }

    return Walk(
        nodes,
        sum(part.customers for part in parts),
        np.concatenate([part.converted for part in parts]),
        joined("goals"),
        joined("stages"),
        np.stack(
            [np.concatenate([column(part, node, part.before) for part in parts]) for node in nodes],
            axis=1,
        ),
        np.concatenate([part.steps for part in parts]),
        np.concatenate([part.time for part in parts]),
        sum(part.stuck for part in parts),
    )


def _walk(
    journey: model.Journey,
    persona: str | None,
    customers: int,
    seed: int,
    goal: str | None = None,
    start: str | None = None,
) -> Walk:
    g = graph.build(journey, persona=persona)
    nodes = [t.id for t in journey.touchpoints if t.id in g]
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    kind = {t.id: t.kind for t in journey.touchpoints}
    p = np.zeros((n, n))
    after = np.zeros((n, n))
    for u, v, data in g.edges(data=True):
        p[index[u], index[v]] = data["p"]
        after[index[u], index[v]] = data["after"] or 0.0
    # the last column is "the journey ends here" (implicit drop-off; exits end everything)
    for i, node in enumerate(nodes):
        if kind[node] is model.NodeKind.EXIT:
            p[i] = 0.0
    ends = np.clip(1.0 - p.sum(axis=1), 0.0, 1.0)
    cumulative = np.cumsum(np.concatenate([p, ends[:, None]], axis=1), axis=1)
    cumulative[:, -1] = 1.0 + 1e-9
    starts = graph.starts(journey, g)
    reach = [journey.touchpoint(s).reach for s in starts]  # type: ignore[union-attr]
    if all(r is not None for r in reach) and sum(reach) > 0:  # type: ignore[arg-type]
        weights = np.array(reach, dtype=float)
    else:
        weights = np.ones(len(starts))
    rng = np.random.default_rng(seed)
    state = rng.choice([index[s] for s in starts], size=customers, p=weights / weights.sum())
    alive = np.ones(customers, dtype=bool)
    is_goal = np.array(
        [kind[node] is model.NodeKind.GOAL and goal in (None, node) for node in nodes], dtype=bool
    )
    stage_of = {t.id: t.stage for t in journey.touchpoints}
    is_start = np.array(
        [start is None or start in (node, stage_of[node]) for node in nodes], dtype=bool
    )
    started = np.zeros(customers, dtype=bool)
    goal_hit = np.zeros((customers, n), dtype=bool)
    before = np.zeros((customers, n), dtype=bool)
    converted = np.zeros(customers, dtype=bool)
    steps = np.zeros(customers)
    time = np.zeros(customers)
    everywhere = np.zeros((customers, n), dtype=bool)
    for _ in range(2000):
        who = np.flatnonzero(alive)
        if who.size == 0:
            break
        started[who] |= is_start[state[who]]
        who = who[started[who]]
        here = state[who]
        everywhere[who, here] = True
        converted_now = is_goal[here]
        fresh = who[~converted[who]]
        before[fresh, state[fresh]] = ~is_goal[state[fresh]]
        converted[who[converted_now]] = True
        goal_hit[who, here] |= converted_now
        who = np.flatnonzero(alive)  # those not there yet walk on too
        here = state[who]
        u = rng.random(who.size)
        nxt = (cumulative[here] <= u[:, None]).sum(axis=1)
        ended = nxt == n
        moving = who[~ended]
        walking = ~converted[moving] & started[moving]
        steps[moving[walking]] += 1
        time[moving[walking]] += after[state[moving[walking]], nxt[~ended][walking]]
        state[moving] = nxt[~ended]
        alive[who[ended]] = False
    goals = {node: goal_hit[:, i] for i, node in enumerate(nodes) if is_goal[i]}
    stages = {
        s.id: np.asarray(
            everywhere[:, [i for i, node in enumerate(nodes) if stage_of[node] == s.id]].any(
                axis=1
            ),
            dtype=bool,
        )
        for s in journey.stages
        if any(stage_of[node] == s.id for node in nodes)
    }
    kept = started
    return Walk(
        nodes,
        int(kept.sum()),
        converted[kept],
        {k: v[kept] for k, v in goals.items()},
        {k: v[kept] for k, v in stages.items()},
        before[kept],
        steps[kept],
        time[kept],
        int(alive.sum()),
    )
