"""`--goal` and `--from`: every figure toward one goal, of the customers who got somewhere.

The figures are checked against hand computations on small journeys (the walk in
tests/test_analysis_simulation.py checks the same on bigger ones).
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import jsonschema
import pytest

import cjdsl
from cjdsl import analysis

SCHEMA = pathlib.Path(__file__).parents[1] / "docs" / "analysis-schema.json"

CONTRACT = """\
journey "Vertrag"
stage buy "Kauf" {
  entry touchpoint ad "Anzeige" { reach 1000 }
  touchpoint shop "Shop"
  goal prepaid "Prepaid"
  goal contract "Vertrag"
}
stage care "Betreuung" {
  touchpoint hotline "Hotline"
  exit lost "Kunde verloren"
}
ad -> shop 50% after 1d
shop -> prepaid 20%
shop -> contract 30% after 2d
prepaid -> contract 25% after 10d
contract -> hotline 40%
hotline -> lost 50%
hotline -> contract 30%
"""

SEGMENTS = """\
journey "Mix"
persona a "A" { share 50% }
persona b "B" { share 50% }
stage s "S" {
  entry touchpoint ad "Ad" { reach 1000 }
  touchpoint shop "Shop"
  goal buy "Buy"
}
ad -> shop 80% for a
ad -> shop 20% for b
shop -> buy 50% for a
shop -> buy 10% for b
"""


def journey(text: str) -> cjdsl.model.Journey:
    doc = cjdsl.loads(text)
    assert doc.journey is not None, doc.diagnostics
    return doc.journey


def test_toward_a_later_goal_the_earlier_one_is_passed_through() -> None:
    first = analysis.analyze(journey(CONTRACT))
    assert first.conversion.probability == pytest.approx(0.5 * (0.2 + 0.3))
    later = analysis.analyze(journey(CONTRACT), goal="contract")
    # straight from the shop, or through prepaid (which converts no longer)
    assert later.conversion.probability == pytest.approx(0.5 * (0.3 + 0.2 * 0.25))
    assert later.toward == "contract" and later.start is None and later.start_reach is None
    assert [g.id for g in later.goals] == ["contract"]
    # steps: 2 with probability .15, 3 with .025; time 1d+2d or 1d+10d
    assert later.conversion.steps == pytest.approx((0.15 * 2 + 0.025 * 3) / 0.175)
    day = 86400
    assert later.conversion.time == pytest.approx((0.15 * 3 * day + 0.025 * 11 * day) / 0.175)
    # prepaid is passed through: customers who end there are lost for the contract
    assert later.conversion.lost == pytest.approx(1 - 0.175)
    shop = later.node("shop")
    assert shop is not None and shop.removal_effect == pytest.approx(1.0)
    assert later.top_paths.paths[0].nodes == ("ad", "shop", "contract")
    assert later.top_paths.paths[1].nodes == ("ad", "shop", "prepaid", "contract")
    assert set(later.moments) == {"ad", "shop"}


def test_from_a_node_counts_those_who_get_there_from_there() -> None:
    result = analysis.analyze(journey(CONTRACT), start="shop")
    assert result.start_reach == pytest.approx(0.5)
    assert result.conversion.probability == pytest.approx(0.5)
    assert result.conversion.entering == pytest.approx(500)
    assert result.conversion.customers == pytest.approx(250)
    assert [(e.id, e.weight) for e in result.entries] == [("shop", 1.0)]
    ad = result.node("ad")
    assert ad is not None and ad.reach == 0.0


def test_from_a_stage_starts_where_customers_first_get_into_it() -> None:
    # into care only through the hotline, after the contract: 17.5% × 40%
    result = analysis.analyze(journey(CONTRACT), start="care", goal="contract")
    assert result.start_reach == pytest.approx(0.175 * 0.4)
    assert result.conversion.probability == pytest.approx(0.3)  # won back to the contract
    # from the goal itself: converted at once
    assert analysis.analyze(journey(CONTRACT), start="contract").conversion.probability == 1.0


def test_from_a_node_mixes_the_personas_by_who_gets_there() -> None:
    # a: 50% × 80% get to the shop, b: 50% × 20%: 80/20 of those there; .8×.5 + .2×.1
    result = analysis.analyze(journey(SEGMENTS), start="shop")
    assert result.start_reach == pytest.approx(0.5)
    assert result.conversion.probability == pytest.approx(0.8 * 0.5 + 0.2 * 0.1)
    everyone = analysis.analyze(journey(SEGMENTS))
    assert everyone.conversion.probability == pytest.approx(0.5 * 0.4 + 0.5 * 0.02)
    assert [s.share for s in result.segments] == pytest.approx([0.8, 0.2])
    alone = analysis.analyze(journey(SEGMENTS), start="shop", persona="b")
    assert alone.start_reach == pytest.approx(0.2)
    assert alone.conversion.probability == pytest.approx(0.1)


def test_nobody_getting_there_is_said_not_divided_by() -> None:
    text = CONTRACT.replace("ad -> shop 50% after 1d", "ad -> shop 0%")
    result = analysis.analyze(journey(text), start="hotline")
    assert result.start_reach == 0.0
    assert result.conversion.probability == 0.0
    assert any("nobody reaches `hotline`" in note for note in result.notes)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"goal": "shop"}, "`shop` is no goal of the journey; goals: `prepaid`, `contract`"),
        ({"start": "nowhere"}, "`nowhere` is no node or stage"),
    ],
)
def test_unknown_ids_are_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        analysis.analyze(journey(CONTRACT), **options)  # type: ignore[arg-type]


def test_the_cli_says_toward_and_from_and_the_json_is_valid(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "vertrag.journey"
    source.write_text(CONTRACT, encoding="utf-8")
    run = [sys.executable, "-m", "cjdsl", "analyze", str(source), "--goal", "contract"]
    text = subprocess.run(
        [*run, "--from", "shop"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert "Toward `contract`: only reaching it counts as converting" in text
    assert "Of the customers who reach `shop` (50.0% of those who enter), from there." in text
    assert "Conversion: 35.0% of customers reach a goal (175 of 500)." in text
    german = subprocess.run(
        [*run, "--lang", "de"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert "Auf `contract` hin" in german
    out = subprocess.run(
        [*run, "--from", "care", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    data = json.loads(out)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert (data["toward"], data["start"]) == ("contract", "care")
    assert data["start_reach"] == pytest.approx(0.07)
    refused = subprocess.run(
        [*run[:-1], "nope"], capture_output=True, text=True, timeout=60, check=False
    )
    assert refused.returncode == 2
    assert "`nope` is no goal of the journey" in refused.stderr
    assert "Traceback" not in refused.stderr
