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

import cjdsl
from cjdsl import analysis

from . import simulation
from .conftest import EXAMPLES, load_journey

CUSTOMERS = 120_000


def tolerance(p: float, n: int) -> float:
    """Five standard errors of a proportion ``p`` estimated from ``n`` customers."""
    return 5 * math.sqrt(max(p * (1 - p), 1e-6) / max(n, 1)) + 2e-4


def compare(
    path: pathlib.Path | cjdsl.model.Journey,
    persona: str | None,
    goal: str | None = None,
    start: str | None = None,
) -> None:
    journey = path if isinstance(path, cjdsl.model.Journey) else load_journey(path)
    exact = analysis.analyze(journey, persona=persona, goal=goal, start=start)
    walked = simulation.walk(
        journey, persona=persona, customers=CUSTOMERS, seed=11, goal=goal, start=start
    )
    assert walked.stuck == 0
    n = walked.customers
    converted = walked.converted.mean()
    p = exact.conversion.probability
    assert converted == pytest.approx(p, abs=tolerance(p, n)), "conversion"
    for reached in exact.goals:
        seen = walked.goals[reached.id].mean()
        wanted = reached.conversion
        assert seen == pytest.approx(wanted, abs=tolerance(wanted, n)), reached.id
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
        waited = walked.time[walked.converted]
        assert exact.conversion.time is not None
        spread = waited.std() / math.sqrt(buyers)
        assert waited.mean() == pytest.approx(exact.conversion.time, abs=5 * spread + 1.0)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_agrees_with_a_random_walk(path: pathlib.Path) -> None:
    compare(path, None)


def test_a_persona_agrees_with_a_random_walk() -> None:
    path = next(p for p in EXAMPLES if p.stem == "online-shop")
    journey = load_journey(path)
    assert {p.id for p in journey.personas} >= {"anna", "carla"}
    compare(path, "carla")  # the only one who meets the friend's tip


SEGMENTS = """\
journey "Segments"
persona gisela "Gisela" { share 25% }
persona jonas "Jonas"
persona lea "Lea" { share 15% }
stage find "Find" {
  entry touchpoint ad "Ad" { reach 3000 }
  entry touchpoint store "Store" for gisela { reach 500 }
  touchpoint call "Call" for gisela, lea
}
stage buy "Buy" {
  touchpoint cart "Cart"
  goal order "Order"
  exit gone "Gone"
}
ad -> cart 20% after 1d for jonas
ad -> cart 35% after 3d for gisela, lea
ad -> call 30%
store -> cart 60% after 2h
call -> cart 50% after 4h
call -> call 20% after 1h
cart -> order 40% after 1h
cart -> gone 30% for jonas
cart -> ad 10%
"""


def test_personas_with_shares_agree_with_a_walk_that_draws_the_persona_first() -> None:
    # every customer is a persona first (25% / 60% / 15%), then walks what it meets: the
    # mixture's conversion, reach, removal effects, steps and time against the walk
    journey = cjdsl.loads(SEGMENTS).journey
    assert journey is not None
    compare(journey, None)
    exact = analysis.analyze(journey)
    each = [analysis.analyze(journey, persona=p.id) for p in journey.personas]
    low, high = sorted(r.conversion.probability for r in each)[::2]
    assert low < exact.conversion.probability < high


@pytest.mark.parametrize(
    ("goal", "start"), [("order", None), (None, "cart"), ("order", "buy"), (None, "call")]
)
def test_toward_one_goal_and_from_a_node_or_stage_agree_with_a_walk(
    goal: str | None, start: str | None
) -> None:
    # the walk keeps only the customers who get to `start` and counts from there; toward
    # `goal` only that goal converts: the mixture weighted by who gets there, too
    journey = cjdsl.loads(SEGMENTS).journey
    assert journey is not None
    compare(journey, None, goal, start)
    compare(journey, "gisela", goal, start)


def test_toward_a_later_goal_agrees_with_a_walk() -> None:
    path = next(p for p in EXAMPLES if p.stem == "telecom-contract")
    journey = load_journey(path)
    goals = [t.id for t in journey.touchpoints if t.kind is cjdsl.model.NodeKind.GOAL]
    compare(journey, None, goals[-1], None)
