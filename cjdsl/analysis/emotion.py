"""Emotion: the curve along a path, the journey's lowest point, and the worst-emotion path.

A node's emotion is its ``emotion`` score (−2..+2); nodes without one count as
0 (neutral) on paths and are shown without a score on curves. The worst-emotion
path to a goal is the simple path from an entry with the lowest *sum* of
emotions: the most accumulated bad feeling (found like the critical path).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .. import model
from . import markov, paths, report

__all__ = ["curve", "lowest", "scores", "worst_path"]

Array = NDArray[np.float64]


def scores(journey: model.Journey, chain: markov.Chain) -> Array:
    """Each state's emotion score, ``nan`` where none is written."""
    out = np.full(chain.size, np.nan)
    for i, id_ in enumerate(chain.nodes):
        node = journey.touchpoint(id_)
        if node is not None and node.emotion is not None:
            out[i] = node.emotion.score
    return out


def _point(journey: model.Journey, id_: str) -> report.EmotionPoint:
    node = journey.touchpoint(id_)
    assert node is not None
    emotion = node.emotion
    return report.EmotionPoint(
        node=id_,
        label=node.label,
        stage=node.stage,
        score=None if emotion is None else emotion.score,
        word=None if emotion is None else emotion.word,
    )


def curve(
    journey: model.Journey, nodes: Sequence[str]
) -> tuple[tuple[report.EmotionPoint, ...], float | None]:
    """The emotion at each node of a path, and their average (``None`` if none has one)."""
    points = tuple(_point(journey, id_) for id_ in nodes)
    known = [p.score for p in points if p.score is not None]
    return points, (sum(known) / len(known) if known else None)


def lowest(
    journey: model.Journey, chain: markov.Chain, reached: Array
) -> tuple[tuple[report.EmotionPoint, ...], tuple[str, ...]]:
    """The reachable nodes with the lowest emotion (most-reached first), and their pains;
    a removed touchpoint (``--without``) is none of them."""
    values = scores(journey, chain)
    candidates = [
        i
        for i in range(chain.size)
        if not np.isnan(values[i]) and reached[i] > 0 and not chain.removed[i]
    ]
    if not candidates:
        return (), ()
    low = min(values[i] for i in candidates)
    worst = sorted((i for i in candidates if values[i] == low), key=lambda i: (-reached[i], i))
    points = tuple(_point(journey, chain.nodes[i]) for i in worst)
    pains = tuple(
        pain
        for i in worst
        if (node := journey.touchpoint(chain.nodes[i])) is not None
        for pain in node.pains
    )
    return points, pains


def worst_path(adjacency: paths.Adjacency, goal: int, values: Array) -> report.LongestPath | None:
    """The path to ``goal`` with the lowest sum of emotions ``values`` (``value`` is that sum)."""
    penalty = -np.nan_to_num(values, nan=0.0)
    found = paths.longest_to(adjacency, goal, penalty, penalty)
    if found is None:
        return None
    nodes, value, exact, method = found
    return report.LongestPath(adjacency.path(nodes), -value + 0.0, exact, method)
