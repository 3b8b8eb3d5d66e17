"""The Sphinx extension: real Sphinx builds of small sites, rendered by the real Graphviz."""

from __future__ import annotations

import pathlib
import re
import textwrap
from collections.abc import Callable

import pytest

pytest.importorskip("sphinx")
from sphinx.cmd.build import build_main

from cjdsl import rendering

from .conftest import need_dot

COMMON = 'channel web "Web shop" online\n'
SHOP = """\
journey "Shop"
import "common.journey"
stage buy "Buy" {
  entry touchpoint ad "Instagram ad" @web { link "https://example.com/ad?x=1&y=2" }
  touchpoint cart "Cart" @web
  goal bought "Order placed"
}
stage keep "Keep" {
  exit lost "Lost"
}
ad -> cart 40%
cart -> bought 60%
cart -> lost 30%
"""
PLAIN = 'journey "Plain"\nentry touchpoint a "A"\ngoal b "B"\na -> b 50%\n'
Build = Callable[..., tuple[int, str, str]]


def write(folder: pathlib.Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def site(tmp_path: pathlib.Path) -> pathlib.Path:
    need_dot()
    src = tmp_path / "src"
    write(
        src,
        {
            "conf.py": 'extensions = ["cjdsl.sphinx"]\nnumfig = True\n',
            "journeys/common.journey": COMMON,
            "journeys/shop.journey": SHOP,
            "index.rst": """\
                Home
                ====

                .. toctree::

                   other

                See :numref:`fig-shop` and :ref:`fig-shop`.

                .. journey:: journeys/shop.journey
                   :caption: The shop, from ad to order
                   :name: fig-shop

                .. journey::
                   :theme: dark

                   journey "Plain"
                   entry touchpoint a "A"
                   goal b "B"
                   a -> b 50%
                """,
            "other.rst": """\
                Other
                =====

                .. journey:: plain.journey
                """,
            "plain.journey": PLAIN,
        },
    )
    return src


@pytest.fixture
def build(tmp_path: pathlib.Path) -> Build:
    def run(src: pathlib.Path, *extra: str, out: str = "out") -> tuple[int, str, str]:
        warnings = tmp_path / "warnings.txt"
        target = tmp_path / out
        args = ["-b", "html", "-q", "-W", "--keep-going", "-w", str(warnings)]
        code = build_main([*args, *extra, str(src), str(target)])
        page = target / "index.html"
        html = page.read_text(encoding="utf-8") if page.exists() else ""
        return code, warnings.read_text(encoding="utf-8"), html

    return run


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts calls of the library's render function (the real one still runs)."""
    calls: list[str] = []
    real = rendering.render

    def counting(journey: object, **options: object) -> bytes:
        calls.append(str(options.get("prefix")))
        return real(journey, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(rendering, "render", counting)
    return calls


def diagrams(html: str) -> list[str]:
    return re.findall(r'<div class="cjdsl-container.*?</svg></div></div></div>', html, re.DOTALL)


def test_path_and_inline_journeys_render_as_inline_svg(site: pathlib.Path, build: Build) -> None:
    code, warnings, html = build(site)
    assert code == 0, warnings
    assert warnings == ""
    shop, plain = diagrams(html)
    # `auto`: a light and a dark rendering, the site's scheme shows one of them.
    assert shop.count("<svg") == 2 and 'class="cjdsl-light"' in shop and "cjdsl-dark" in shop
    assert "#0d1117" in shop  # the dark theme's background
    assert plain.count("<svg") == 1 and "#0d1117" in plain and "cjdsl-auto" not in plain
    # node links stay clickable: an <a> with the href inside the inline SVG
    svg = shop[shop.index("<svg") : shop.index("</svg>")]
    assert re.search(r'<a [^>]*href="https://example.com/ad\?x=1&amp;y=2"', svg)
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "two diagrams on one page share ids"
    assert '_static/cjdsl.css"' in html


def test_numbered_figure_with_caption_and_cross_references(
    site: pathlib.Path, build: Build
) -> None:
    code, warnings, html = build(site)
    assert code == 0, warnings
    figure = re.search(
        r'<figure class="[^"]*cjdsl-figure[^"]*" id="fig-shop">(.*?)</figure>', html, re.S
    )
    assert figure is not None
    assert "Fig. 1" in figure.group(1) and "The shop, from ad to order" in figure.group(1)
    assert "<svg" in figure.group(1)
    refs = re.findall(r'<a class="reference internal" href="#fig-shop">(.*?)</a>', html, re.S)
    texts = [re.sub(r"<[^>]+>", "", r) for r in refs]
    assert "Fig. 1" in texts and "The shop, from ad to order" in texts


def test_css_follows_light_and_dark_site_schemes(site: pathlib.Path, build: Build) -> None:
    build(site)
    css = (site.parent / "out" / "_static" / "cjdsl.css").read_text(encoding="utf-8")
    for selector in (
        'body[data-theme="dark"] .cjdsl-auto > .cjdsl-light',  # furo
        'html[data-theme="dark"] .cjdsl-auto > .cjdsl-dark',  # pydata
        '[data-md-color-scheme="slate"] .cjdsl-auto > .cjdsl-dark',  # mkdocs-material
        "@media (prefers-color-scheme: dark)",
        "@media print",
    ):
        assert selector in css


def test_a_broken_journey_warns_with_its_location_and_fails_W_on_every_build(
    site: pathlib.Path, build: Build
) -> None:
    shop = site / "journeys" / "shop.journey"
    shop.write_text(SHOP.replace("cart -> bought", "cart -> boughtt"), encoding="utf-8")
    for _ in range(2):  # the second build must not go quiet
        code, warnings, html = build(site)
        assert code != 0
        line = SHOP.splitlines().index("cart -> bought 60%") + 1
        assert f"{shop}:{line}:9: ERROR: CJ101 unknown touchpoint `boughtt`" in warnings
        assert "did you mean `bought`?" in warnings and "[cjdsl.CJ101]" in warnings
        assert "This journey was not rendered" in html  # a note in the page, no crash
        assert "Traceback" not in warnings


def test_a_broken_inline_journey_points_at_the_page_line(site: pathlib.Path, build: Build) -> None:
    index = site / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace("   a -> b 50%", "   a -> b 150"),
        encoding="utf-8",
    )
    line = index.read_text(encoding="utf-8").splitlines().index("   a -> b 150") + 1
    for _ in range(2):
        code, warnings, _html = build(site)
        assert code != 0
        assert f"{index}:{line}:11: ERROR: CJ301" in warnings


def test_warnings_of_a_valid_journey_repeat_and_can_be_suppressed(
    site: pathlib.Path, build: Build
) -> None:
    (site / "plain.journey").write_text(
        PLAIN.replace('goal b "B"', 'goal b "B"\npersona nobody "Nobody"'), encoding="utf-8"
    )
    for _ in range(2):
        code, warnings, _html = build(site)
        assert code != 0 and "plain.journey:4:9: WARNING: CJ402" in warnings
    conf = site / "conf.py"
    conf.write_text(conf.read_text() + 'suppress_warnings = ["cjdsl.CJ402"]\n', encoding="utf-8")
    code, warnings, _html = build(site)
    assert code == 0, warnings


def test_an_unchanged_site_rebuilds_without_graphviz_and_imports_invalidate(
    site: pathlib.Path, build: Build, renders: list[str]
) -> None:
    assert build(site)[0] == 0
    assert len(renders) == 5  # shop light + dark, inline dark, other page light + dark
    renders.clear()
    assert build(site)[0] == 0
    assert build(site, "-E")[0] == 0  # a fresh environment reads every page again
    assert renders == []
    common = site / "journeys" / "common.journey"
    common.write_text(COMMON.replace('"Web shop"', '"Online shop"'), encoding="utf-8")
    code, warnings, html = build(site)
    assert code == 0, warnings
    assert len(renders) == 2 and all(p.startswith("cj-index-") for p in renders)
    assert "Online shop" in html


def test_output_is_deterministic(site: pathlib.Path, build: Build) -> None:
    first = diagrams(build(site, out="one")[2])
    second = diagrams(build(site, out="two")[2])
    assert first and first == second


def test_options_persona_direction_highlight_and_image_files(
    tmp_path: pathlib.Path, build: Build
) -> None:
    need_dot()
    src = tmp_path / "src"
    write(
        src,
        {
            "conf.py": 'extensions = ["cjdsl.sphinx"]\n',
            "common.journey": COMMON,
            "shop.journey": SHOP,
            "index.rst": """\
                Options
                =======

                .. journey:: shop.journey
                   :highlight: ad -> cart -> bought
                   :direction: TB
                   :theme: light

                .. journey:: shop.journey
                   :format: svg
                   :alt: The shop as an image
                   :class: wide

                .. journey:: shop.journey
                   :format: png
                   :theme: print
                   :source: below

                .. journey:: shop.journey
                   :source: only
                """,
        },
    )
    code, warnings, html = build(src)
    assert code == 0, warnings
    assert html.count('class="node cjdsl-hl"') == 3 and html.count('class="edge cjdsl-hl"') == 2
    assert ".cjdsl-hl" in html and "opacity:.3" in html
    images = sorted((tmp_path / "out" / "_images").iterdir())
    assert sorted(p.suffix for p in images) == [".png", ".svg", ".svg"]
    assert re.search(
        r'<img src="_images/journey-[0-9a-f]{20}\.svg" alt="The shop as an image">', html
    )
    assert 'class="cjdsl-journey wide cjdsl-auto"' in html
    (png,) = (p for p in images if p.suffix == ".png")
    assert png.read_bytes().startswith(b"\x89PNG")
    assert html.count('<div class="highlight-journey notranslate">') == 2  # below, and only
    assert html.count('<div class="cjdsl-container">') == 3  # `only` adds no diagram


def test_bad_options_warn_at_the_directive(tmp_path: pathlib.Path, build: Build) -> None:
    need_dot()
    src = tmp_path / "src"
    write(
        src,
        {
            "conf.py": 'extensions = ["cjdsl.sphinx"]\n',
            "plain.journey": PLAIN,
            "index.rst": """\
                Bad
                ===

                .. journey:: plain.journey
                   :theme: darkk

                .. journey:: plain.journey
                   :highlight: a -> c

                .. journey:: missing.journey
                """,
        },
    )
    code, warnings, html = build(src)
    assert code != 0
    index = src / "index.rst"
    assert f"{index}:4: WARNING: journey directive: unknown theme `darkk`" in warnings
    assert "did you mean `dark`?" in warnings
    assert f"{index}:7: WARNING: journey directive: unknown touchpoint to highlight `c`" in warnings
    assert f"{index}:10: WARNING: journey directive: cannot read missing.journey" in warnings
    assert html.count("This journey was not rendered") == 2


MAPPED = """\
journey "Shop für Läufer"
persona anna "Anna, 36"
channel web "Web shop" online
stage buy "Buy" {
  entry touchpoint ad "Instagram <ad>" @web { emotion +1 "curious"; action "Taps the reel" }
  touchpoint cart "Cart" @web for anna { emotion -1 "annoyed"; pain "Shipping costs" }
  goal bought "Order placed"
}
stage keep "Keep" {
  exit lost "Lost"
}
ad -> cart 40%
cart -> bought 60%
cart -> lost 30%
"""


def test_the_map_view_embeds_journey_maps_that_never_clash(
    tmp_path: pathlib.Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cjdsl.rendering import journey_map

    made: list[str] = []
    real = journey_map.fragment

    def counting(journey: object, *args: object, **options: object) -> str:
        made.append(str(options.get("prefix")))
        return real(journey, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(journey_map, "fragment", counting)
    src = tmp_path / "src"
    write(
        src,
        {
            # A site-wide image format is for diagrams; maps are HTML whatever it says.
            "conf.py": 'extensions = ["cjdsl.sphinx"]\nnumfig = True\ncjdsl_format = "svg"\n',
            "shop.journey": MAPPED,
            "index.rst": """\
                Maps
                ====

                .. journey:: shop.journey
                   :view: map
                   :caption: The shop as a journey map
                   :name: map-shop

                .. journey:: shop.journey
                   :view: map
                   :persona: anna
                   :theme: dark
                   :class: wall
                """,
        },
    )
    code, warnings, html = build(src)
    assert code == 0, warnings
    maps = re.findall(r'<section class="cjdsl-map (cjm-\w+)[^"]*" id="([^"]+)"', html)
    assert [theme for theme, _ in maps] == ["cjm-auto", "cjm-dark"]
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "two maps on one page share ids"
    assert len(set(re.findall(r'fill="url\(#([^)]+)\)"', html))) == 2
    assert "Instagram &lt;ad&gt;" in html and "Shop für Läufer" in html
    figure = re.search(r'<figure class="[^"]*" id="map-shop">(.*?)</figure>', html, re.S)
    assert figure and "cjdsl-map" in figure.group(1) and "Fig. 1" in figure.group(1)
    assert 'class="cjdsl-map-frame wall"' in html
    second = html[html.rindex("<section") :]
    assert "Anna, 36" in second and "· Anna, 36" in second  # the persona's own map
    css = (tmp_path / "out" / "_static" / "cjdsl.css").read_text(encoding="utf-8")
    assert '[data-md-color-scheme="slate"] .cjdsl-map.cjm-auto' in css
    assert 'body[data-theme="dark"] .cjdsl-map.cjm-auto' in css and "@page" not in css
    assert len(made) == 2
    made.clear()
    assert build(src, "-E")[0] == 0
    assert made == [], "an unchanged map is read from the cache"
    (src / "shop.journey").write_text(MAPPED.replace("Cart", "Basket"), encoding="utf-8")
    code, warnings, html = build(src)
    assert code == 0 and len(made) == 2 and "Basket" in html


def test_map_options_that_only_diagrams_have_warn(tmp_path: pathlib.Path, build: Build) -> None:
    src = tmp_path / "src"
    write(
        src,
        {
            "conf.py": 'extensions = ["cjdsl.sphinx"]\n',
            "shop.journey": MAPPED,
            "index.rst": """\
                Bad
                ===

                .. journey:: shop.journey
                   :view: map
                   :format: png

                .. journey:: shop.journey
                   :view: map
                   :persona: zed
                """,
        },
    )
    code, warnings, html = build(src)
    assert code != 0
    index = src / "index.rst"
    assert f"{index}:4: WARNING: journey directive: the `map` view is HTML" in warnings
    assert "cannot render: unknown persona `zed` (personas: anna)" in warnings
    assert html.count("This journey was not rendered") == 2


def test_imports_may_not_leave_the_source_folder_unless_allowed(
    site: pathlib.Path, build: Build
) -> None:
    (site.parent / "outside.journey").write_text(COMMON, encoding="utf-8")
    shop = site / "journeys" / "shop.journey"
    shop.write_text(SHOP.replace('"common.journey"', '"../../outside.journey"'), "utf-8")
    code, warnings, _html = build(site)
    assert code != 0 and f"{shop}:2:8: ERROR: CJ114" in warnings
    conf = site / "conf.py"
    conf.write_text(conf.read_text("utf-8") + "cjdsl_allow_imports_outside = True\n", "utf-8")
    code, warnings, _html = build(site, "-E")
    assert "CJ114" not in warnings


def test_diagrams_speak_the_site_s_language_unless_told(site: pathlib.Path, build: Build) -> None:
    (site / "conf.py").write_text(
        'extensions = ["cjdsl.sphinx"]\nnumfig = True\nlanguage = "de"\n', encoding="utf-8"
    )
    code, warnings, html = build(site)
    assert code == 0, warnings
    assert "Legende" in html and ">Legend<" not in html
    (site / "index.rst").write_text(
        "Home\n====\n\n.. toctree::\n\n   other\n\n"
        ".. journey:: journeys/shop.journey\n   :lang: en\n",
        encoding="utf-8",
    )
    code, warnings, html = build(site, out="english")
    assert code == 0, warnings
    assert ">Legend<" in html and "Legende" not in html
