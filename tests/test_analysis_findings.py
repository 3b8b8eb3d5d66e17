"""Regression tests for the figures an independent check found wrong (F1–F18).

Each test runs the finding's minimal journey (tests/cases/findings/, copied from the
checker's report) and holds the figure the checker computed by hand, by exact linear
algebra and by simulation.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

import cjdsl
from cjdsl import analysis
from cjdsl.analysis import Report, tables

CASES = pathlib.Path(__file__).parent / "cases" / "findings"
DAY = 86400.0


def load(name: str) -> cjdsl.model.Journey:
    journey = cjdsl.load(CASES / f"{name}.journey").journey
    assert journey is not None
    return journey


def run(name: str, **options: object) -> Report:
    return analysis.analyze(load(name), **options)  # type: ignore[arg-type]


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-12)


def node(report: Report, id_: str) -> analysis.report.Node:
    found = report.node(id_)
    assert found is not None
    return found


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cjdsl", "analyze", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_f1_a_loop_nobody_leaves_is_reached_by_those_who_enter_it() -> None:
    # a -> b 40%, a -> g 20%, b -> b 100%: only the 40% who go to b ever reach it
    result = run("F1-trap-node-reach")
    assert node(result, "b").reach == approx(0.4)
    assert node(result, "b").visits is None  # they circle there for ever
    assert node(result, "g").reach == approx(0.2)
    assert result.conversion.stuck == approx(0.4)


def test_f2_top_paths_never_repeat_a_node_not_even_a_self_loop() -> None:
    # a -> r 50%, r -> r 30%, r -> g 50%; a -> s 10%, s -> g 60%
    result = run("F2-top-paths-self-loop", top=5)
    got = [(p.nodes, p.probability) for p in result.top_paths.paths]
    assert [nodes for nodes, _ in got] == [("a", "r", "g"), ("a", "s", "g")]
    assert [p for _, p in got] == [approx(0.25), approx(0.06)]
    assert result.top_paths.complete
    assert all(len(set(nodes)) == len(nodes) for nodes, _ in got)


def test_f3_a_removed_touchpoint_stays_in_its_stage() -> None:
    # without m: 50% reach g, 80% of those m (40%), where their journey now ends
    result = run("F3-without-stage-reach", without=["m"])
    keep = next(s for s in result.stages if s.id == "keep")
    assert keep.reach == approx(0.4)
    assert keep.drop_off == approx(0.4)
    assert all(s.drop_off <= s.reach + 1e-12 for s in result.stages)


def test_f4_lost_stuck_and_conversion_add_up_to_everyone() -> None:
    # a -> g 30%, a -> b 50%, b <-> c for ever: 30% convert, 50% stuck, 20% lost
    c = run("F4-lost-and-stuck").conversion
    assert (c.probability, c.stuck, c.lost) == (approx(0.3), approx(0.5), approx(0.2))
    assert c.probability + c.lost + c.stuck == approx(1.0)


def test_f5_a_channel_costs_what_its_touchpoints_cost() -> None:
    # touchpoint a 10 EUR on web; the goal's 50 EUR and the exit's 7 EUR are not the channel's
    result = run("F5-channel-cost-goal")
    (web,) = result.channels
    assert web.nodes == ("a",) and web.cost == approx(10.0) and web.currency == "EUR"
    assert web.customers is not None
    assert web.cost_per_conversion == approx(10.0 / web.customers)


def test_f6_entries_that_all_have_reach_0_are_weighted_equally_and_say_why() -> None:
    result = run("F6-all-reach-zero")
    assert result.weighting == "equal"
    assert [e.weight for e in result.entries] == [approx(0.5), approx(0.5)]
    assert "entries weighted equally: every entry's `reach` is 0" in result.notes
    assert not any("``" in note or ":  " in note for note in result.notes)


def test_f7_no_loop_no_stuck_customers_from_rounding() -> None:
    result = run("F7-stuck-noise")
    assert result.conversion.stuck == 0.0
    assert "stuck in a loop" not in tables.text(result)


def test_f8_an_id_that_is_a_touchpoint_and_a_channel_says_which_went() -> None:
    journey = cjdsl.loads(
        'journey "J"\nchannel hotline "Hotline"\nentry touchpoint ad\n'
        'touchpoint hotline "Call"\ntouchpoint order "Order by phone" @hotline\ngoal g\n'
        "ad -> hotline 50%\nad -> order 30%\nhotline -> g 50%\norder -> g 80%\n"
    ).journey
    assert journey is not None
    touchpoint = analysis.analyze(journey, without=["hotline"])
    assert node(touchpoint, "hotline").removed and not node(touchpoint, "order").removed
    assert any("`@hotline` removes the channel" in note for note in touchpoint.notes)
    channel = analysis.analyze(journey, without=["@hotline"])
    assert node(channel, "order").removed and not node(channel, "hotline").removed


def test_f9_moves_into_exits_and_with_probability_0_are_not_listed() -> None:
    # documented: an exit is no stage move (customers are lost there), and nobody takes 0%
    moves = run("F9-back-into-exit").moves
    assert [(m.source, m.target, m.kind) for m in moves] == [("b", "a", "back")]  # not b -> lost
    assert run("F9b-zero-probability-skip").moves == ()


def test_f11_no_start_says_so() -> None:
    result = analysis.analyze(
        cjdsl.loads('journey "J"\ntouchpoint a\ngoal g\na -> a 50%\na -> g').journey  # type: ignore[arg-type]
    )
    assert result.weighting == "none" and result.entries == ()
    assert any("the journey has no start" in note for note in result.notes)
    text = tables.text(result)
    assert "Nobody enters: the journey has no start" in text
    assert "Conversion: 0%" not in text and "Lost without converting" not in text


def test_f12_a_persona_that_meets_no_entry_is_told_where_it_starts() -> None:
    journey = cjdsl.loads(
        'journey "J"\npersona anna "Anna"\npersona ben "Ben"\n'
        "entry touchpoint e for anna\ntouchpoint c\ngoal g\ne -> c\nc -> g 40%\n"
    ).journey
    assert journey is not None
    result = analysis.analyze(journey, persona="ben")
    assert result.conversion.probability == approx(0.4)
    assert any(n.startswith("`ben` meets no entry") and "`c`" in n for n in result.notes)


def test_f13_the_removed_touchpoint_is_no_emotional_low_point() -> None:
    journey = cjdsl.loads(
        'journey "J"\nentry touchpoint ad { emotion +1 }\n'
        'touchpoint reminder { emotion -1 "nagged" }\ntouchpoint cart { emotion 0 }\ngoal g\n'
        "ad -> reminder 50%\nad -> cart 30%\nreminder -> cart 50%\ncart -> g 50%\n"
    ).journey
    assert journey is not None
    before = analysis.analyze(journey)
    assert [p.node for p in before.emotion.lowest] == ["reminder"]
    after = analysis.analyze(journey, without=["reminder"])
    assert [p.node for p in after.emotion.lowest] == ["cart"]


def test_f14_parallel_transitions_take_each_ones_duration() -> None:
    # a -> b 30% after 1d for anna, 50% after 3d for ben, b -> g: half anna, half ben
    result = run("F14-parallel-persona-after")
    assert result.conversion.probability == approx(0.4)
    assert result.conversion.time == approx((0.5 * 0.3 * 1 + 0.5 * 0.5 * 3) / 0.4 * DAY)
    for persona, days in (("anna", 1), ("ben", 3)):
        assert run("F14-parallel-persona-after", persona=persona).conversion.time == approx(
            days * DAY
        )
    # one persona's duplicates: the mean of their durations, weighted by probability
    journey = cjdsl.loads(
        'journey "J"\nentry touchpoint a\ngoal g\na -> g 30% after 1d\na -> g 50% after 3d\n',
        raise_on_error=False,
    ).journey
    assert journey is not None
    alone = analysis.analyze(journey)
    assert alone.conversion.time == approx((0.3 * 1 + 0.5 * 3) / 0.8 * DAY)


def test_f15_the_worst_emotion_bound_points_the_right_way() -> None:
    result = run("F15-worst-emotion-bound-direction")
    (g,) = result.goals
    assert g.worst_emotion is not None and not g.worst_emotion.exact
    # a path with sum -15 exists (the checker's exhaustive search): the found one is an
    # upper bound of the lowest sum, printed as such
    assert g.worst_emotion.value >= -15
    text = tables.text(result)
    assert "(at most)" in text.split("worst emotion", 1)[1].splitlines()[0]
    assert any("worst-emotion path to `g` is an upper bound" in n for n in result.notes)
    assert g.critical is not None and not g.critical.exact
    assert "(at least)" in text.split("critical", 1)[1].splitlines()[0]


@pytest.mark.parametrize(
    ("name", "id_", "kind"),
    [("F16-without-goal", "g", "a goal"), ("F17-without-exit", "lost", "an exit")],
)
def test_f16_f17_without_a_goal_or_an_exit_is_refused_with_a_hint(
    name: str, id_: str, kind: str
) -> None:
    with pytest.raises(ValueError, match=f"`{id_}` is {kind}: `--without` removes touchpoints"):
        run(name, without=[id_])
    done = cli(str(CASES / f"{name}.journey"), "--without", id_)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"remove the touchpoints that lead to `{id_}`" in done.stderr


def test_f18_what_changes_lists_goal_steps_and_stage_drop_off() -> None:
    journey = cjdsl.loads(
        'journey "J"\nstage s1 {\n entry touchpoint ad\n touchpoint reminder\n}\n'
        "stage s2 {\n goal bought\n}\n"
        "ad -> bought 50%\nad -> reminder 25%\nreminder -> bought 50%\n"
    ).journey
    assert journey is not None
    result = analysis.analyze(journey, without=["reminder"])
    figures = {d.figure: d for d in result.differences}
    steps = figures["goal `bought` steps"]
    assert (steps.before, steps.after) == (approx((0.5 * 1 + 0.125 * 2) / 0.625), approx(1.0))
    ends = figures["stage `s1` journeys end"]
    assert (ends.before, ends.after) == (approx(0.375), approx(0.5))
