"""Exits that say what kind of loss they are (`loss churn`), and the churn figures."""

from __future__ import annotations

import cjdsl

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
