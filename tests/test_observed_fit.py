"""``cjdsl fit``: fitted numbers are the maximum-likelihood chain (its conversion is the
observed rate, its expected touches the mean journey length), ``--write`` changes only
numbers, and the conformance report says where design and data differ."""

from __future__ import annotations

import json
import pathlib

import pytest
from click.testing import CliRunner

import cjdsl
from cjdsl import analysis, observed
from cjdsl.cli import cli
from cjdsl.observed import conformance, discovery, fitting

from .observed_reference import generate, write

JOURNEY = """\
journey "Laden"  # hand-written design
persona b2c "Privat"
stage aw "Aufmerksamkeit" {
  entry touchpoint ad "Anzeige" { reach 100 }
  entry touchpoint web "Website" {
    reach 50  # a guess
  }
}
stage buy "Kauf" {
  touchpoint shop "Laden" { event "Filiale"; event "Hot*" }
  goal bought "Gekauft"
}
ad -> web 30% after 1h   # "after" in a comment stays
web -> shop 20%  "clicks through"
shop -> bought 40%
web -> bought
web -> ad 5% for b2c
"""


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("log")
    write(generate(users=300, seed=5), folder, "parquet", parts=2)
    return str(folder)


def fit_of(text: str, log: str) -> tuple[cjdsl.model.Journey, fitting.Fit]:
    journey = cjdsl.loads(text).journey
    assert journey is not None
    opened = observed.open_log(log, roles={"value": "revenue"})
    events = fitting.EventMap.of(journey)
    mapped, unmapped, total = fitting.map_events(opened, events)
    fitted = fitting.fit(
        journey,
        observed.counts(mapped),
        segments=observed.counts(mapped, by_segment=True),
        events=events,
        unmapped=unmapped,
        total_events=total,
    )
    return journey, fitted


def test_the_fitted_chain_converts_at_the_observed_rate(log: str) -> None:
    """On a journey with every observed move, the fitted P(conversion) is the share of
    journeys that convert and the expected touches are the mean journey length."""
    opened = observed.open_log(log, roles={"value": "revenue"})
    draft = discovery.discover(observed.counts(opened))
    journey, fitted = fit_of(draft.text, log)
    cut = observed.touches(opened).to_pyarrow().to_pylist()
    journeys = {(r["user"], r["journey"]) for r in cut}
    converted = {(r["user"], r["journey"]) for r in cut if r["converted"]}
    assert (fitted.journeys, fitted.converted) == (len(journeys), len(converted))
    report = analysis.analyze(journey, numbers=fitted.numbers, time_limit=None)
    assert report.conversion.probability == pytest.approx(len(converted) / len(journeys), 1e-9)
    touches = sum(n.visits or 0 for n in report.nodes if n.kind == "touchpoint")
    assert touches == pytest.approx(len(cut) / len(journeys), 1e-9)  # expected steps − 1


def test_write_changes_only_the_numbers(log: str, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "laden.journey"
    path.write_text(JOURNEY, "utf-8")
    result = CliRunner().invoke(
        cli, ["fit", str(path), log, "--value", "revenue", "--write", "--report", "-"]
    )
    assert result.exit_code == 0, result.output
    new = path.read_text("utf-8")
    changed = [
        (a, b) for a, b in zip(JOURNEY.splitlines(), new.splitlines(), strict=True) if a != b
    ]
    _, fitted = fit_of(JOURNEY, log)
    p = fitted.numbers.probabilities
    assert changed == [
        (
            '  entry touchpoint ad "Anzeige" { reach 100 }',
            f'  entry touchpoint ad "Anzeige" {{ reach {fitted.starts["ad"]} }}',
        ),
        ("    reach 50  # a guess", f"    reach {fitted.starts['web']}  # a guess"),
        (
            'ad -> web 30% after 1h   # "after" in a comment stays',
            f"ad -> web {rewrite_percent(p['ad', 'web'])} after "
            f"{discovery.duration(fitted.numbers.durations['ad', 'web'])}"
            '   # "after" in a comment stays',
        ),
        (
            'web -> shop 20%  "clicks through"',
            f"web -> shop {rewrite_percent(p['web', 'shop'])} after "
            f'{discovery.duration(fitted.numbers.durations["web", "shop"])}  "clicks through"',
        ),
        ("shop -> bought 40%", f"shop -> bought {rewrite_percent(p['shop', 'bought'])}"),
        ("web -> bought", f"web -> bought {rewrite_percent(p['web', 'bought'])}"),
        (
            "web -> ad 5% for b2c",
            f"web -> ad {rewrite_percent(fitted.personas['b2c'].probabilities['web', 'ad'])} after "
            f"{discovery.duration(fitted.personas['b2c'].durations['web', 'ad'])} for b2c",
        ),
    ]
    assert "Observed moves the design lacks" in result.output


def rewrite_percent(p: float) -> str:
    from cjdsl.observed.rewrite import percent

    return percent(p)


def test_the_report_lists_what_differs(log: str) -> None:
    journey, fitted = fit_of(JOURNEY + 'touchpoint nie "Nie besucht"\nnie -> bought 10%\n', log)
    found = conformance.check(journey, fitted)
    assert {name for name, _ in found.unmapped} == {"Newsletter", "Kündigung"}
    assert found.unvisited == ("nie",)
    assert [node for node, _ in found.starts] == ["shop"]  # Filiale and Hotline start journeys
    assert ("shop", "web") in {(e.source, e.target) for e in found.backward}
    assert ("web", "web") in {(e.source, e.target) for e in found.undesigned}
    shop = next(c for c in found.checks if (c.source, c.target) == ("shop", "bought"))
    assert shop.outside and shop.low <= shop.observed <= shop.high
    data = json.loads(conformance.render(found, "json"))
    assert data["counts"]["unvisited"] == 1 and data["unvisited"] == ["nie"]
    markdown = conformance.render(found, "markdown")
    assert "| shop -> bought | 40.0% |" in markdown
    assert conformance.failures(found, conformance.parse_fail_on(("unvisited=1",))) == []
    assert conformance.failures(found, conformance.parse_fail_on(("outside",)))


def test_wilson_matches_the_textbook() -> None:
    """Wilson (1927) / Newcombe (1998), case 1: 81 of 263 → 0.2553 – 0.3662."""
    low, high = conformance.wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_fail_on_exits_1_and_write_keeps_a_failing_file_intact(
    log: str, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "laden.journey"
    path.write_text(JOURNEY, "utf-8")
    result = CliRunner().invoke(cli, ["fit", str(path), log, "--fail-on", "unmapped=5%"])
    assert result.exit_code == 1
    assert "fail-on unmapped:" in result.output
    bad = CliRunner().invoke(cli, ["fit", str(path), log, "--fail-on", "wrong"])
    assert bad.exit_code == 2 and "one of undesigned" in bad.output
    assert path.read_text("utf-8") == JOURNEY


def test_analyze_and_render_take_the_fitted_numbers(log: str, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "laden.journey"
    path.write_text(JOURNEY, "utf-8")
    journey, fitted = fit_of(JOURNEY, log)
    want = analysis.analyze(journey, numbers=fitted.numbers, time_limit=None)
    result = CliRunner().invoke(cli, ["analyze", str(path), "--events", log, "--format", "json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)["conversion"]["probability"]
    designed = analysis.analyze(journey, time_limit=None).conversion.probability
    assert got == pytest.approx(want.conversion.probability) and got != designed
    svg = tmp_path / "laden.dot"
    result = CliRunner().invoke(
        cli, ["render", str(path), "--events", log, "-o", str(svg), "-f", "dot"]
    )
    assert result.exit_code == 0, result.output
    dot = svg.read_text("utf-8")
    [edge] = [line for line in dot.splitlines() if '"shop" -> "bought"' in line]
    assert f"<b>{rewrite_percent(fitted.numbers.probabilities['shop', 'bought'])}</b>" in edge
    assert path.read_text("utf-8") == JOURNEY


def test_o_writes_a_new_file_and_write_refuses_a_changed_one(
    log: str, tmp_path: pathlib.Path
) -> None:
    from cjdsl.cli.common import Fail
    from cjdsl.cli.fit import write_back

    path = tmp_path / "laden.journey"
    path.write_text(JOURNEY, "utf-8")
    table = tmp_path / "map.csv"
    table.write_text("event,touchpoint\nNews*,ad\n", "utf-8")
    out = tmp_path / "fitted.journey"
    result = CliRunner().invoke(
        cli, ["fit", str(path), log, "--map", str(table), "-o", str(out), "--report", "-"]
    )
    assert result.exit_code == 0, result.output
    assert path.read_text("utf-8") == JOURNEY and out.read_text("utf-8") != JOURNEY
    assert "Newsletter" not in result.output.split("map to no touchpoint")[1].split("\n\n")[1]
    path.write_text(JOURNEY + "# edited meanwhile\n", "utf-8")
    with pytest.raises(Fail, match="changed since it was read; nothing written"):
        write_back(str(path), JOURNEY.encode("utf-8"), 'journey "X"\n')
    assert path.read_text("utf-8").endswith("# edited meanwhile\n")


def test_duckdb_spills_where_it_is_told(log: str, tmp_path: pathlib.Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["discover", log, "--memory-limit", "200MB", "--temp-dir", str(tmp_path / "spill")],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith('journey "Discovered journey"')
    bad = CliRunner().invoke(cli, ["discover", log, "--memory-limit", "lots"])
    assert bad.exit_code == 2 and "cannot start DuckDB" in bad.output
