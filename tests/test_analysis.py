"""The analysis against figures worked out by hand (the arithmetic is in each test)."""

from __future__ import annotations

import math

import pytest

import cjdsl
from cjdsl import analysis
from cjdsl.analysis import Report

HOUR = 3600.0
DAY = 24 * HOUR


def analyze(body: str, **options: object) -> Report:
    source = f'journey "Test"\n{body}'
    return analysis.analyze(cjdsl.loads(source).journey, **options)  # type: ignore[arg-type]


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-12)


def goal(report: Report, id_: str) -> analysis.report.Goal:
    found = report.goal(id_)
    assert found is not None
    return found


def node(report: Report, id_: str) -> analysis.report.Node:
    found = report.node(id_)
    assert found is not None
    return found


# --- conversion -------------------------------------------------------------------------------

LINEAR = """\
entry touchpoint ad
touchpoint shop
goal bought
exit lost
ad -> shop 40%
shop -> bought 25%
shop -> lost 50%
"""


def test_a_chain_converts_with_the_product_of_its_probabilities() -> None:
    r = analyze(LINEAR)
    # 40% reach the shop, 25% of them buy: 0.4 × 0.25
    assert r.conversion.probability == approx(0.1)
    # everyone else ends somewhere: 60% drop off at the ad, 0.4 × 75% at the shop
    assert r.conversion.lost == approx(0.9)
    assert r.conversion.steps == approx(2.0)


def test_drop_off_separates_exits_from_the_implicit_rest() -> None:
    r = analyze(LINEAR)
    ad, shop = node(r, "ad"), node(r, "shop")
    assert (ad.reach, ad.drop_off, ad.implicit) == (approx(1.0), approx(0.6), approx(0.6))
    # at the shop: 0.4 × (50% to the exit + 25% unwritten) end, 0.4 × 25% of them implicitly
    assert (shop.reach, shop.drop_off, shop.implicit) == (approx(0.4), approx(0.3), approx(0.1))
    assert node(r, "lost").reach == approx(0.2)  # 0.4 × 50%
    # the bottleneck is where most unconverted journeys end
    assert r.bottlenecks[0] == "ad"


def test_transitions_without_probability_share_what_the_others_leave() -> None:
    body = "entry touchpoint a\ngoal c\ngoal d\nexit b\na -> b 40%\na -> c\na -> d\n"
    r = analyze(body)
    # (100% − 40%) / 2 each
    assert goal(r, "c").conversion == approx(0.3)
    assert goal(r, "d").conversion == approx(0.3)
    assert r.conversion.probability == approx(0.6)


def test_a_journey_without_any_probability_splits_evenly() -> None:
    body = (
        "entry touchpoint a\ntouchpoint b\ntouchpoint c\ngoal g\nexit x\n"
        "a -> b\na -> c\nb -> g\nc -> x\n"
    )
    # a: 50% to b (which always buys), 50% to c (which always leaves)
    assert analyze(body).conversion.probability == approx(0.5)


def test_a_loop_is_a_geometric_series() -> None:
    body = "entry touchpoint a\ntouchpoint b\ngoal g\na -> b 50% after 1h\nb -> a 50%\nb -> g 40%\n"
    r = analyze(body)
    # h_a = 0.5 h_b, h_b = 0.5 h_a + 0.4  ⇒  h_a = 0.25 h_a + 0.2  ⇒  h_a = 0.2 / 0.75
    assert r.conversion.probability == approx(0.2 / 0.75)
    # converters take k extra rounds with P(k) ∝ 0.25^k, so E[k] = 0.25 / 0.75 = 1/3;
    # each round is 2 steps and 1 hour: 2 + 2/3 steps and 1 + 1/3 hours
    assert r.conversion.steps == approx(2 + 2 / 3)
    assert r.conversion.time == approx(4 / 3 * HOUR)


def test_a_self_loop_changes_steps_but_not_conversion() -> None:
    looped = analyze("entry touchpoint a\ngoal g\na -> a 50% after 1d\na -> g 30%\n")
    plain = analyze("entry touchpoint a\ngoal g\na -> g 60%\n")
    # h = 0.5 h + 0.3 ⇒ h = 0.6, the same as without the loop, once renormalised
    assert looped.conversion.probability == approx(0.6)
    assert plain.conversion.probability == approx(0.6)
    # convention: every pass through the loop is a step (and its `after` counts):
    # P(k loops | conversion) = 0.5^k / 2, so E[k] = 1 and E[steps] = 1 + 1
    assert looped.conversion.steps == approx(2.0)
    assert looped.conversion.time == approx(1 * DAY)
    # and it does not move the removal effect of `a` (without it nobody converts)
    assert node(looped, "a").removal_effect == approx(1.0)


def test_entries_are_weighted_by_reach() -> None:
    body = (
        "entry touchpoint a { reach 300 }\nentry touchpoint b { reach 100 }\ngoal g\n"
        "a -> g 10%\nb -> g 50%\n"
    )
    r = analyze(body)
    # (300 × 10% + 100 × 50%) / 400 = 80 / 400
    assert r.weighting == "reach"
    assert r.conversion.probability == approx(0.2)
    assert r.conversion.customers == approx(80.0)
    assert r.conversion.entering == approx(400.0)
    a, b = r.entries
    assert (a.weight, a.conversion, a.customers) == (approx(0.75), approx(0.1), approx(30.0))
    assert (b.weight, b.conversion, b.customers) == (approx(0.25), approx(0.5), approx(50.0))


def test_entries_without_reach_count_equally() -> None:
    r = analyze("entry touchpoint a\nentry touchpoint b\ngoal g\na -> g 10%\nb -> g 50%\n")
    assert r.weighting == "equal"
    assert r.conversion.probability == approx(0.3)  # (10% + 50%) / 2
    assert r.conversion.customers is None


def test_a_goal_counts_once_even_where_the_journey_goes_on() -> None:
    body = (
        "entry touchpoint a\ngoal first\ngoal second\n"
        "a -> first 50%\nfirst -> second 40%\na -> second 20%\n"
    )
    r = analyze(body)
    # anyone who reaches a goal converts: 50% + 20%
    assert r.conversion.probability == approx(0.7)
    # `second` is reached directly (20%) or after `first` (50% × 40%)
    assert goal(r, "second").conversion == approx(0.4)
    assert goal(r, "first").conversion == approx(0.5)
    # as the first goal reached: the shares add up to the conversion
    assert goal(r, "second").first == approx(0.2)
    assert goal(r, "first").first + goal(r, "second").first == approx(0.7)


def test_per_persona_only_what_the_persona_meets_counts() -> None:
    body = (
        'persona anna "Anna"\npersona ben "Ben"\n'
        "entry touchpoint a\ntouchpoint b for anna\ngoal g\n"
        "a -> b 50%\na -> g 10%\nb -> g\n"
    )
    # anna: 10% directly + 50% via b (which always goes on to g); ben never meets b
    assert analyze(body, persona="anna").conversion.probability == approx(0.6)
    assert analyze(body, persona="ben").conversion.probability == approx(0.1)
    # everyone: half anna, half ben (no shares: an equal split), never their sum
    assert analyze(body).conversion.probability == approx(0.35)
    with pytest.raises(ValueError, match="unknown persona `carl`"):
        analyze(body, persona="carl")


def test_no_path_to_a_goal_converts_nobody_and_says_so() -> None:
    r = analyze("entry touchpoint a\ntouchpoint b\ngoal g\na -> b 50%\n")
    assert r.conversion.probability == 0.0
    assert r.conversion.steps is None
    assert goal(r, "g").most_probable is None
    assert goal(r, "g").critical is None
    assert r.top_paths.paths == ()
    assert any("no goal can be reached" in note for note in r.notes)


def test_a_journey_without_goals_is_analysed_too() -> None:
    r = analyze("entry touchpoint a\nexit x\na -> x 50%\n")
    assert r.goals == ()
    assert r.conversion.probability == 0.0
    assert any("no goal" in note for note in r.notes)


# --- funnel -----------------------------------------------------------------------------------

STAGED = """\
stage aware { entry touchpoint ad }
stage consider { touchpoint page }
stage buy {
  touchpoint cart
  goal bought
}
ad -> page 50%
ad -> cart 10%
page -> cart 40%
cart -> bought 50%
"""


def test_stage_reach_is_the_chance_of_reaching_it_at_least_once() -> None:
    r = analyze(STAGED)
    reach = {s.id: s.reach for s in r.stages}
    # buy: 10% directly + 50% × 40% through the page
    assert reach == {"aware": approx(1.0), "consider": approx(0.5), "buy": approx(0.3)}
    ends = {s.id: s.drop_off for s in r.stages}
    # aware: 40% unwritten; consider: 0.5 × 60%; buy: 0.3 × 50% at the cart + 0.15 at the goal
    assert ends == {"aware": approx(0.4), "consider": approx(0.3), "buy": approx(0.3)}
    lost = {s.id: s.lost_conversion for s in r.stages}
    # lost before converting: the same but for the journeys that end at the goal
    assert lost == {"aware": approx(0.4), "consider": approx(0.3), "buy": approx(0.15)}
    assert r.conversion.probability == approx(0.15)


def test_skipped_stages_are_reported_with_their_traffic() -> None:
    r = analyze(STAGED)
    (move,) = r.moves
    assert (move.source, move.target, move.kind, move.skipped) == (
        "ad",
        "cart",
        "skip",
        ("consider",),
    )
    assert move.probability == approx(0.1)
    assert move.traffic == approx(0.1)  # everyone passes `ad` once


# --- paths ------------------------------------------------------------------------------------

BRANCHES = """\
entry touchpoint a
touchpoint b
touchpoint c
goal g
a -> b 50%
a -> c 40%
a -> g 10%
b -> g 50% after 1d
c -> g 90% after 3d
"""


def test_most_probable_top_and_shortest_paths() -> None:
    r = analyze(BRANCHES, top=3)
    g = goal(r, "g")
    # a→c→g 0.4 × 0.9 = 0.36 beats a→b→g 0.5 × 0.5 = 0.25 and a→g 0.10
    assert g.most_probable is not None
    assert (g.most_probable.nodes, g.most_probable.probability) == (("a", "c", "g"), approx(0.36))
    assert g.shortest is not None and g.shortest.nodes == ("a", "g")
    listed = [(p.nodes, p.probability) for p in r.top_paths.paths]
    assert listed == [
        (("a", "c", "g"), approx(0.36)),
        (("a", "b", "g"), approx(0.25)),
        (("a", "g"), approx(0.1)),
    ]
    assert r.top_paths.complete
    assert r.conversion.probability == approx(0.71)  # the three paths are all there is


def test_the_critical_path_is_the_longest_in_time() -> None:
    g = goal(analyze(BRANCHES), "g")
    assert g.critical is not None
    assert g.critical.path.nodes == ("a", "c", "g")
    assert g.critical.value == approx(3 * DAY)
    assert (g.critical.exact, g.critical.method) == (True, "dag")
    # expected time of converters: (0.25 × 1d + 0.36 × 3d + 0.10 × 0) / 0.71
    assert g.time == approx((0.25 * DAY + 0.36 * 3 * DAY) / 0.71)
    # expected steps: (0.25 × 2 + 0.36 × 2 + 0.10 × 1) / 0.71
    assert g.steps == approx((0.25 * 2 + 0.36 * 2 + 0.1) / 0.71)


def test_the_critical_path_in_a_loop_is_found_on_the_condensation() -> None:
    body = (
        "entry touchpoint a\ntouchpoint b\ntouchpoint c\ngoal g\n"
        "a -> b 50% after 1h\nb -> c 50% after 5h\nc -> b 50% after 1h\n"
        "b -> g 30% after 1h\nc -> g 20% after 2h\n"
    )
    g = goal(analyze(body), "g")
    assert g.critical is not None
    # simple paths: a→b→g 2h, a→b→c→g 8h; the loop b→c→b may not repeat a node
    assert g.critical.path.nodes == ("a", "b", "c", "g")
    assert g.critical.value == approx(8 * HOUR)
    assert g.critical.exact and g.critical.method == "condensation"


def test_moments_of_truth_are_the_touchpoints_every_conversion_passes() -> None:
    body = (
        "entry touchpoint ad\nentry touchpoint mail\ntouchpoint page\ntouchpoint chat\n"
        "touchpoint cart\ngoal bought\n"
        "ad -> page 50%\nmail -> page 50%\npage -> cart 30%\npage -> chat 20%\n"
        "chat -> cart 50%\ncart -> bought 50%\n"
    )
    r = analyze(body)
    # two entries, and `chat` can be skipped: only `page` and `cart` are on every way
    assert r.moments == ("page", "cart")
    assert goal(r, "bought").moments == ("page", "cart")


# --- attribution ------------------------------------------------------------------------------

ATTRIBUTED = """\
channel social "Social" online
channel web "Web" online
channel email "E-mail" online
entry touchpoint a @social { reach 1000 }
touchpoint b @web
touchpoint c @email { cost 100 EUR }
goal g
a -> b 50%
a -> c 50%
b -> g 100%
c -> g 40%
"""


def test_removal_effects_by_hand() -> None:
    r = analyze(ATTRIBUTED)
    # conversion 0.5 × 1 + 0.5 × 0.4 = 0.7; without b only 0.2 is left, without c 0.5,
    # without a nothing: effects 0.5 / 0.7, 0.2 / 0.7 and 1
    assert r.conversion.probability == approx(0.7)
    assert node(r, "b").removal_effect == approx(0.5 / 0.7)
    assert node(r, "c").removal_effect == approx(0.2 / 0.7)
    assert node(r, "a").removal_effect == approx(1.0)
    assert node(r, "g").removal_effect is None  # goals are what is attributed to


def test_removal_effects_agree_with_removing_for_real() -> None:
    base = analyze(ATTRIBUTED)
    for id_ in ("a", "b", "c"):
        without = analyze(ATTRIBUTED, without=[id_])
        drop = 1 - without.conversion.probability / base.conversion.probability
        assert node(base, id_).removal_effect == approx(drop)


def test_channel_shares_and_cost_per_conversion() -> None:
    channels = {c.id: c for c in analyze(ATTRIBUTED).channels}
    # normalised removal effects: 1 : 5/7 : 2/7, out of 2
    assert channels["social"].share == approx(0.5)
    assert channels["web"].share == approx(2.5 / 7)
    assert channels["email"].share == approx(1 / 7)
    # e-mail is credited with 1/7 of 700 converted customers = 100, for 100 EUR
    email = channels["email"]
    assert email.customers == approx(100.0)
    assert (email.cost, email.currency) == (approx(100.0), "EUR")
    assert email.cost_per_conversion == approx(1.0)


def test_what_if_reports_the_difference() -> None:
    r = analyze(ATTRIBUTED, without=["email"])
    assert r.without == ("email",)
    assert r.baseline is not None
    assert r.conversion.probability == approx(0.5)
    assert r.baseline.conversion.probability == approx(0.7)
    overall = next(d for d in r.differences if d.figure == "conversion")
    assert overall.change == approx(-0.2)
    assert node(r, "c").removed
    with pytest.raises(ValueError, match="did you mean `email`"):
        analyze(ATTRIBUTED, without=["emial"])


# --- emotion and channels ---------------------------------------------------------------------

FEELINGS = """\
channel web "Web" online
channel store "Store" offline
entry touchpoint ad @web { emotion +1 "curious" }
touchpoint queue @store { emotion -2 "annoyed"; pain "Long queue" }
touchpoint app @web { emotion +1 "pleased" }
goal bought @web
ad -> queue 60%
ad -> app 40%
queue -> bought 50%
app -> bought 50%
"""


def test_the_emotion_curve_follows_the_most_probable_path() -> None:
    r = analyze(FEELINGS)
    # ad → queue → bought (0.3) beats ad → app → bought (0.2)
    assert [(p.node, p.score) for p in r.emotion.curve] == [
        ("ad", 1.0),
        ("queue", -2.0),
        ("bought", None),
    ]
    assert r.emotion.average == approx(-0.5)  # (+1 − 2) / 2 written emotions
    assert [p.node for p in r.emotion.lowest] == ["queue"]
    assert "Long queue" in r.emotion.pains[0]
    worst = goal(r, "bought").worst_emotion
    assert worst is not None and worst.path.nodes == ("ad", "queue", "bought")


def test_channel_switches_along_the_most_probable_path() -> None:
    switches = analyze(FEELINGS).switches
    assert switches.path == ("ad", "queue", "bought")
    assert [(s.from_channel, s.to_channel) for s in switches.switches] == [
        ("web", "store"),
        ("store", "web"),
    ]
    assert (switches.count, switches.online_offline) == (2, 2)


# --- properties over the examples -------------------------------------------------------------


def test_the_figures_of_every_example_are_consistent(example_reports: list[Report]) -> None:
    for r in example_reports:
        firsts = sum(g.first for g in r.goals)
        assert firsts == pytest.approx(r.conversion.probability, abs=1e-9), r.title
        ended = sum(n.drop_off for n in r.nodes)
        assert ended + r.conversion.stuck == pytest.approx(1.0, abs=1e-9), r.title
        assert 0 <= r.conversion.probability <= 1
        for n in r.nodes:
            assert 0 <= n.reach <= 1 + 1e-12
            if n.removal_effect is not None:
                assert 0 <= n.removal_effect <= 1 + 1e-12
        shares = [c.share for c in r.channels if c.share is not None]
        if shares and any(shares):
            assert math.fsum(shares) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def example_reports() -> list[Report]:
    from .conftest import EXAMPLES, load_journey

    return [analysis.analyze(load_journey(path)) for path in EXAMPLES]
