"""The service blueprint: lanes and processes in the language, their checks, the journey map's
rows, and an analysis that processes leave exactly as it was."""

from __future__ import annotations

import pathlib
import re

import pytest

import cjdsl
from cjdsl import analysis, codes, model, views
from cjdsl.language import formatting
from cjdsl.rendering import journey_map

from .conftest import CASES, ROOT, Golden

CASE = CASES / "blueprint" / "click_collect.journey"
EXAMPLES = sorted((ROOT / "examples").glob("*.journey"))


def load(text: str) -> cjdsl.Document:
    return cjdsl.loads(text, raise_on_error=False)


def test_lanes_and_processes_are_read_into_the_model() -> None:
    journey = cjdsl.load(CASE).journey
    assert journey is not None
    lanes = {n.id: n.lane for n in journey.touchpoints}
    assert lanes["bestellen"] is None and lanes["bestaetigung"] == "frontstage"
    assert lanes["kommissionieren"] == "backstage"
    picking, wms = journey.processes
    assert (picking.id, picking.label, picking.owner, picking.lane) == (
        "picking",
        "Kommissionierung",
        "Lager",
        "backstage",
    )
    assert picking.supports == ("kommissionieren", "ausgabe") and wms.lane == "support"


def test_format_and_dumps_keep_the_blueprint(golden: Golden) -> None:
    text = CASE.read_text("utf-8")
    out = formatting.format_text(text.replace("; owner", ";owner"))
    assert out is not None and formatting.format_text(out) == out
    golden(CASE.with_suffix(".fmt.journey"), out)
    journey = cjdsl.load(CASE).journey
    assert journey is not None
    written = cjdsl.dumps(journey)
    golden(CASE.with_suffix(".dumps.journey"), written)
    assert model.meaning(cjdsl.loads(written).journey) == model.meaning(journey)


def _without_blueprint(text: str) -> str:
    """The same journey with its processes and lanes left out."""
    kept = [
        line
        for line in text.splitlines()
        if not line.startswith("process ") and line.strip() != "lane frontstage"
    ]
    return re.sub(r"\{ lane \w+(; )?", "{ ", "\n".join(kept)).replace("{  }", "") + "\n"


def _processes(journey: model.Journey) -> str:
    ids = [n.id for n in journey.touchpoints if n.kind is model.NodeKind.TOUCHPOINT]
    return (
        f'\nprocess lager "Lager" {{ owner "L"; supports {", ".join(ids)} }}\n'
        f'process it "IT" {{ lane support; supports {ids[0]} }}\n'
    )


@pytest.mark.parametrize("path", [*EXAMPLES, CASE], ids=lambda p: p.stem)
def test_processes_and_lanes_leave_the_analysis_exactly_as_it_was(path: pathlib.Path) -> None:
    text = path.read_text("utf-8")
    plain = load(_without_blueprint(text)).journey
    assert plain is not None
    with_blueprint = load(_without_blueprint(text) + _processes(plain)).journey
    assert with_blueprint is not None and with_blueprint.processes
    if path == CASE:
        original = load(text).journey
        assert original is not None
        assert any(n.lane for n in original.touchpoints) and not any(
            n.lane for n in plain.touchpoints
        )
        with_blueprint = original
    personas = [None, *(p.id for p in plain.personas)]
    for persona in personas:
        before = analysis.to_json(analysis.analyze(plain, persona=persona, time_limit=None))
        after = analysis.to_json(analysis.analyze(with_blueprint, persona=persona, time_limit=None))
        assert after == before, persona


@pytest.mark.parametrize(
    ("code", "line", "col"),
    [
        (codes.PAIN_WITHOUT_OPPORTUNITY, 3, 18),
        (codes.INVALID_VALUE, 4, 3),
        (codes.BLUEPRINT_PAIN_UNSUPPORTED, 7, 12),
        (codes.OPPORTUNITY_UNTRACED, 7, 12),
        (codes.UNKNOWN_REFERENCE, 17, 60),
        (codes.UNUSED_PROCESS, 18, 9),
        (codes.PROCESS_WITHOUT_OWNER, 18, 9),
    ],
)
def test_blueprint_checks_are_located(code: codes.Code, line: int, col: int) -> None:
    doc = cjdsl.load(CASES / "diagnostics" / "blueprint_checks.journey", raise_on_error=False)
    found = [(d.span.line, d.span.col) for d in doc.diagnostics if d.code is code]
    assert found == [(line, col)]


def test_did_you_mean_for_lanes_supports_and_unused_processes() -> None:
    doc = cjdsl.load(CASES / "diagnostics" / "blueprint_checks.journey", raise_on_error=False)
    hints = {d.code.id: d.hint for d in doc.diagnostics}
    assert hints["CJ107"] == "did you mean `frontstage`?"
    assert hints["CJ101"] == "did you mean `kasse`?"
    assert hints["CJ812"] == "does it support `beratung`? `supports beratung`"


def test_a_journey_without_lanes_or_processes_gets_no_blueprint_findings() -> None:
    text = 'journey "J"\nentry touchpoint a { pain "slow"; opportunity "faster" }\ngoal g\na -> g\n'
    assert not {d.code.id for d in load(text).diagnostics} & {"CJ811", "CJ814", "CJ815"}
    blueprint = load(text + 'process p "P" { owner "O"; supports a }\n')
    assert [d.code for d in blueprint.diagnostics] == [codes.OPPORTUNITY_UNTRACED]


def _map(journey: model.Journey) -> str:
    report, _note = views.map_report(journey)
    return journey_map.fragment(journey, report, findings=views.findings(journey))


def test_the_map_draws_lanes_as_rows_under_the_touchpoints() -> None:
    journey = cjdsl.load(CASE).journey
    assert journey is not None
    html = _map(journey)
    rows = re.findall(r'<tr class="cjm-row ([^"]+)"', html)
    start = rows.index("cjm-row-touchpoints")
    blueprint = [r for r in rows if "bp" in r or "lane-" in r]
    assert blueprint == [
        "cjm-bp-line cjm-bp-line-frontstage",
        "cjm-row-lane-frontstage",
        "cjm-bp-line cjm-bp-line-backstage",
        "cjm-row-lane-backstage",
        "cjm-bp-line cjm-bp-line-support",
        "cjm-row-lane-support",
    ]
    assert rows.index(blueprint[0]) > start
    for line in ("line of interaction", "line of visibility", "line of internal interaction"):
        assert line in html
    backstage = html[html.index("cjm-row-lane-backstage") :]
    backstage = backstage[: backstage.index("</tr>")]
    assert "Ware kommissionieren" in backstage and "Kommissionierung" in backstage
    assert "Lager" in backstage and "Warenwirtschaft" not in backstage
    plain = load(_without_blueprint(CASE.read_text("utf-8"))).journey
    assert plain is not None and "cjm-bp-line" not in _map(plain).replace(".cjm-bp", "")


def test_the_blueprint_rows_speak_german() -> None:
    journey = cjdsl.load(CASE).journey
    assert journey is not None
    report, _note = views.map_report(journey)
    html = journey_map.fragment(journey, report, findings=views.findings(journey), lang="de")
    assert "Sichtbarkeitslinie" in html and "Interaktionslinie" in html
    assert "line of visibility" not in html


def _y_of(svg: str, title: str) -> float:
    """Where the node whose ``<title>`` is ``title`` stands, top to bottom."""
    start = svg.index(f"<title>{title}</title>")
    return float(re.search(r'<text[^>]* y="(-?[\d.]+)"', svg[start:]).group(1))  # type: ignore[union-attr]


def test_the_blueprint_view_draws_lanes_as_bands_in_order(tmp_path: pathlib.Path) -> None:
    from click.testing import CliRunner

    from cjdsl.cli import cli

    from .conftest import need_dot

    need_dot()
    out = tmp_path / "bp.svg"
    result = CliRunner().invoke(cli, ["render", str(CASE), "--view", "blueprint", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    svg = out.read_text("utf-8")
    bands = [
        _y_of(svg, f"lane_{lane}") for lane in ("customer", "frontstage", "backstage", "support")
    ]
    assert bands == sorted(bands) and len(set(bands)) == 4
    for node, lane in (
        ("n_bestellen", "customer"),
        ("n_bestaetigung", "frontstage"),
        ("n_ausgabe", "frontstage"),
        ("n_kommissionieren", "backstage"),
        ("p_picking", "backstage"),
        ("p_wms", "support"),
    ):
        assert abs(_y_of(svg, node) - _y_of(svg, f"lane_{lane}")) < 20, node
    assert "line of visibility" in svg and "⚙ Kommissionierung" in svg


def test_processes_do_not_change_the_ordinary_diagram() -> None:
    text = CASE.read_text("utf-8")
    without = "\n".join(line for line in text.splitlines() if not line.startswith("process "))
    a, b = cjdsl.loads(text).journey, cjdsl.loads(without + "\n").journey
    assert a is not None and b is not None
    assert views.render(a, format_="dot", prefix="p") == views.render(b, format_="dot", prefix="p")
