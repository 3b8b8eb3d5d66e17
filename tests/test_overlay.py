"""`render --highlight`: analysis results drawn over the diagram."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import cjdsl
from cjdsl import analysis, rendering, views
from cjdsl.cli import cli
from cjdsl.rendering import overlay

from .conftest import EXAMPLES, need_dot

# Two ways to the goal: ad -> shop -> bought is more probable (0.6·0.5 = 0.3) than
# ad -> mail -> bought (0.4·0.2 = 0.08) but slower (1d + 3d = 4d against 1h + 1h).
TEXT = """journey "Two ways"
entry touchpoint ad "Ad"
touchpoint shop "Shop"
touchpoint mail "Mail"
goal bought "Bought"
exit lost "Lost"
ad -> shop 60% after 1d
ad -> mail 40% after 1h
shop -> bought 50% after 3d
shop -> lost 50%
mail -> bought 20% after 1h
"""
ACCENT = rendering.themes.THEMES["light"].accent


@pytest.fixture(scope="module")
def journey() -> cjdsl.Journey:
    doc = cjdsl.loads(TEXT)
    assert doc.journey is not None
    return doc.journey


def edge_colours(dot_source: str) -> dict[tuple[str, str], str]:
    found = re.findall(r'^  "(\w+)" -> "(\w+)" \[id=.*?color="([^"]+)"', dot_source, re.M)
    return {(a, b): colour for a, b, colour in found}


def highlighted(journey: cjdsl.Journey, kind: str) -> tuple[str, overlay.Overlay]:
    shown = overlay.from_report(analysis.analyze(journey), kind)
    return rendering.dot.to_dot(journey, findings=views.findings(journey), overlay=shown), shown


def test_most_probable_path_is_drawn_in_the_accent(journey: cjdsl.Journey) -> None:
    source, shown = highlighted(journey, "probable")
    colours = edge_colours(source)
    assert colours["ad", "shop"] == colours["shop", "bought"] == ACCENT
    assert colours["ad", "mail"] != ACCENT and colours["ad", "mail"].endswith("55")  # dimmed
    assert "Most probable path to each goal — Bought: 30%" in shown.caption
    assert shown.caption in source


def test_critical_path_is_the_slowest_way(journey: cjdsl.Journey) -> None:
    source, shown = highlighted(journey, "critical")
    colours = edge_colours(source)
    assert colours["ad", "shop"] == colours["shop", "bought"] == ACCENT
    assert "Bought: 4d" in shown.caption  # the units analyze and the map print


def test_moments_of_truth_are_marked(journey: cjdsl.Journey) -> None:
    source, shown = highlighted(journey, "moments")
    assert "ad" in shown.nodes and "★ moment of truth" in source


def test_bottlenecks_carry_how_much_is_lost(journey: cjdsl.Journey) -> None:
    _, shown = highlighted(journey, "bottlenecks")
    # Lost unconverted: at shop 0.6·0.5 = 30% (into the exit); at mail 0.4·0.8 = 32%.
    notes = {node: note for node, _, note in shown.heat}
    assert notes["mail"] == "▼ 32.0% of customers lost here"
    assert notes["shop"] == "▼ 30.0% of customers lost here"
    assert dict((n, h) for n, h, _ in shown.heat)["mail"] == 1.0


def test_unknown_highlight_is_refused(journey: cjdsl.Journey) -> None:
    with pytest.raises(ValueError, match="choose from critical, probable"):
        overlay.from_report(analysis.analyze(journey), "loudest")


@pytest.mark.parametrize("kind", overlay.HIGHLIGHTS)
def test_cli_renders_every_highlight(kind: str) -> None:
    need_dot()
    result = CliRunner().invoke(
        cli, ["render", str(EXAMPLES[0]), "-o", "-", "-f", "svg", "--highlight", kind]
    )
    assert result.exit_code == 0, result.stderr
    assert ACCENT in result.stdout


def test_docs_plugins_leave_analysis_highlights_to_the_renderer() -> None:
    from cjdsl.docsites import support

    assert support.manual_highlight("critical") is None
    manual = support.manual_highlight("ad -> shop")
    assert manual is not None and manual.edges == (("ad", "shop"),)


def test_the_public_render_computes_the_overlay_of_a_highlight() -> None:
    journey = cjdsl.load(EXAMPLES[0]).journey
    assert journey is not None
    _, shown = highlighted(journey, "critical")
    by_keyword = cjdsl.render(journey, format="dot", highlight="critical").decode()
    assert by_keyword == cjdsl.render(journey, format="dot", overlay=shown).decode()
    assert ACCENT in by_keyword and "Critical path" in by_keyword
    assert ACCENT not in cjdsl.render(journey, format="dot").decode()
