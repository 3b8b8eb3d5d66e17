"""Personas as segments: the figures for everyone are the share-weighted mixture of theirs.

Every expected figure is worked out by hand in the test (``Σ share · figure``, means
weighted by the customers they are means over).
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import jsonschema
import pytest

import cjdsl
from cjdsl import analysis, personas
from cjdsl.analysis import Report

DAY = 86400.0
SCHEMA = pathlib.Path(__file__).parents[1] / "docs" / "analysis-schema.json"

MIX = """\
persona a "A"{a}
persona b "B"{b}
entry touchpoint ad "Ad" {{ reach 1000 }}
goal buy "Buy"
ad -> buy 10% for a
ad -> buy 2% for b
"""


def journey(body: str) -> cjdsl.model.Journey:
    found = cjdsl.loads(f'journey "Test"\n{body}', raise_on_error=False).journey
    assert found is not None
    return found


def analyze(body: str, **options: object) -> Report:
    return analysis.analyze(journey(body), **options)  # type: ignore[arg-type]


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-12)


def mix(a: str = "", b: str = "") -> str:
    return MIX.format(a=f" {{ share {a} }}" if a else "", b=f" {{ share {b} }}" if b else "")


def test_everyone_is_the_mixture_never_the_sum() -> None:
    # the journey: 10% for a, 2% for b; today's sum said 12%
    equal = analyze(mix())
    assert equal.conversion.probability == approx(0.5 * 0.10 + 0.5 * 0.02)
    shared = analyze(mix(a="40%"))
    assert shared.conversion.probability == approx(0.4 * 0.10 + 0.6 * 0.02)
    assert shared.conversion.customers == approx(1000 * 0.052)
    low, high = (analyze(mix(a="40%"), persona=p).conversion.probability for p in "ba")
    assert low <= shared.conversion.probability <= high
    assert [(s.persona, s.share) for s in shared.segments] == [
        ("a", approx(0.4)),
        ("b", approx(0.6)),
    ]
    assert shared.segments[0].conversion.probability == approx(0.10)


def test_customer_counts_are_shares_too() -> None:
    # 3,000 and 1,000 customers: three quarters a
    result = analyze(mix(a="3000", b="1000"))
    assert result.conversion.probability == approx(0.75 * 0.10 + 0.25 * 0.02)


def test_personas_without_a_share_split_what_is_left() -> None:
    j = journey('persona a "A" { share 40% }\npersona b\npersona c\nentry touchpoint t\ngoal g\n')
    assert [f for _, f in personas.shares(j).fractions] == [approx(0.4), approx(0.3), approx(0.3)]


def test_shares_that_are_no_parts_of_one_audience_are_refused() -> None:
    over = cjdsl.loads(f'journey "T"\n{mix(a="70%", b="40%")}', raise_on_error=False)
    (found,) = [d for d in over.diagnostics if d.code.id == "CJ306"]
    assert "add up to 110%" in found.message and "`a` 70%, `b` 40%" in found.message
    with pytest.raises(ValueError, match=r"add up to 110% .*\(CJ306\)"):
        analyze(mix(a="70%", b="40%"))
    mixed = cjdsl.loads(f'journey "T"\n{mix(a="70%", b="400")}', raise_on_error=False)
    assert [d.code.id for d in mixed.diagnostics if d.code.id.startswith("CJ30")] == ["CJ306"]
    assert "customer count" in next(d.message for d in mixed.diagnostics if d.code.id == "CJ306")
    short = cjdsl.loads(f'journey "T"\n{mix(a="30%", b="40%")}', raise_on_error=False)
    assert [d.code.id for d in short.diagnostics if d.code.id.startswith("CJ30")] == ["CJ307"]
    # scaled up, and said so: 3/7 and 4/7
    result = analyze(mix(a="30%", b="40%"))
    assert result.conversion.probability == approx((0.3 * 0.10 + 0.4 * 0.02) / 0.7)


def test_a_journey_without_personas_is_one_segment() -> None:
    result = analyze("entry touchpoint a\ngoal g\na -> g 40%\n")
    assert result.conversion.probability == approx(0.4) and result.segments == ()


ENTRIES = """\
persona a "A" { share 25% }
persona b "B"
entry touchpoint web "Web" for a { reach 100 }
entry touchpoint shop "Shop" for b { reach 300 }
touchpoint talk "Talk"
goal buy "Buy"
web -> buy 40%
web -> talk 20%
shop -> talk 50%
talk -> buy 50% after 2d
web -> buy 0% after 1d
"""


def test_entries_for_one_persona_send_their_customers_to_it_only() -> None:
    result = analyze(ENTRIES)
    a = 0.4 + 0.2 * 0.5  # web, then talk
    b = 0.5 * 0.5  # shop, then talk
    assert result.conversion.probability == approx(0.25 * a + 0.75 * b)
    web, shop = result.entries
    assert (web.id, web.weight, web.conversion) == ("web", approx(0.25), approx(a))
    assert (shop.id, shop.weight, shop.conversion) == ("shop", approx(0.75), approx(b))
    assert result.conversion.entering == approx(400)
    # the persona's view is what it was: its entries only
    assert analyze(ENTRIES, persona="a").conversion.probability == approx(a)


def test_means_are_weighted_by_the_customers_they_are_means_over() -> None:
    result = analyze(ENTRIES)
    a, b = 0.5, 0.25
    # a: 0.4 convert in 1 step, 0.1 in 2 steps (2 d); b: all of 0.25 in 2 steps (2 d)
    steps_a, steps_b = (0.4 * 1 + 0.1 * 2) / a, 2.0
    time_a, time_b = 0.1 * 2 * DAY / a, 2 * DAY
    mass_a, mass_b = 0.25 * a, 0.75 * b
    assert result.conversion.steps == approx(
        (mass_a * steps_a + mass_b * steps_b) / (mass_a + mass_b)
    )
    assert result.conversion.time == approx((mass_a * time_a + mass_b * time_b) / (mass_a + mass_b))


def test_reach_visits_funnel_and_removal_effects_mix() -> None:
    result = analyze(ENTRIES)
    talk = result.node("talk")
    assert talk is not None
    assert talk.reach == approx(0.25 * 0.2 + 0.75 * 0.5)
    assert talk.visits == approx(0.25 * 0.2 + 0.75 * 0.5)
    # the removal effect for everyone is the drop of everyone's conversion
    conversion = result.conversion.probability
    without = analysis.analyze(journey(ENTRIES), without=["talk"]).conversion.probability
    assert talk.removal_effect == approx(1 - without / conversion)
    assert without == approx(0.25 * 0.4)


PATHS = """\
persona a "A"
persona b "B"
entry touchpoint s
touchpoint p
touchpoint x
touchpoint q
goal g
s -> p 50% for a
s -> x 40%
s -> q 50% for b
p -> g
x -> g
q -> g
"""


def test_paths_carry_the_probability_for_everyone() -> None:
    # a: s-p-g 50%, s-x-g 40%; b: s-q-g 50%, s-x-g 40%. For everyone s-x-g is 40%, the
    # others 25%: the best for everyone is neither persona's best
    result = analyze(PATHS, top=2)
    top = [(p.nodes, p.probability) for p in result.top_paths.paths]
    assert top[0] == (("s", "x", "g"), approx(0.4))
    assert top[1][1] == approx(0.25)
    assert result.top_paths.complete
    (g,) = result.goals
    assert g.most_probable is not None and g.most_probable.nodes == ("s", "x", "g")
    assert g.shortest is not None and g.shortest.nodes == ("s", "x", "g")


def test_over_100_percent_for_one_persona_names_it() -> None:
    body = (
        'persona a "A"\npersona b "B"\nentry touchpoint t\ngoal g\nexit x\n'
        "t -> g 60%\nt -> x 50% for a\n"
    )
    found = cjdsl.loads(f'journey "T"\n{body}', raise_on_error=False).diagnostics
    (over,) = [d for d in found if d.code.id == "CJ302"]
    assert "for `a`" in over.message and "110%" in over.message
    result = analyze(body)
    assert any(n.startswith("for `a`: the probabilities leaving `t`") for n in result.notes)
    assert not any(n.startswith("for `b`") for n in result.notes)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cjdsl", "analyze", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_by_persona_shows_every_persona_and_everyone_side_by_side(
    tmp_path: pathlib.Path,
) -> None:
    path = tmp_path / "mix.journey"
    path.write_text(f'journey "Mix"\n{mix(a="40%")}', encoding="utf-8")
    text = cli(str(path), "--by-persona")
    assert text.returncode == 0, text.stderr
    rows = {line.split()[0]: line.split()[1:] for line in text.stdout.splitlines()[3:] if line}
    assert rows["figure"] == ["A", "B", "everyone"]
    assert rows["share"] == ["40.0%", "60.0%", "100%"]
    assert rows["conversion"] == ["10.0%", "2%", "5.2%"]
    assert rows["customers"] == ["40", "12", "52"]  # their parts of the 1,000 add up
    markdown = cli(str(path), "--by-persona", "--format", "markdown")
    assert "| conversion | 10.0% | 2% | 5.2% |" in markdown.stdout
    data = json.loads(cli(str(path), "--by-persona", "--format", "json").stdout)
    assert [(s["persona"], s["share"]) for s in data["segments"]] == [("a", 0.4), ("b", 0.6)]
    assert data["conversion"]["probability"] == pytest.approx(0.052)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_personas_who_meet_the_same_share_one_analysis() -> None:
    # a and c meet the same (no `for` names either differently): one group, one analysis
    j = journey(
        'persona a "A"\npersona b "B"\npersona c "C"\nentry touchpoint t\ngoal g\n'
        "t -> g 10%\nt -> g 30% for b\n"
    )
    groups = [[p.id for p in group] for group, _ in personas.alike(j)]
    assert groups == [["a", "c"], ["b"]]
    (_, shared), (_, own) = personas.alike(j)
    assert [t.probability.value for t in shared if t.probability] == [approx(0.1)]
    assert len(own) == 2
    result = analysis.analyze(j)
    assert result.conversion.probability == approx((0.1 + 0.4 + 0.1) / 3)
    assert [s.conversion.probability for s in result.segments] == [
        approx(0.1),
        approx(0.4),
        approx(0.1),
    ]


RATES = """\
persona a "A" { share 25% }
persona b "B"
stage x "X" {
  entry touchpoint s
  touchpoint m
}
stage y "Y" {
  goal g
}
s -> m 40% for a
s -> m 80% for b
m -> g 50% for a
m -> g 10% for b
"""


def test_who_converts_from_a_touchpoint_and_who_ends_there() -> None:
    a = analyze(RATES, persona="a").node("m")
    assert a is not None and a.converts_from == approx(0.5) and a.ends_rate == approx(0.5)
    m = analyze(RATES).node("m")
    assert m is not None
    # of everyone at m: 25% × 40% from a (half convert), 75% × 80% from b (a tenth convert)
    there_a, there_b = 0.25 * 0.4, 0.75 * 0.8
    assert m.converts_from == approx((there_a * 0.5 + there_b * 0.1) / (there_a + there_b))
    # journeys that end at m, of those who reach it: 25% × 0.2 + 75% × 0.72 of 0.7
    assert m.ends_rate == approx((0.25 * 0.4 * 0.5 + 0.75 * 0.8 * 0.9) / (there_a + there_b))
    g = analyze(RATES).node("g")
    assert g is not None and g.converts_from == approx(1.0)
    stage = analyze(RATES).stages[0]
    ends = 0.25 * (0.6 + 0.2) + 0.75 * (0.2 + 0.72)  # at s and at m
    assert stage.ends_rate == approx(ends)
    data = json.loads(analysis.to_json(analyze(RATES)))
    assert data["stages"][0]["ends_rate"] == pytest.approx(ends)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
