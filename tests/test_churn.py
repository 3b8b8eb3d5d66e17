"""Exits that say what kind of loss they are (`loss churn`), and the churn figures."""

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

TARIFF = """\
journey "Tarif"
stage vertrag "Vertrag" {
  entry touchpoint shop "Shop" { reach 1000 }
  goal abschluss "Vertrag abgeschlossen"
}
stage betreuung "Betreuung" {
  touchpoint hotline "Hotline"
  touchpoint kuendigung "Kündigungswunsch" { tags cancellation }
  touchpoint angebot "Halteangebot"
  exit weg "Kunde verloren" { loss churn }
  exit abbruch "Abgebrochen" { loss abandon }
}
shop -> abschluss 40%
shop -> abbruch 60%
abschluss -> hotline 50%
abschluss -> kuendigung 20%
hotline -> kuendigung 30%
kuendigung -> angebot 50%
kuendigung -> weg 50%
angebot -> abschluss 60%
angebot -> weg 40%
"""


def test_an_exit_says_its_kind_of_loss_and_dumps_keeps_it() -> None:
    doc = cjdsl.loads(TARIFF)
    assert doc.journey is not None and doc.ok
    losses = {t.id: t.loss for t in doc.journey.touchpoints}
    assert (losses["weg"], losses["abbruch"], losses["hotline"]) == ("churn", "abandon", None)
    text = cjdsl.dumps(doc.journey)
    assert 'exit weg "Kunde verloren" { loss churn }' in text
    again = cjdsl.loads(text).journey
    assert again is not None and again.touchpoint("weg").loss == "churn"  # type: ignore[union-attr]


def test_an_unknown_kind_of_loss_says_the_nearest() -> None:
    doc = cjdsl.loads(TARIFF.replace("loss churn", "loss churned"), raise_on_error=False)
    found = [d for d in doc.diagnostics if d.code.id == "CJ116"]
    assert len(found) == 1
    assert (
        found[0].message == "`loss` expects one of abandon, churn, return, complaint, not `churned`"
    )
    assert found[0].hint == "did you mean `churn`?"
    assert found[0].span.line == 10


def test_only_an_exit_is_a_loss() -> None:
    text = TARIFF.replace("{ tags cancellation }", "{ tags cancellation; loss churn }")
    doc = cjdsl.loads(text, raise_on_error=False)
    assert [d.message for d in doc.diagnostics if d.code.id == "CJ116"] == [
        "only an exit is a loss, not a touchpoint"
    ]


def analyzed(text: str, **options: object) -> analysis.Report:
    doc = cjdsl.loads(text)
    assert doc.journey is not None
    return analysis.analyze(doc.journey, **options)  # type: ignore[arg-type]


def test_churn_rate_win_back_and_repurchases_by_hand() -> None:
    c = analyzed(TARIFF).churn
    assert c is not None and c.exits == ("weg",)
    # churn from the request k, the offer o, the hotline h and the contract a:
    # k = .5 + .5·o, o = .6·a + .4, h = .3·k, a = .5·h + .2·k = .35·k  →  k = .7 / .895
    k = 0.7 / 0.895
    assert c.rate == pytest.approx(0.35 * k)
    assert [s.stage for s in c.stages] == ["betreuung"]
    assert c.stages[0].rate == pytest.approx(0.35 * k)
    # of those who ask to cancel (40% × (20% + 50% × 30%)), 50% × 60% take the offer and sign
    assert c.requests == ("kuendigung",)
    assert c.request_reach == pytest.approx(0.4 * 0.35)
    assert c.win_back == pytest.approx(0.3)
    # back to the contract through the offer: .35 × .5 × .6 each time, a geometric count
    assert c.repurchases == pytest.approx(0.105 / (1 - 0.105))
    by_id = {n.id: n for n in c.touchpoints}
    assert by_id["kuendigung"].effect == pytest.approx(1.0)  # every churner asks first
    assert by_id["kuendigung"].churns_from == pytest.approx(k)
    assert by_id["hotline"].reach == pytest.approx(0.5 / (1 - 0.06))
    assert c.touchpoints[0].id == "kuendigung"


def test_lifetime_is_the_time_from_the_goal_to_churn() -> None:
    text = """\
journey "Abo"
entry touchpoint shop { reach 100 }
goal abo "Abo"
touchpoint kuendigung
exit weg { loss churn }
shop -> abo 50%
abo -> kuendigung 40% after 30d
kuendigung -> weg 100% after 2d
"""
    c = analyzed(text).churn
    assert c is not None
    assert c.rate == pytest.approx(0.4)
    assert c.lifetime == pytest.approx(32 * 86400)
    assert c.win_back is None and c.repurchases == 0.0


def test_no_churn_exit_no_churn_figures() -> None:
    assert analyzed(TARIFF.replace("loss churn", "loss return")).churn is None


def test_churn_for_everyone_is_weighted_by_the_converted_customers() -> None:
    text = """\
journey "Mix"
persona a "A" { share 50% }
persona b "B" { share 50% }
entry touchpoint shop { reach 100 }
goal abo "Abo"
exit weg { loss churn }
shop -> abo 80% for a
shop -> abo 20% for b
abo -> weg 10% for a
abo -> weg 60% for b
"""
    c = analyzed(text).churn
    assert c is not None
    # converted: .5·.8 = .4 of a, .5·.2 = .1 of b; churn .1 and .6
    assert c.rate == pytest.approx((0.4 * 0.1 + 0.1 * 0.6) / 0.5)
    alone = analyzed(text, persona="b").churn
    assert alone is not None and alone.rate == pytest.approx(0.6)


def test_churn_toward_a_goal_and_in_the_report(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "tarif.journey"
    source.write_text(TARIFF, encoding="utf-8")
    run = [sys.executable, "-m", "cjdsl", "analyze", str(source)]
    text = subprocess.run(run, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "Of the customers who reach a goal, 27.4% leave at a churn exit (`weg`)." in text
    assert "Of those who ask to cancel (`kuendigung`, 14.0% of customers), 30.0% reach" in text
    german = subprocess.run(
        [*run, "--lang", "de"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert "Abwanderung" in german
    out = subprocess.run(
        [*run, "--format", "json"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    data = json.loads(out)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["churn"]["rate"] == pytest.approx(0.35 * 0.7 / 0.895)


def test_highlight_churn_marks_the_exits_and_what_churners_pass() -> None:
    from cjdsl.rendering import overlay

    result = analyzed(TARIFF)
    shown = overlay.from_report(result, "churn")
    assert shown.caption == ("Churn: 27.4% of the customers who reach a goal leave at a churn exit")
    assert {"weg", "kuendigung", "hotline", "angebot"} <= shown.nodes
    assert shown.heat_of("kuendigung") == (1.0, "▼ 100.0% of churners pass here")
    none = overlay.from_report(analyzed(TARIFF.replace("loss churn", "loss return")), "churn")
    assert none.nodes == frozenset() and "no exit says `loss churn`" in none.caption


def test_the_journey_map_shows_churn_when_exits_say_churn() -> None:
    html = cjdsl.journey_map(cjdsl.loads(TARIFF)).html
    assert '<div class="cjm-stat cjm-stat-churn">' in html
    assert "30% won back after a cancellation request" in html
    plain = cjdsl.journey_map(cjdsl.loads(TARIFF.replace("loss churn", "loss return"))).html
    assert "cjm-stat-churn" not in plain
