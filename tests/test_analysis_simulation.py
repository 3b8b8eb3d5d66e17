"""The exact figures against customers walked at random through every example.

The walk (``tests/simulation.py``) shares no code with the analysis, so an error
in the Markov-chain algebra shows here as a figure outside simulation noise.
Tolerances are five standard errors of the simulated estimate plus a small
floor, so a correct analysis fails about once in a few million runs, and the
seed is fixed anyway.
"""

from __future__ import annotations

import math
import pathlib

import pytest

from cjdsl import analysis

from . import simulation
from .conftest import EXAMPLES, load_journey

CUSTOMERS = 120_000


def tolerance(p: float, n: int) -> float:
    """Five standard errors of a proportion ``p`` estimated from ``n`` customers."""
    return 5 * math.sqrt(max(p * (1 - p), 1e-6) / max(n, 1)) + 2e-4


def compare(path: pathlib.Path, persona: str | None) -> None:
    journey = load_journey(path)
    exact = analysis.analyze(journey, persona=persona)
    walked = simulation.walk(journey, persona=persona, customers=CUSTOMERS, seed=11)
    assert walked.stuck == 0
    n = walked.customers
    converted = walked.converted.mean()
    p = exact.conversion.probability
    assert converted == pytest.approx(p, abs=tolerance(p, n)), "conversion"
    for goal in exact.goals:
        seen = walked.goals[goal.id].mean()
        assert seen == pytest.approx(goal.conversion, abs=tolerance(goal.conversion, n)), goal.id
    for stage in exact.stages:
        seen = walked.stages[stage.id].mean()
        assert seen == pytest.approx(stage.reach, abs=tolerance(stage.reach, n)), stage.id
    # the removal effect equals P(the touchpoint was visited before converting | converted)
    buyers = int(walked.converted.sum())
    for node in exact.nodes:
        if node.removal_effect is None:
            continue
        column = walked.nodes.index(node.id)
        seen = walked.before[walked.converted, column].mean() if buyers else 0.0
        wanted = node.removal_effect
        assert seen == pytest.approx(wanted, abs=tolerance(wanted, buyers)), node.id
    if buyers:
        steps = walked.steps[walked.converted].mean()
        assert exact.conversion.steps is not None
        spread = walked.steps[walked.converted].std() / math.sqrt(buyers)
        assert steps == pytest.approx(exact.conversion.steps, abs=5 * spread + 1e-3)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_agrees_with_a_random_walk(path: pathlib.Path) -> None:
    compare(path, None)


def test_a_persona_agrees_with_a_random_walk() -> None:
    path = next(p for p in EXAMPLES if p.stem == "online-shop")
    journey = load_journey(path)
    assert {p.id for p in journey.personas} >= {"anna", "carla"}
    compare(path, "carla")  # the only one who meets the friend's tip
