"""Scenarios: the syntax, what applying one does, the semantic diff, and the CLI around them."""

from __future__ import annotations

import json
import pathlib
import re
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

import cjdsl
from cjdsl import analysis, codes, diffing, model, scenarios
from cjdsl.cli import cli
from cjdsl.diffing import formats, thresholds
from cjdsl.language import formatting

from .conftest import CASES, ROOT, Golden
from .strategies import journeys

CASE = CASES / "scenarios" / "click_collect.journey"
BASE = 'journey "J"\nentry touchpoint a { emotion -1; pain "slow" }\ntouchpoint b\ngoal g\nexit x\n'
BASE += "a -> b 60%\na -> x 40%\nb -> g\n"


def load(text: str) -> cjdsl.Document:
    return cjdsl.loads(text, raise_on_error=False)


def applied(scenario: str) -> tuple[model.Journey, tuple[cjdsl.Diagnostic, ...]]:
    journey = load(BASE + f"scenario s {{\n{scenario}\n}}\n").journey
    assert journey is not None
    return scenarios.apply(journey, journey.scenarios[0])


def edges(journey: model.Journey) -> list[tuple[str, str, str | None]]:
    return [
        (t.source, t.target, t.probability.text if t.probability else None)
        for t in journey.transitions
    ]


# -- syntax --------------------------------------------------------------------------------


def test_a_scenario_is_read_into_the_model() -> None:
    journey = cjdsl.load(CASE).journey
    assert journey is not None
    assert [s.id for s in journey.scenarios] == ["click_collect", "leer"]
    s = journey.scenarios[0]
    assert s.label == "Mit Click & Collect" and s.description.startswith("Abholung")  # type: ignore[union-attr]
    assert [t.id for t in s.touchpoints] == ["abholung"] and s.touchpoints[0].stage == "kauf"
    assert [(c.id, [r.id for r in c.removed]) for c in s.changes] == [("warenkorb", ["pain"])]
    assert [(r.id, r.target) for r in s.removals] == [("zahlung", None)]
    assert len(s.transitions) == 4
    assert [t.id for t in journey.touchpoints] == [  # the as-is is untouched
        "anzeige",
        "produkt",
        "warenkorb",
        "zahlung",
        "gekauft",
        "abbruch",
    ]


def test_format_keeps_a_scenario_and_is_stable(golden: Golden) -> None:
    text = CASE.read_text("utf-8")
    messy = text.replace(
        "  change warenkorb { emotion +1; remove pain }",
        "change warenkorb {emotion +1\nremove pain}",
    )
    out = formatting.format_text(messy)
    assert out is not None and formatting.format_text(out) == out
    golden(CASE.with_suffix(".fmt.journey"), out)
    assert model.meaning(load(out).journey) == model.meaning(load(text).journey)


def test_dumps_writes_scenarios_back(golden: Golden) -> None:
    journey = cjdsl.load(CASE).journey
    assert journey is not None
    text = cjdsl.dumps(journey)
    golden(CASE.with_suffix(".dumps.journey"), text)
    again = cjdsl.loads(text).journey
    assert model.meaning(again) == model.meaning(journey)


# -- applying ------------------------------------------------------------------------------


def test_remove_a_node_drops_its_transitions() -> None:
    journey, found = applied("remove b")
    assert found == ()
    assert [t.id for t in journey.touchpoints] == ["a", "g", "x"]
    assert edges(journey) == [("a", "x", "40%")]


def test_remove_a_transition_and_add_and_reweight() -> None:
    journey, found = applied("remove b -> g\nb -> x 10%\na -> b 70%\na -> x 30%\nb -> g 90%")
    assert found == ()
    assert edges(journey) == [
        ("a", "b", "70%"),
        ("a", "x", "30%"),
        ("b", "x", "10%"),
        ("b", "g", "90%"),
    ]


def test_change_replaces_what_it_writes_and_remove_empties() -> None:
    journey, found = applied('change a "A neu" { emotion +1; remove pain; action "klickt" }')
    assert found == ()
    a = journey.touchpoint("a")
    assert a is not None and a.label == "A neu" and a.emotion.score == 1  # type: ignore[union-attr]
    assert a.pains == () and a.actions == ("klickt",) and a.entry


def test_a_scenario_stage_is_appended_or_extends_the_existing_one() -> None:
    text = 'journey "J"\nstage s "S" {\n  entry touchpoint a\n  goal g\n}\na -> g\n'
    text += "scenario t {\n  stage s { touchpoint n }\n"
    text += '  stage neu "Neu" { exit x }\n  a -> n; n -> x\n}\n'
    journey = load(text).journey
    assert journey is not None
    result, found = scenarios.apply(journey, journey.scenarios[0])
    assert found == ()
    assert [(s.id, s.label, s.touchpoints) for s in result.stages] == [
        ("s", "S", ("a", "g", "n")),
        ("neu", "Neu", ("x",)),
    ]


@pytest.mark.parametrize(
    ("scenario", "code", "where"),
    [
        ("remove c", codes.SCENARIO_UNKNOWN_TARGET, (10, 8)),
        ("remove b -> x", codes.SCENARIO_UNKNOWN_TARGET, (10, 1)),
        ("change c { emotion 1 }", codes.SCENARIO_UNKNOWN_TARGET, (10, 8)),
        ("remove b\nchange b { emotion 1 }", codes.SCENARIO_UNKNOWN_TARGET, (11, 8)),
        ("touchpoint b", codes.SCENARIO_DUPLICATE, (10, 12)),
        ("change b { remove pain }", codes.SCENARIO_REMOVES_NOTHING, (10, 19)),
        ("a -> c", codes.UNKNOWN_REFERENCE, (10, 6)),
        ("touchpoint c @nowhere\na -> c", codes.UNKNOWN_REFERENCE, (10, 15)),
    ],
)
def test_what_names_nothing_is_reported_where_it_is_written(
    scenario: str, code: codes.Code, where: tuple[int, int]
) -> None:
    doc = load(BASE + f"scenario s {{\n{scenario}\n}}\n")
    found = [d for d in doc.diagnostics if d.code is code]
    assert len(found) == 1, [str(d) for d in doc.diagnostics]
    assert (found[0].span.line, found[0].span.col) == where


def test_did_you_mean_for_what_a_scenario_removes() -> None:
    doc = load(BASE + "scenario s {\n  remove bb\n  remove a -> gg\n}\n")
    hints = [d.hint for d in doc.diagnostics if d.code is codes.SCENARIO_UNKNOWN_TARGET]
    assert hints == ["did you mean `b`?", "`a` leads to `b`, `x`"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_applying_an_empty_scenario_is_the_identity(text: str) -> None:
    journey = load(text).journey
    assert journey is not None
    empty = load(text + "\nscenario nichts {\n}\n").journey
    assert empty is not None and empty.scenarios
    result, found = scenarios.apply(empty, empty.scenarios[-1])
    assert found == ()
    assert model.meaning(result) == model.meaning(journey)


def test_the_pipeline_applies_the_scenario_and_checks_the_result() -> None:
    text = BASE + "scenario s {\n  remove b -> g\n}\n"
    plain = load(text)
    assert plain.ok and [d.code.id for d in plain.diagnostics] == []
    doc = cjdsl.pipeline.compile_source(cjdsl.source.SourceFile("x", text), scenario="s")
    assert [d.code for d in doc.diagnostics] == [codes.DEAD_END, codes.UNREACHABLE]
    unknown = cjdsl.pipeline.compile_source(cjdsl.source.SourceFile("x", text), scenario="t")
    assert [(d.code, d.hint) for d in unknown.diagnostics] == [
        (codes.UNKNOWN_SCENARIO, "its scenarios are `s`")
    ]


# -- the diff ------------------------------------------------------------------------------


def case_diff() -> diffing.Diff:
    journey = cjdsl.load(CASE).journey
    assert journey is not None
    after, _ = scenarios.apply(journey, journey.scenarios[0])
    return diffing.compare(journey, after, names=("Ist", "Soll"))


@pytest.mark.parametrize(
    ("suffix", "writer"),
    [("txt", formats.text), ("md", formats.markdown), ("json", formats.json_text)],
)
def test_diff_outputs(suffix: str, writer: object, golden: Golden) -> None:
    assert callable(writer)
    golden(CASE.with_suffix(f".diff.{suffix}"), writer(case_diff()))


def test_diff_by_meaning_not_text() -> None:
    a = load(BASE).journey
    b = load(BASE.replace("\n", "\n\n").replace("a -> b 60%", "a->b 0.6")).journey
    assert a is not None and b is not None
    d = diffing.compare(a, b)
    assert d.same and d.touchpoints == () and d.new_dead_ends == ()
    assert all(f.change in (0, None) for f in d.figures)


def test_diff_finds_new_dead_ends_and_unreachable() -> None:
    journey, _ = applied("remove b -> g\nremove a -> b\ntouchpoint c\nc -> g")
    before = load(BASE).journey
    assert before is not None
    d = diffing.compare(before, journey)
    assert d.new_dead_ends == ("b",) and d.new_unreachable == ("b", "g", "c")
    assert d.figure("conversion").after == 0  # type: ignore[union-attr]


def test_fail_on_limits() -> None:
    d = case_diff()
    assert list(thresholds.broken(d, (thresholds.parse("conversion-drop=0pp"),))) == []
    as_is, to_be = case_journeys()
    worse = diffing.compare(to_be, as_is)  # the to-be back to the as-is
    crossed = list(thresholds.broken(worse, (thresholds.parse("conversion-drop=0.5pp"),)))
    assert crossed == ["conversion falls by 2.76 pp (conversion-drop=0.5pp)"]
    assert list(thresholds.broken(worse, (thresholds.parse("conversion-drop=50%"),))) == []
    assert list(thresholds.broken(worse, (thresholds.parse("emotion-drop=1"),))) == [
        "emotion of `warenkorb` falls by 2 (emotion-drop=1)"
    ]
    with pytest.raises(ValueError, match="did you mean `conversion-drop`"):
        thresholds.parse("conversion-dorp=1pp")
    with pytest.raises(ValueError, match="percentage points"):
        thresholds.parse("conversion-drop=1")


def case_journeys() -> tuple[model.Journey, model.Journey]:
    journey = cjdsl.load(CASE).journey
    assert journey is not None
    return journey, scenarios.apply(journey, journey.scenarios[0])[0]


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    shutil.copy(CASE, tmp_path / "shop.journey")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_diff_with_a_scenario_and_two_files(project: pathlib.Path) -> None:
    shop = str(project / "shop.journey")
    code, out, _ = run("diff", shop, "--scenario", "click_collect", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["figures"][0]["key"] == "conversion" and data["figures"][0]["change"] > 0
    to_be = project / "to-be.journey"
    journey = cjdsl.load(shop).journey
    assert journey is not None
    to_be.write_text(cjdsl.dumps(scenarios.apply(journey, journey.scenarios[0])[0]), "utf-8")
    code, out, err = run("diff", str(to_be), shop, "--fail-on", "conversion-drop=0.5pp")
    assert code == 1 and "limit crossed: conversion falls by 2.76 pp" in err
    assert "- touchpoint `abholung`" in out
    report = project / "diff.md"
    code, _, _ = run("diff", shop, "--scenario", "click_collect", "-o", str(report))
    assert code == 0 and report.read_text("utf-8").startswith("### ")


def test_cli_usage_errors_exit_2(project: pathlib.Path) -> None:
    shop = str(project / "shop.journey")
    assert run("diff", shop)[0] == 2
    code, _, err = run("diff", shop, "--scenario", "click_collect", "--fail-on", "x=1")
    assert code == 2 and "unknown limit `x`" in err


def test_cli_scenario_on_check_analyze_render(project: pathlib.Path) -> None:
    shop = str(project / "shop.journey")
    code, _, err = run("check", shop, "--scenario", "click_colect")
    assert code == 1 and "error[CJ804]" in err and "did you mean `click_collect`?" in err
    assert run("check", shop, "--scenario", "click_collect")[0] == 0
    code, out, _ = run("analyze", shop, "--scenario", "click_collect", "--format", "json")
    assert (
        code == 0
        and "abholung" in out
        and abs(json.loads(out)["conversion"]["probability"] - 0.0756) < 1e-9
    )
    svg = project / "to-be.svg"
    code, _, _ = run("render", shop, "--scenario", "click_collect", "-o", str(svg))
    assert code == 0 and "Abholung" in svg.read_text("utf-8")
    page = project / "to-be.html"
    code, _, _ = run("render", shop, "--scenario", "click_collect", "-o", str(page))
    assert code == 0 and "Abholung" in page.read_text("utf-8")


def test_the_mkdocs_plugin_shows_a_scenario(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("mkdocs")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from .conftest import need_dot

    need_dot()
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "shop.journey").write_text(CASE.read_text("utf-8"), "utf-8")
    page = "# Shop\n\n![Soll](shop.journey){scenario=click_collect}\n\n![Ist](shop.journey)\n"
    page += "\n![Karte](shop.journey){view=map scenario=click_collect}\n"
    (tmp_path / "docs" / "bp.journey").write_text(
        (CASES / "blueprint" / "click_collect.journey").read_text("utf-8"), "utf-8"
    )
    page += "\n![Blueprint](bp.journey){view=blueprint}\n"
    (tmp_path / "docs" / "index.md").write_text(page, "utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - cjdsl\n", "utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    html = (tmp_path / "site" / "index.html").read_text("utf-8")
    to_be, as_is = re.findall(r'<div class="cjdsl-journey.*?</svg></div></div>', html, re.DOTALL)[
        :2
    ]
    assert html.count('class="cjm-line-before"') == 1  # the map's as-is curve
    assert "line of visibility" in html and "lane_backstage" in html  # the blueprint view
    assert "Abholung" in to_be and "Zahlung" not in to_be
    assert "Zahlung" in as_is and "Abholung" not in as_is


def test_the_preview_shows_a_scenario(project: pathlib.Path) -> None:
    from cjdsl import rendering
    from cjdsl.preview import server

    from .conftest import need_dot

    need_dot()
    shop = project / "shop.journey"
    view, _seen = server.build_view(
        shop,
        version=1,
        previous=None,
        theme="light",
        options=rendering.Options(),
        scenario="click_collect",
    )
    shown = "".join(svg for _scheme, svg in view.diagrams)
    assert "Abholung" in shown and ">Zahlung<" not in shown


def _group(svg: str, title: str) -> str:
    """The SVG group of the node or edge whose ``<title>`` is ``title``."""
    start = svg.index(f"<title>{title}</title>")
    return svg[start : svg.index("</g>\n</g>", start)]


def test_render_diff_colours_what_changed(project: pathlib.Path) -> None:
    from cjdsl.rendering import diffview

    from .conftest import need_dot

    need_dot()
    shop = str(project / "shop.journey")
    out = project / "diff.svg"
    code, _, err = run("render", "--diff", shop, "--scenario", "click_collect", "-o", str(out))
    assert code == 0, err
    svg = out.read_text("utf-8")
    added, removed = _group(svg, "abholung"), _group(svg, "zahlung")
    changed, same = _group(svg, "warenkorb"), _group(svg, "produkt")
    assert f'stroke="{diffview.ADDED}"' in added
    assert f'stroke="{diffview.REMOVED}"' in removed and "stroke-dasharray" in removed
    assert f'stroke="{diffview.CHANGED}"' in changed
    assert all(f'stroke="{c}"' not in same for c in (diffview.ADDED, diffview.REMOVED))
    edge = _group(svg, "zahlung&#45;&gt;gekauft")
    assert f'stroke="{diffview.REMOVED}"' in edge and "stroke-dasharray" in edge
    assert f'stroke="{diffview.CHANGED}"' in _group(svg, "warenkorb&#45;&gt;abbruch")
    caption = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert "conversion 4.8% → 7.56% (+2.76 pp)" in caption
    two = project / "two.svg"
    to_be = project / "to-be.journey"
    journey = cjdsl.load(shop).journey
    assert journey is not None
    to_be.write_text(cjdsl.dumps(scenarios.apply(journey, journey.scenarios[0])[0]), "utf-8")
    code, _, _ = run("render", "--diff", shop, str(to_be), "-o", str(two))
    assert code == 0 and f'stroke="{diffview.ADDED}"' in _group(two.read_text("utf-8"), "abholung")
    assert run("render", "--diff", shop)[0] == 2


def test_the_map_of_a_scenario_draws_the_as_is_curve_beneath(project: pathlib.Path) -> None:
    shop = str(project / "shop.journey")
    page = project / "to-be.html"
    assert run("render", shop, "--scenario", "click_collect", "-o", str(page))[0] == 0
    html = page.read_text("utf-8")
    assert html.count('class="cjm-line-before"') == 1 and "emotion of the as-is" in html
    plain = project / "as-is.html"
    assert run("render", shop, "-o", str(plain))[0] == 0
    assert 'class="cjm-line-before"' not in plain.read_text("utf-8")


def test_completion_in_a_scenario_and_a_change_block() -> None:
    from cjdsl.lsp import completion
    from cjdsl.source import SourceFile

    def labels(text: str) -> list[str]:
        doc = load(text)
        found = completion.complete(text, len(text), doc.journey, source=SourceFile("x", text))
        return [item.label for item in found]

    inside = labels(BASE + "scenario s {\n  ")
    assert inside[:3] == ["stage", "entry", "touchpoint"] and {"change", "remove"} <= set(inside)
    assert "a" in inside  # a transition may start here too
    assert "emotion" in labels(BASE + "scenario s {\n  change a {\n    ")
    assert "supports" in labels(BASE + 'process p "P" {\n  ')


def test_a_finding_of_the_journey_and_its_scenario_is_reported_once(project: pathlib.Path) -> None:
    shop = str(project / "shop.journey")
    code, _, err = run("diff", shop, "--scenario", "click_collect")
    assert code == 0 and err.count("warning[CJ404]") == 1
    code, _, err = run("render", "--diff", shop, "--scenario", "click_collect", "-f", "html")
    assert code == 2 and "--diff draws a diagram" in err


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_a_journey_differs_from_itself_reformatted_in_nothing(text: str) -> None:
    journey = load(text).journey
    formatted = formatting.format_text(text)
    assert journey is not None and formatted is not None
    again = load(formatted).journey
    assert again is not None
    d = diffing.compare(journey, again, time_limit=5)
    assert d.same and d.new_dead_ends == () and d.new_unreachable == ()
    assert all(f.change in (0, None) for f in d.figures)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_removing_a_node_in_a_scenario_is_what_the_diff_reports(text: str) -> None:
    journey = load(text).journey
    assert journey is not None
    if not journey.touchpoints:
        return
    gone = journey.touchpoints[-1].id
    scenario = load(text + f"\nscenario weg {{\n  remove {gone}\n}}\n").journey
    assert scenario is not None
    after, found = scenarios.apply(scenario, scenario.scenarios[-1])
    assert found == ()
    d = diffing.compare(journey, after, time_limit=5)
    assert [(n.id, n.change) for n in d.touchpoints] == [(gone, "removed")]
    assert {(t.source, t.target) for t in d.transitions} == {
        (t.source, t.target) for t in journey.transitions if gone in (t.source, t.target)
    }


def test_navigation_finds_what_scenarios_and_processes_name() -> None:
    from cjdsl.lsp import index

    text = BASE + 'process p "P" { owner "O"; supports b }\n'
    text += "scenario s {\n  change b { emotion 1 }\n  remove a -> b\n  b -> x 10%\n}\n"
    found = index.build(load(text))
    declaration = next(o for o in found.occurrences if o.name == "b" and o.declaration)
    lines = sorted(o.span.line for o in found.references(declaration, include_declaration=False))
    assert lines == [6, 8, 9, 11, 12, 13]  # a -> b, b -> g, supports, change, remove, b -> x


def test_cli_diff_for_one_persona() -> None:
    shop = str(ROOT / "examples" / "online-shop.journey")
    journey = cjdsl.load(shop).journey
    assert journey is not None and journey.personas
    persona = journey.personas[0].id
    code, out, _ = run("diff", shop, shop, "--persona", persona, "--format", "json")
    assert code == 0
    own = analysis.analyze(journey, persona=persona).conversion.probability
    assert json.loads(out)["figures"][0]["before"] == own
    code, _, err = run("diff", shop, shop, "--persona", "niemand")
    assert code == 2 and "niemand" in err


CHURN = """journey "Vertrag"
entry touchpoint shop "Shop" { reach 1000 }
goal vertrag "Vertrag"
touchpoint hotline "Hotline"
exit weg "Gekündigt" { loss churn }
exit nie "Nie gekauft"
shop -> vertrag 50%
shop -> nie
vertrag -> hotline 40%
hotline -> weg 50%
scenario besser "Bessere Hotline" {
  hotline -> weg 20%
}
"""


def test_the_diff_shows_churn_and_can_fail_on_its_rise() -> None:
    journey = cjdsl.loads(CHURN).journey
    assert journey is not None
    better = scenarios.apply(journey, journey.scenarios[0])[0]
    d = diffing.compare(journey, better)
    churn = d.figure("churn")
    assert churn is not None  # of those with a contract: 40% reach the hotline, half leave
    assert [churn.before, churn.after] == pytest.approx([0.2, 0.08])
    back = diffing.compare(better, journey)
    limit = thresholds.parse("churn-rise=5pp")
    assert list(thresholds.broken(back, (limit,))) == [
        "churn after the goal rises by 12.00 pp (churn-rise=5pp)"
    ]
    assert list(thresholds.broken(d, (limit,))) == []
