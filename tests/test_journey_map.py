"""The journey map (`cjdsl render -f html`): structure, personas, escaping, determinism, browser."""

from __future__ import annotations

import html
import pathlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

import cjdsl
from cjdsl import analysis, views
from cjdsl.docsites import pages
from cjdsl.rendering import journey_map, map_curve, map_style

from .browser import Browser, chromium
from .conftest import CASES, ROOT, Golden, need

MAP_CASES = CASES / "map"
SHOP = ROOT / "examples" / "online-shop.journey"
INSURANCE = ROOT / "examples" / "versicherung.journey"
# Every text a user can write, each holding markup, quotes and an ampersand.
HOSTILE = r"""journey "T <script>alert(1)</script> \"q\" 'a' & Ü"
  description "D <script>x</script> \"q\""
  owner "O <b>\"q\"</b>"
persona p "P <script>, 1" {
  description "PD <i>"
  goal "PG <u>"
  pain "PP <s>"
}
channel c "C <script>\"" online
stage s "S <script>" {
  description "SD <em>"
  entry touchpoint t "L <script>\"x\"</script>" @c for p {
    reach 100
    emotion +1 "W <script>"
    description "TD <script>"
    action "A <script>"
    motivation "M <script>"
    question "Q <script>"
    pain "N <script>"
    opportunity "O2 <script>"
    kpi k 5%
    cost 10 EUR
    owner "OW <script>"
    link "https://e.com/?a=\"><script>&b=1"
  }
  goal g "G <script>"
  exit x "X <script>"
}
t -> g 50%
t -> x 10%
"""
OURS = {
    "section",
    "header",
    "div",
    "span",
    "ul",
    "li",
    "p",
    "table",
    "colgroup",
    "col",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "svg",
    "lineargradient",
    "stop",
    "rect",
    "line",
    "path",
    "g",
    "title",
    "circle",
    "text",
}


class _Page(HTMLParser):
    """Every tag, attribute value and text of a page, decoded as a browser would."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def load(path: pathlib.Path) -> cjdsl.Journey:
    journey = cjdsl.load(path).journey
    assert journey is not None
    return journey


def page_of(journey: cjdsl.Journey, persona: str | None = None, **options: Any) -> str:
    report, note = views.map_report(journey, persona=persona)
    assert note is None
    findings = views.findings(journey, persona=persona)
    return journey_map.fragment(journey, report, findings=findings, persona=persona, **options)


def found(pattern: str, text: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(pattern, text, re.S)]


def stage_names(text: str) -> list[str]:
    return found(r'<span class="cjm-stage-name">(.*?)</span>', text)


def card_labels(text: str) -> list[str]:
    return found(r'<div class="cjm-tp">(.*?)</div>', text)


def test_columns_follow_the_stages_and_touchpoints_in_declaration_order() -> None:
    journey = load(SHOP)
    text = page_of(journey)
    assert stage_names(text) == [s.label for s in journey.stages]
    shown = [t for t in journey.touchpoints if t.kind is cjdsl.model.NodeKind.TOUCHPOINT]
    assert card_labels(text) == [t.label for t in shown]
    spans = [int(n) for n in re.findall(r'<th scope="colgroup" colspan="(\d+)"', text)]
    per_stage = [sum(t.stage == s.id for t in shown) for s in journey.stages]
    assert spans == per_stage and f"--cjm-n:{len(shown)}" in text
    # goals and exits are outcomes of their stage, not columns
    outcomes = found(r'<span class="cjm-out-text">(.*?)<span class="cjm-out-fig">', text)
    assert [o.strip() for o in outcomes] == [
        t.label for t in journey.touchpoints if t.kind is not cjdsl.model.NodeKind.TOUCHPOINT
    ]


def test_a_persona_sees_only_its_touchpoints_and_its_own_card() -> None:
    journey = load(SHOP)
    everyone, ben = page_of(journey), page_of(journey, "ben")
    assert everyone.count('class="cjm-persona ') == 3 and ben.count('class="cjm-persona ') == 1
    assert "Ben, 24, student" in ben and "Anna, 36, HR manager" not in ben
    labels = card_labels(ben)
    assert "Size finder quiz" not in labels and "Refer-a-runner voucher" not in labels
    assert labels == [
        t.label
        for t in journey.touchpoints
        if t.kind is cjdsl.model.NodeKind.TOUCHPOINT and t.applies_to("ben")
    ]
    assert "Refer-a-runner" not in ben  # not even in a tooltip or the curve's description
    # everyone's map says who a restricted touchpoint is for; a persona's map has no need
    assert 'title="Anna, 36, HR manager">Anna</span>' in everyone
    assert "cjm-pchip" not in ben
    assert "· Ben, 24, student" in ben and "· all personas" in everyone


def test_a_stage_the_persona_never_meets_keeps_its_column_with_a_note() -> None:
    journey = cjdsl.loads(
        'journey "J"\npersona a "A"\npersona b "B"\nstage one "One" {\n'
        '  entry touchpoint x "X" for a, b\n}\nstage two "Two" {\n  touchpoint y "Y" for a\n'
        '  goal g "G"\n}\nx -> y for a\ny -> g\nx -> g 10% for b\n'
    ).journey
    assert journey is not None
    text = page_of(journey, "b")
    assert stage_names(text) == ["One", "Two"]
    assert card_labels(text) == ["X"]
    assert "No touchpoint for this persona" in text and "--cjm-n:2" in text


def test_touchpoints_outside_any_stage_get_their_own_group(golden: Golden) -> None:
    journey = load(MAP_CASES / "small.journey")
    text = page_of(journey)
    assert stage_names(text) == ["Find", "Stay", "Outside any stage"]
    assert card_labels(text)[-1] == "Survey"
    # The golden pins the structure; without the analysis, its figures cannot move it.
    golden(
        MAP_CASES / "small.html",
        journey_map.fragment(
            journey, note="left out for the golden", findings=views.findings(journey)
        ),
    )


def test_every_user_text_is_escaped_in_text_and_attributes() -> None:
    journey = cjdsl.loads(HOSTILE).journey
    assert journey is not None
    for persona in (None, "p"):
        text = page_of(journey, persona)
        page = _Page(text)
        assert set(page.tags) <= OURS, set(page.tags) - OURS
        shown = "".join(page.texts)
        wanted = [
            journey.title,
            "D <script>x</script>",
            'O <b>"q"</b>',
            "PD <i>",
            "PG <u>",
            "PP <s>",
            'C <script>"',
            "S <script>",
            "SD <em>",
            'L <script>"x"</script>',
            "W <script>",
            "TD <script>",
            "A <script>",
            "M <script>",
            "Q <script>",
            "N <script>",
            "O2 <script>",
            "OW <script>",
            "G <script>",
            "X <script>",
        ]
        if persona is None:
            wanted.append("P <script>, 1")
        for value in wanted:
            assert value in shown, value
        assert ("href", 'https://e.com/?a="><script>&b=1') in page.attrs
        assert ("aria-label", f"Journey map: {journey.title}") in page.attrs
        assert ("title", 'C <script>" (online)') in page.attrs  # the channel chip's tooltip
    # the standalone page escapes its <title> too
    document = journey_map.document(
        journey, analysis.analyze(journey), findings=views.findings(journey)
    )
    assert "<title>T &lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert document.count("<script") == 0


def test_only_safe_links_become_hrefs() -> None:
    text = 'journey "J"\nentry touchpoint a "A" { link "javascript:alert(1)" }\ngoal g\na -> g\n'
    journey = cjdsl.loads(text, raise_on_error=False).journey
    assert journey is not None
    page = journey_map.fragment(journey, findings=views.findings(journey))
    assert "javascript:" not in page and "href" not in page


def test_umlauts_are_written_as_utf8_characters() -> None:
    journey = load(INSURANCE)
    text = journey_map.document(
        journey,
        analysis.analyze(journey, persona="jürgen"),
        persona="jürgen",
        findings=views.findings(journey),
    )
    assert '<meta charset="utf-8">' in text
    for word in ("Kündigung", "Jürgen, 52, Handwerksmeister", "Abwägung", "gut aufgehoben"):
        assert word in text
    assert not re.search(r"&#x?(e4|f6|fc|df|c4|d6|dc|228|246|252|223);", text, re.I)
    assert "Freunde-werben-Prämie" not in card_labels(text)  # for lea and aylin only
    assert "großzügig" not in text


def test_the_same_input_gives_the_same_bytes() -> None:
    journey = load(SHOP)
    first = journey_map.document(
        journey, analysis.analyze(journey), theme="dark", findings=views.findings(journey)
    )
    again = load(SHOP)
    assert (
        journey_map.document(
            again, analysis.analyze(again), theme="dark", findings=views.findings(again)
        )
        == first
    )


def test_no_resource_is_loaded_from_anywhere() -> None:
    journey = load(SHOP)
    text = journey_map.document(
        journey, analysis.analyze(journey), findings=views.findings(journey)
    )
    links = {t.link for t in journey.touchpoints if t.link}
    assert re.findall(r'href="([^"]*)"', text) and set(re.findall(r'href="([^"]*)"', text)) <= links
    found_urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert found_urls <= links, found_urls - links
    for resource in ("<script", "<link", "<img", "<iframe", "@import", "@font-face", "url(http"):
        assert resource not in text
    assert "url(" not in text.replace('fill="url(#', "")  # only the curve's own gradient
    assert "default-src 'none'" in text  # and the browser is told so


def test_print_styles_scale_the_map_to_the_page_and_stay_out_of_sites() -> None:
    assert "@media print" in map_style.CSS and "zoom:" in map_style.CSS
    assert "@page" in map_style.PAGE_CSS and "@page" not in map_style.CSS
    assert "@page" not in pages.CSS  # a site's own print layout is its business
    for rule in re.findall(r"^([^@\s/}][^{]*)\{", map_style.CSS, re.M):
        for selector in re.split(r",(?![^(]*\))", rule):
            assert selector.strip().startswith(".cjdsl-map"), selector
    journey = load(SHOP)
    assert "@media print" in journey_map.document(
        journey, analysis.analyze(journey), findings=views.findings(journey)
    )


def test_the_emotion_curve_has_a_point_over_every_column_with_an_emotion() -> None:
    journey = load(INSURANCE)
    text = page_of(journey)
    columns = [t for t in journey.touchpoints if t.kind is cjdsl.model.NodeKind.TOUCHPOINT]
    xs = [float(x) for x in re.findall(r'<circle cx="([0-9.]+)%"', text)]
    expected = [(i + 0.5) / len(columns) * 100 for i, t in enumerate(columns) if t.emotion]
    assert xs == pytest.approx(expected, abs=1e-3)
    steps = re.findall(r'<g class="cjm-pt cjm-e-(\w+)">', text)
    assert steps == [map_curve.step(t.emotion.score) for t in columns if t.emotion]
    assert (
        'aria-label="Emotionskurve: Tarif im Vergleichsportal 0 abwägend;' in text
    )  # the journey says lang "de"
    assert map_curve.svg([map_curve.Point("a", None, None)], [0], prefix="p") == ""


def test_highlights_show_conversion_drop_off_and_moments_of_truth() -> None:
    journey = load(SHOP)
    report = analysis.analyze(journey)
    text = journey_map.fragment(journey, report, findings=views.findings(journey))
    conversion = found(r'cjm-stat-conversion">.*?<div class="cjm-stat-v">(.*?)</div>', text)
    assert conversion == [journey_map.percent(report.conversion.probability)]
    worst = report.node(report.bottlenecks[0])
    assert worst is not None
    assert found(r'cjm-stat-drop">.*?<div class="cjm-stat-v">(.*?)</div>', text) == [worst.label]
    moments = [n.label for m in report.moments if (n := report.node(m))]
    assert moments and found(r'<ul class="cjm-stat-list">(.*?)</ul>', text) == ["".join(moments)]
    assert text.count("★ Moment of truth</span>") == len(moments)
    assert text.count('class="cjm-badge cjm-loss"') == 3


def test_without_an_analysis_the_map_says_why_its_figures_are_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    journey = load(SHOP)

    def broken(*args: object, **kwargs: object) -> None:
        raise FloatingPointError("singular matrix")

    monkeypatch.setattr(analysis, "analyze", broken)
    report, note = views.map_report(journey)
    assert report is None and note and "singular matrix" in note
    text = journey_map.fragment(journey, None, note=note, findings=views.findings(journey))
    assert "No analysis figures: the analysis failed: FloatingPointError: singular matrix" in text
    assert "reached by" not in text and card_labels(text)  # the map itself is all there


def test_bad_arguments_are_refused_with_the_allowed_values() -> None:
    journey = load(SHOP)
    with pytest.raises(ValueError, match=r"unknown persona `zed` \(personas: anna, ben, carla\)"):
        views.map_report(journey, persona="zed")
    with pytest.raises(ValueError, match="unknown theme `blue`"):
        journey_map.fragment(journey, theme="blue", findings=views.findings(journey))
    with pytest.raises(ValueError, match="the report is for persona `None`, the map for `ben`"):
        journey_map.fragment(
            journey, analysis.analyze(journey), persona="ben", findings=views.findings(journey)
        )


def test_several_maps_on_one_page_share_no_ids() -> None:
    journey = load(SHOP)
    text = page_of(journey, prefix="one") + page_of(journey, "anna", prefix="two")
    ids = re.findall(r'\sid="([^"]+)"', text)
    assert len(ids) == len(set(ids)) == 4
    assert 'fill="url(#one-emotion)"' in text and 'fill="url(#two-emotion)"' in text


# -- in a browser -------------------------------------------------------------------------


@pytest.fixture
def browser() -> Iterator[Browser]:
    binary = chromium()
    need(binary is not None, "Chromium (Debian package `chromium`)")
    assert binary is not None
    started = Browser(binary, width=1400, height=1000)
    yield started
    started.close()


GEOMETRY = """(() => {
  const box = e => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height];
  };
  const map = document.querySelector('.cjdsl-map');
  return {
    map: box(map),
    curve: box(document.querySelector('.cjm-curve-svg')),
    stages: [...document.querySelectorAll('th.cjm-stage')].map(box),
    cards: [...document.querySelectorAll('.cjm-row-touchpoints td')].map(box),
    dots: [...document.querySelectorAll('.cjm-pt circle')].map(box),
    persona: box(document.querySelector('.cjm-persona')),
    background: getComputedStyle(map).backgroundColor,
    stageColour: getComputedStyle(document.querySelector('.cjm-stage-name')).color,
    zoom: getComputedStyle(map).zoom,
    scrolls: document.querySelector('.cjm-scroll').scrollWidth,
  };
})()"""


def test_a_browser_shows_the_map_with_the_curve_over_the_columns(
    browser: Browser, tmp_path: pathlib.Path
) -> None:
    journey = load(INSURANCE)
    page = tmp_path / "map.html"
    page.write_text(
        journey_map.document(journey, analysis.analyze(journey), findings=views.findings(journey)),
        encoding="utf-8",
    )
    browser.goto(page.as_uri())
    seen = browser.evaluate(GEOMETRY)
    assert seen["map"][2] > 1000 and seen["map"][3] > 800, seen["map"]
    assert seen["curve"][3] == pytest.approx(map_curve.HEIGHT, abs=1)
    assert seen["persona"][2] > 100 and seen["persona"][3] > 50
    lefts = [left for left, _, width, _ in seen["stages"] if width > 0]
    assert len(lefts) == len(journey.stages) and lefts == sorted(lefts)
    columns = [t for t in journey.touchpoints if t.kind is cjdsl.model.NodeKind.TOUCHPOINT]
    assert len(seen["cards"]) == len(columns)
    centres = [left + width / 2 for left, _, width, _ in seen["cards"]]
    dots = [left + width / 2 for left, _, width, _ in seen["dots"]]
    with_emotion = [c for c, t in zip(centres, columns, strict=True) if t.emotion]
    assert dots == pytest.approx(with_emotion, abs=1.5)  # each point sits over its column
    assert seen["scrolls"] > 1400  # wide maps scroll inside their frame, lane titles stay
    assert seen["background"] == "rgb(255, 255, 255)"


def test_printed_the_map_fits_the_page_and_reads_without_backgrounds(
    browser: Browser, tmp_path: pathlib.Path
) -> None:
    journey = load(SHOP)
    page = tmp_path / "map.html"
    report = analysis.analyze(journey)
    page.write_text(
        journey_map.document(journey, report, theme="dark", findings=views.findings(journey)),
        encoding="utf-8",
    )
    browser.call("Emulation.setEmulatedMedia", media="print")
    browser.goto(page.as_uri())
    seen = browser.evaluate(GEOMETRY)
    assert 0.3 < float(seen["zoom"]) < 1
    assert seen["background"] == "rgb(255, 255, 255)"  # dark themes print light
    red, green, blue = map(int, re.findall(r"\d+", seen["stageColour"])[:3])
    assert red + green + blue < 150  # stage names are dark text, not white on a fill
    pdf = browser.call("Page.printToPDF", paperWidth=16.54, paperHeight=11.69)["data"]
    assert len(pdf) > 1000


@pytest.mark.parametrize(("scheme", "background"), [("default", "255"), ("slate", "13")])
def test_an_auto_map_follows_the_sites_colour_scheme(
    browser: Browser, tmp_path: pathlib.Path, scheme: str, background: str
) -> None:
    journey = load(SHOP)
    body = page_of(journey, theme="auto")
    page = tmp_path / "site.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{pages.CSS}</style></head>'
        f'<body data-md-color-scheme="{scheme}">{body}</body></html>',
        encoding="utf-8",
    )
    browser.goto(page.as_uri())
    assert browser.evaluate(GEOMETRY)["background"].startswith(f"rgb({background}, ")
    browser.call("Emulation.setEmulatedMedia", media="print")
    assert browser.evaluate(GEOMETRY)["background"] == "rgb(255, 255, 255)"


def test_control_characters_never_reach_the_emotion_curve() -> None:
    import cjdsl

    text = (
        'journey "J"\nstage s {\n  entry touchpoint a "A\\u0001b" { emotion +1 "w\\u0002x" }\n'
        "  goal g\n}\na -> g\n"
    )
    doc = cjdsl.loads(text.replace("\\u0001", "\x01").replace("\\u0002", "\x02"))
    assert doc.journey is not None
    page = journey_map.document(doc.journey, findings=views.findings(doc.journey))
    assert "\x01" not in page and "\x02" not in page
    assert "Ab" in page and "wx" in page


def test_for_everyone_the_map_shows_each_personas_reach_where_they_differ() -> None:
    journey = cjdsl.loads(
        'journey "Mix"\npersona gisela "Gisela, 67" { share 40% }\npersona jonas "Jonas"\n'
        'stage shop "Shop" {\n  entry touchpoint ad "Ad"\n  touchpoint store "Store" for gisela\n'
        '  goal contract "Contract"\n}\nad -> contract 5% for gisela\nad -> contract 1% for jonas\n'
        "ad -> store 30%\nstore -> contract 50%\n"
    ).journey
    assert journey is not None
    page = page_of(journey)
    # the goal: 40% × 20% + 60% × 1% = 8.6% for everyone, and each persona's own
    (goal,) = found(r'<span class="cjm-out-fig">(.*?)</span>', page)
    assert goal == "reached by 8.6% (Gisela 20% · Jonas 1.0%)"
    assert found(r'<div class="cjm-reach-by">(.*?)</div>', page) == ["Gisela 30%"]  # the store
    # everyone meets the ad alike: one figure; a persona's map: its own figures only
    assert "cjm-reach-by" not in page_of(journey, persona="gisela")
    assert "(Gisela" not in page_of(journey, persona="gisela")
