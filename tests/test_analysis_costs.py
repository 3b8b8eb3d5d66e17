"""Costs as written, what to fix first and the rates of those who reached, by hand."""

from __future__ import annotations

import pytest

import cjdsl
from cjdsl import analysis
from cjdsl.analysis import Report, tables

SHOP = """\
journey "Costs"
channel web "Web"
channel store "Store"
entry touchpoint ad "Ad" @web { reach 1000; cost 2000 EUR per month }
touchpoint shop "Shop" @store { cost 35 EUR per contact }
goal bought "Bought" { value 89 EUR }
touchpoint hotline "Hotline" @store { cost 5 EUR per contact }
ad -> shop 40%
shop -> shop 20%
shop -> bought 50%
bought -> hotline 60%
hotline -> hotline 50%
"""
# By hand: ad is visited once; shop 0.4 / (1 - 0.2) = 0.5 times; conversion 0.5 · 0.5 = 0.25.
# After the goal: hotline 0.25 · 0.6 / (1 - 0.5) = 0.3 times.
# Per customer entering: acquisition 2000 / 1000 + 35 · 0.5 = 19.5; service 5 · 0.3 = 1.5.
# Removal effects: ad 1, shop 1 (web and store each carry every conversion): shares ½ each,
# 0.125 conversions per customer credited to each.


def analyze(text: str) -> Report:
    journey = cjdsl.loads(text).journey
    assert journey is not None
    return analysis.analyze(journey)


def diagnostics(text: str, code: str) -> list[cjdsl.Diagnostic]:
    found = cjdsl.loads(text, raise_on_error=False).diagnostics
    return [d for d in found if d.code.id == code]


def channel(found: Report, id_: str) -> analysis.report.Channel:
    return next(c for c in found.channels if c.id == id_)


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9)


def test_costs_per_contact_are_times_the_visits_split_at_the_goal() -> None:
    costs = analyze(SHOP).costs
    assert costs is not None
    assert costs.currency == "EUR"
    assert costs.acquisition == approx(19.5 / 0.25)  # 78 EUR per conversion
    assert costs.service == approx(1.5 / 0.25)  # 6 EUR per conversion
    assert costs.value == approx(89.0)
    assert costs.return_on_spend == approx(0.25 * 89 / 21.0)
    assert costs.per_period == approx(21.0 * 1000)


def test_channels_and_touchpoints_carry_their_acquisition_cost_per_conversion() -> None:
    found = analyze(SHOP)
    web, store = channel(found, "web"), channel(found, "store")
    assert web.cost == approx(2000.0)
    assert web.cost_per_conversion == approx(2.0 / 0.125)
    assert store.cost == approx(17.5 * 1000)  # the hotline is service, not acquisition
    assert store.cost_per_conversion == approx(17.5 / 0.125)
    by_id = {n.id: n for n in found.nodes}
    assert by_id["ad"].cost_per_conversion == approx(16.0)
    assert by_id["shop"].cost_per_conversion == approx(140.0)
    assert by_id["hotline"].cost_per_conversion is None  # credited with no conversion


def test_a_budget_without_reach_has_no_cost_per_conversion_but_contacts_do() -> None:
    text = SHOP.replace("reach 1000; ", "")
    found = analyze(text)
    assert found.costs is not None
    assert found.costs.acquisition is None  # the month's budget needs the customers
    store = channel(found, "store")
    assert store.cost is None
    assert store.cost_per_conversion == approx(140.0)


def test_a_cost_without_basis_keeps_its_meaning_and_check_suggests_one() -> None:
    text = SHOP.replace("2000 EUR per month", "2000 EUR")
    assert analyze(text).costs == analyze(SHOP).costs
    found = diagnostics(text, "CJ308")
    assert [d.message for d in found] == ["cost of `ad` says no basis: read as a period's budget"]
    assert found[0].span.text == "cost 2000 EUR"
    assert "per contact" in (found[0].hint or "")


def test_different_currencies_are_an_error_naming_both_places() -> None:
    text = SHOP.replace("cost 5 EUR", "cost 5 USD")
    found = diagnostics(text, "CJ309")
    assert len(found) == 1
    assert found[0].message == "`hotline` is in USD, `ad` in EUR"
    assert found[0].span.text == "cost 5 USD per contact"
    assert [r.span.text for r in found[0].related] == ["cost 2000 EUR per month"]


def test_an_unknown_basis_is_refused_with_a_hint() -> None:
    bad = diagnostics(SHOP.replace("per contact }", "per contakt }", 1), "CJ107")
    assert bad and bad[0].hint == "did you mean `contact`?"


def test_the_basis_round_trips_through_dumps_and_fmt() -> None:
    journey = cjdsl.loads(SHOP).journey
    assert journey is not None
    again = cjdsl.loads(cjdsl.dumps(journey)).journey
    assert again is not None
    assert [n.cost for n in again.touchpoints] == [n.cost for n in journey.touchpoints]
    assert [n.value for n in again.touchpoints] == [n.value for n in journey.touchpoints]
    assert "cost 35 EUR per contact" in cjdsl.dumps(journey)


def test_the_table_shows_the_split_and_the_return() -> None:
    text = tables.text(analyze(SHOP))
    assert "Per conversion: acquisition 78.00 EUR, service and retention 6.00 EUR" in text
    assert "Value per conversion: 89.00 EUR; return on spend: 1.06×" in text


# --- what to fix first -------------------------------------------------------------------

FUNNEL = """\
journey "Fix"
entry touchpoint ad "Ad"
touchpoint cart "Cart"
goal order "Order"
ad -> cart 40%
ad -> ad 20%
cart -> order 25%
cart -> ad 10%
"""


def _with(text: str, old: str, new: str) -> float:
    return analyze(text.replace(old, new)).conversion.probability


@pytest.mark.parametrize(
    ("edge", "line"),
    [(("cart", "order"), "cart -> order 25%"), (("ad", "cart"), "ad -> cart 40%")],
)
def test_sensitivities_equal_finite_differences(edge: tuple[str, str], line: str) -> None:
    found = analyze(FUNNEL)
    effect = next(x.effect for x in found.sensitivities if (x.source, x.target) == edge)
    written = float(line.rsplit(" ", 1)[1].rstrip("%")) / 100
    step = 1e-4
    head = line.rsplit(" ", 1)[0]
    up = _with(FUNNEL, line, f"{head} {100 * (written + step):.6f}%")
    down = _with(FUNNEL, line, f"{head} {100 * (written - step):.6f}%")
    assert effect == pytest.approx((up - down) / (2 * step), rel=1e-6)


def test_sensitivity_by_hand_and_ranked() -> None:
    # h(cart) = 0.25 + 0.1·h(ad); h(ad) = 0.4·h(cart) + 0.2·h(ad) → h(ad) = 0.1/0.76,
    # visits: v(ad) = 1 + 0.2 v(ad) + 0.1 v(cart), v(cart) = 0.4 v(ad) → v(ad) = 1/0.76.
    found = analyze(FUNNEL)
    h_ad = 0.1 / 0.76
    v_ad, v_cart = 1 / 0.76, 0.4 / 0.76
    by_edge = {(x.source, x.target): x.effect for x in found.sensitivities}
    assert by_edge["cart", "order"] == approx(v_cart * 1.0)
    assert by_edge["ad", "cart"] == approx(v_ad * (0.25 + 0.1 * h_ad))
    assert by_edge["ad", "ad"] == approx(v_ad * h_ad)
    effects = [x.effect for x in found.sensitivities]
    assert effects == sorted(effects, reverse=True)
    text = tables.text(found)
    assert "+1 pp on `ad -> cart` (now 40.0%) adds 0.35 pp conversion" in text


def test_for_everyone_a_persona_s_transition_moves_its_share() -> None:
    text = """\
journey "Mix"
persona a "A" { share 25% }
persona b "B"
entry touchpoint ad "Ad"
goal buy "Buy"
ad -> buy 10% for a
ad -> buy 2% for b
"""
    found = analyze(text)
    by_edge = {(x.source, x.target): x for x in found.sensitivities}
    assert by_edge["ad", "buy"].effect == approx(1.0)  # 25% · 1 + 75% · 1


# --- of those who reached ----------------------------------------------------------------


def test_stage_to_stage_and_drop_off_of_those_who_reached() -> None:
    text = """\
journey "Stages"
stage see "See" {
  entry touchpoint ad "Ad"
}
stage try "Try" {
  touchpoint shop "Shop"
}
stage buy "Buy" {
  goal bought "Bought"
}
ad -> shop 40%
shop -> bought 25%
"""
    # reach 100%, 40%, 10%: 40% of `see` get to `try`, 25% of those to `buy`; 60% of all end
    # in `see` (60% of those there), 30% in `try`: 75% of the 40% there.
    rows: dict[str, list[str]] = {}
    for line in tables.text(analyze(text)).splitlines():  # the funnel's and the nodes' rows
        cells = line.split()
        if cells[:1] and (cells[0] in ("see", "try", "buy") or cells[1:2] == ["touchpoint"]):
            rows.setdefault(line.split()[0], line.split()[1:])
    assert rows["see"][:4] == ["100%", "–", "60.0%", "60.0%"]
    assert rows["try"][:4] == ["40.0%", "40.0%", "30.0%", "75.0%"]
    assert rows["buy"][:2] == ["10.0%", "25.0%"]
    assert rows["shop"][-2:] == ["75.0%", "25.0%"]  # ends there of those reached; converts
    assert rows["ad"][-2:] == ["60.0%", "10.0%"]


def test_the_journey_map_highlights_what_to_fix_first() -> None:
    html = cjdsl.journey_map(cjdsl.loads(FUNNEL)).html
    tile = html.split('cjm-stat-fix"', 1)[1].split("</div></div>", 1)[0]
    assert "What to fix first" in tile
    assert "Cart → Order" in tile
    assert "+1 pp here adds 0.53 pp conversion (now 25%)" in tile


def test_the_json_export_carries_the_basis_and_the_value() -> None:
    from cjdsl.rendering.exporters import json as json_export

    journey = cjdsl.loads(SHOP).journey
    assert journey is not None
    nodes = {n["id"]: n for n in json_export.to_data(journey)["touchpoints"]}
    assert nodes["shop"]["cost"]["basis"] == "contact"
    assert nodes["ad"]["cost"]["basis"] == "month"
    assert nodes["bought"]["value"] == {"amount": 89.0, "currency": "EUR", "text": "89 EUR"}


# --- time to convert as a distribution --------------------------------------------------

TIMED = """\
journey "Timed"
entry touchpoint ad "Ad"
touchpoint shop "Shop"
goal order "Order"
ad -> order 30% after 1d
ad -> shop 60% after 2d
shop -> order 50% after 3d
shop -> shop 30% after 1d
"""
# By hand: 0.3 convert at 1 d; from shop (0.6 at 2 d) 0.5 each round after k ≥ 0 loops of
# 1 d: 0.6 · 0.3ᵏ · 0.5 at 5 + k days. P = 0.3 + 0.3 / 0.7 = 0.7286. Of the converters:
# 0.412 at 1 d, 0.412 more at 5 d (0.824 cumulative: the median is 5 d), 0.124 at 6 d
# (0.947: the 90th percentile is 6 d).


def test_the_median_and_90th_percentile_of_the_time_to_convert_are_exact() -> None:
    found = analyze(TIMED).conversion
    day = 86400.0
    assert found.probability == approx(0.3 + 0.3 / 0.7)
    assert found.time_median == approx(5 * day)
    assert found.time_p90 == approx(6 * day)


def test_for_everyone_the_distributions_mix_not_the_quantiles() -> None:
    text = """\
journey "Two"
persona fast "Fast"
persona slow "Slow"
entry touchpoint ad "Ad"
goal order "Order"
ad -> order 90% after 1d for fast
ad -> order 10% after 10d for slow
"""
    # 0.45 convert at 1 d, 0.05 at 10 d: the 90th percentile of the 0.5 converters is 10 d
    # (0.45 / 0.5 = 0.9 exactly at 1 d: the least time with 90% is 1 d).
    found = analyze(text).conversion
    assert found.time_median == approx(86400.0)
    assert found.time_p90 == approx(86400.0)
    slow = text.replace("90% after 1d", "80% after 1d")
    assert analyze(slow).conversion.time_p90 == approx(10 * 86400.0)  # 0.4 / 0.45 < 0.9
