"""The MkDocs plugin and the superfences formatter: real MkDocs builds with mkdocs-material."""

from __future__ import annotations

import logging
import pathlib
import re
import textwrap
from collections.abc import Callable

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("material")
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from cjdsl import rendering

from .conftest import need_dot

COMMON = 'channel web "Web shop" online\n'
SHOP = """\
journey "Shop"
import "common.journey"
stage buy "Buy" {
  entry touchpoint ad "Instagram ad" @web { link "https://example.com/ad" }
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
CONFIG = """\
site_name: Test
theme:
  name: material
  font: false
  palette:
    - scheme: default
      toggle: {icon: material/brightness-4, name: Dark}
    - scheme: slate
      toggle: {icon: material/brightness-7, name: Light}
plugins:
  - cjdsl
"""
INDEX = """\
# Home

![The shop](journeys/shop.journey "The shop, from ad to order"){#fig-shop}

Inline code is left alone: `![x](journeys/shop.journey)`.

```journey {theme=dark persona=anna}
journey "Inline"
persona anna "Anna"
entry touchpoint a "A" for anna
goal b "B"
a -> b 50%
```

````markdown
```journey
this is how a fence is written, not a journey
```
````

- In a list:

    ```journey
    journey "Listed"
    entry touchpoint a "A"
    goal b "B"
    a -> b
    ```
"""
Build = Callable[..., tuple[str, str]]


def write(folder: pathlib.Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def site(tmp_path: pathlib.Path) -> pathlib.Path:
    need_dot()
    write(
        tmp_path,
        {
            "mkdocs.yml": CONFIG,
            "docs/index.md": INDEX,
            "docs/journeys/common.journey": COMMON,
            "docs/journeys/shop.journey": SHOP,
            "docs/other.md": "# Other\n\n![Plain](plain.journey)\n",
            "docs/plain.journey": 'journey "Plain"\nentry touchpoint a "A"\ngoal b "B"\na -> b\n',
        },
    )
    return tmp_path


@pytest.fixture
def build(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Build:
    """Build a site in-process; returns (index.html, log) and raises Abort like the CLI."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    caplog.set_level(logging.INFO)

    def run(root: pathlib.Path, *, strict: bool = True, site_dir: str = "site") -> tuple[str, str]:
        caplog.clear()
        config = load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(root / site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
        index = root / site_dir / "index.html"
        return index.read_text(encoding="utf-8"), caplog.text

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


def journeys(html: str) -> list[str]:
    return re.findall(r'<div class="cjdsl-journey.*?</svg></div></div>', html, re.DOTALL)


def test_fences_and_references_become_inline_diagrams(site: pathlib.Path, build: Build) -> None:
    html, log = build(site)
    assert "cjdsl" not in log
    shop, inline, listed = journeys(html)
    assert 'class="cjdsl-light"' in shop and 'class="cjdsl-dark"' in shop
    assert re.search(r'<a [^>]*href="https://example.com/ad"', shop[: shop.index("</svg>")])
    assert '<figure class="cjdsl-figure" id="fig-shop">' in html
    assert "<figcaption>The shop, from ad to order</figcaption>" in html
    assert "#0d1117" in inline and inline.count("<svg") == 1
    assert "Listed" in listed
    assert "this is how a fence is written" in html  # the nested example stays code
    assert "<code>![x](journeys/shop.journey)</code>" in html
    ids = re.findall(r'\sid="([^"]+)"', html[html.index("<article") :])
    assert len(ids) == len(set(ids))  # and a figure's anchor is not repeated inside it
    assert "assets/cjdsl/cjdsl.css" in html
    css = (site / "site" / "assets" / "cjdsl" / "cjdsl.css").read_text(encoding="utf-8")
    assert '[data-md-color-scheme="slate"] .cjdsl-auto > .cjdsl-dark' in css


def test_a_broken_fence_is_a_located_warning_and_fails_strict(
    site: pathlib.Path, build: Build
) -> None:
    index = site / "docs" / "index.md"
    index.write_text(INDEX.replace("    a -> b\n", "    a -> bb\n"), encoding="utf-8")
    line = INDEX.splitlines().index("    a -> b") + 1
    for _ in range(2):
        with pytest.raises(Abort):
            build(site)
    html, log = build(site, strict=False)  # no crash: the page says what is wrong
    assert f"cjdsl: docs/index.md:{line}:10: CJ101 unknown touchpoint `bb`" in log
    assert "This journey was not rendered" in html and "docs/index.md:" in html


def test_a_broken_referenced_file_points_at_the_file(site: pathlib.Path, build: Build) -> None:
    (site / "docs" / "journeys" / "shop.journey").write_text(
        SHOP.replace("ad -> cart 40%", "ad -> cart 140%"), encoding="utf-8"
    )
    with pytest.raises(Abort):
        build(site)
    _html, log = build(site, strict=False)
    assert "cjdsl: docs/journeys/shop.journey:11:12: CJ301" in log
    assert "(shown in docs/index.md:3)" in log


def test_unchanged_site_rebuilds_without_graphviz_and_imports_invalidate(
    site: pathlib.Path, build: Build, renders: list[str]
) -> None:
    build(site)
    assert len(renders) == 7  # shop, listed and the other page light + dark; inline dark
    renders.clear()
    build(site)
    assert renders == []
    assert (site / ".cache" / "cjdsl").is_dir()
    (site / "docs" / "journeys" / "common.journey").write_text(
        COMMON.replace('"Web shop"', '"Online shop"'), encoding="utf-8"
    )
    html, _log = build(site)
    assert len(renders) == 2 and all("-index-" in p for p in renders)
    assert "Online shop" in html


def test_output_is_deterministic(site: pathlib.Path, build: Build) -> None:
    first = journeys(build(site, site_dir="one")[0])
    (site / ".cache").rename(site / "old-cache")
    second = journeys(build(site, site_dir="two")[0])
    assert first and first == second


def test_image_files_and_options(site: pathlib.Path, build: Build) -> None:
    write(
        site,
        {
            "docs/guide/images.md": (
                "# Images\n\n"
                "![Shop](../journeys/shop.journey)"
                '{format=svg theme=light highlight="ad -> cart"}\n\n'
                "![Shop](/journeys/shop.journey){format=png source=above}\n\n"
                "![Typo](../journeys/shop.journey){theme=darkk}\n"
            )
        },
    )
    with pytest.raises(Abort):
        build(site)
    _html, log = build(site, strict=False)
    assert "cjdsl: docs/guide/images.md:7: unknown theme `darkk`" in log
    page = (site / "site" / "guide" / "images" / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'<img src="../../assets/cjdsl/(journey-[0-9a-f]{20}\.(?:svg|png))"', page)
    assert len(names) == 3  # svg (light), png light + dark
    for name in names:
        assert (site / "site" / "assets" / "cjdsl" / name).exists()
    svg = (site / "site" / "assets" / "cjdsl" / names[0]).read_text(encoding="utf-8")
    assert 'class="node cjdsl-hl"' in svg and "<style>" in svg
    assert 'class="language-journey"' in page


SUPERFENCES = """\
site_name: Fences
theme:
  name: material
  font: false
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: journey
          class: journey
          validator: !!python/name:cjdsl.mkdocs.fence_validator
          format: !!python/name:cjdsl.mkdocs.fence_formatter
"""


def test_superfences_route_renders_and_raises_on_broken_journeys(
    tmp_path: pathlib.Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_dot()
    monkeypatch.chdir(tmp_path)
    page = textwrap.dedent(
        """\
        # Fences

        ```journey theme="light"
        journey "Fenced"
        entry touchpoint a "A" { link "https://example.com/a" }
        goal b "B"
        a -> b
        ```
        """
    )
    write(tmp_path, {"mkdocs.yml": SUPERFENCES, "docs/index.md": page})
    html, _log = build(tmp_path)
    assert html.count("<svg") >= 1 and 'href="https://example.com/a"' in html
    assert "cjdsl-journey" in html
    (tmp_path / "docs" / "index.md").write_text(page.replace("a -> b", "a -> c"))
    with pytest.raises(Abort):
        build(tmp_path, strict=False)  # an error, not swallowed into a plain code block
    (tmp_path / "docs" / "index.md").write_text(page.replace('theme="light"', 'theme="blue"'))
    with pytest.raises(Abort):
        build(tmp_path, strict=False)


def test_superfences_error_names_the_page_line(
    tmp_path: pathlib.Path,
    build: Build,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    need_dot()
    monkeypatch.chdir(tmp_path)
    page = '# F\n\ntext\n\n```journey\njourney "F"\nentry touchpoint a "A"\na -> zz\n```\n'
    write(tmp_path, {"mkdocs.yml": SUPERFENCES, "docs/index.md": page})
    with pytest.raises(Abort):
        build(tmp_path, strict=False)
    assert "the journey fence in docs/index.md has errors" in caplog.text
    assert "\n  docs/index.md:8:6: CJ101 unknown touchpoint `zz`" in caplog.text
    assert "Traceback" not in caplog.text


def test_superfences_warnings_name_the_fence_line(
    tmp_path: pathlib.Path,
    build: Build,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    need_dot()
    monkeypatch.chdir(tmp_path)
    fence = 'journey "F"\nentry touchpoint a\ngoal b\na -> b\n'
    page = f'# F\n\ntext\n\n```journey highlight="a -> zz"\n{fence}```\n'
    write(tmp_path, {"mkdocs.yml": SUPERFENCES, "docs/index.md": page})
    build(tmp_path, strict=False)
    assert "cjdsl: docs/index.md:5: " in caplog.text and "zz" in caplog.text


def test_source_flavours_show_code_without_rendering(site: pathlib.Path, build: Build) -> None:
    write(
        site,
        {
            "docs/source.md": (
                "# Source\n\n"
                "```journey-source\n"
                'journey "Broken on purpose"\nstage awareness "Awareness" }\n'
                "```\n\n"
                "![Shop](journeys/shop.journey){source=only}\n\n"
                "```journey {source=below zoom=fit}\n"
                'journey "Both"\nentry touchpoint a "A"\ngoal b "B"\na -> b\n'
                "```\n"
            )
        },
    )
    _html, log = build(site)  # the broken example is not checked: no warning
    assert "cjdsl:" not in log
    page = (site / "site" / "source" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="cjdsl-source highlight"') == 3
    assert "Broken on purpose" in page and "This journey was not rendered" not in page
    assert page.count('class="cjdsl-journey') == 1  # only the last block is a diagram
    both = page[page.index('class="cjdsl-journey') :]
    assert both.index("</svg>") < both.index("cjdsl-source")  # source below the diagram
    assert "min-width" not in both[: both.index("</svg>")]  # zoom=fit: no minimum size
    assert '<span class="k' in page  # highlighted by the journey lexer


def test_wide_diagrams_keep_a_readable_minimum_size(site: pathlib.Path, build: Build) -> None:
    html, _log = build(site)
    shop = journeys(html)[0]
    width = re.search(r'<svg width="([0-9.]+)pt"', shop)
    least = re.search(r'style="min-width:([0-9]+)pt"', shop)
    assert width and least and int(least.group(1)) == round(float(width.group(1)) * 0.75)


MAPS = """\
# Maps

![The shop as a map](journeys/shop.journey "The shop, mapped"){view=map #map-shop}

```journey {view=map persona=anna theme=light source=below}
journey "Für Anna"
persona anna "Anna"
persona ben "Ben"
entry touchpoint a "Anzeige <neu>" for anna { emotion +1 "neugierig" }
touchpoint c "Only Ben" for ben
goal b "B"
a -> b 50%
a -> c for ben
c -> b
```
"""


@pytest.fixture
def maps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts journey maps made (the real function still runs)."""
    from cjdsl.rendering import journey_map

    made: list[str] = []
    real = journey_map.fragment

    def counting(journey: object, *args: object, **options: object) -> str:
        made.append(str(options.get("prefix")))
        return real(journey, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(journey_map, "fragment", counting)
    return made


def test_the_map_view_embeds_cached_journey_maps(
    site: pathlib.Path, build: Build, maps: list[str], renders: list[str]
) -> None:
    write(site, {"docs/maps.md": MAPS})
    _html, log = build(site)
    assert "cjdsl:" not in log
    page = (site / "site" / "maps" / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="cjdsl-map (cjm-\w+)" id="([^"]+)"', page)
    assert [theme for theme, _ in sections] == ["cjm-auto", "cjm-light"]
    ids = re.findall(r'\sid="([^"]+)"', page[page.index("<article") :])
    assert len(ids) == len(set(ids)), "two maps on one page share ids"
    assert '<figure class="cjdsl-figure" id="map-shop">' in page
    assert "<figcaption>The shop, mapped</figcaption>" in page
    fenced = page[page.rindex("<section") :]
    shown = fenced[: fenced.index("</section>")]
    assert "Anzeige &lt;neu&gt;" in shown and "Für Anna" in shown and "Only Ben" not in shown
    assert "cjdsl-source" in fenced[len(shown) :]  # the source below the map
    assert "<p><section" not in page and "<p><div" not in page  # not wrapped in a paragraph
    assert not any("maps" in p for p in renders), "maps need no Graphviz"
    assert len(maps) == 2
    maps.clear()
    build(site, site_dir="again")
    assert maps == []
    css = (site / "site" / "assets" / "cjdsl" / "cjdsl.css").read_text(encoding="utf-8")
    assert ".cjdsl-map .cjm-stage-in" in css
    assert '[data-md-color-scheme="slate"] .cjdsl-map.cjm-auto' in css


def test_map_view_options_are_checked_where_they_are_written(
    site: pathlib.Path, build: Build
) -> None:
    write(
        site,
        {
            "docs/maps.md": (
                "# Maps\n\n![Shop](journeys/shop.journey){view=map format=png}\n\n"
                "![Shop](journeys/shop.journey){view=map highlight=probable}\n"
            )
        },
    )
    with pytest.raises(Abort):
        build(site)
    _html, log = build(site, strict=False)
    assert "cjdsl: docs/maps.md:3: the `map` view is HTML in the page" in log
    assert "cjdsl: docs/maps.md:5: `highlight` is for diagrams" in log


def test_superfences_route_renders_maps(
    tmp_path: pathlib.Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    page = '# F\n\n```journey view="map"\njourney "Fenced map"\nentry touchpoint a "A"\n'
    page += 'goal b "B"\na -> b\n```\n'
    write(tmp_path, {"mkdocs.yml": SUPERFENCES, "docs/index.md": page})
    html, _log = build(tmp_path)
    assert '<section class="cjdsl-map cjm-auto"' in html and "Fenced map" in html


def test_imports_may_not_leave_the_project_unless_allowed(site: pathlib.Path, build: Build) -> None:
    outside = site.parent / "outside.journey"
    outside.write_text(COMMON, encoding="utf-8")
    shop = site / "docs" / "journeys" / "shop.journey"
    shop.write_text(SHOP.replace('"common.journey"', '"../../../outside.journey"'), "utf-8")
    _html, log = build(site, strict=False)
    assert "cjdsl: docs/journeys/shop.journey:2:8: CJ114" in log
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - cjdsl\n", "  - cjdsl:\n      allow_imports_outside: true\n"
        ),
        encoding="utf-8",
    )
    _html, log = build(site, strict=False)
    assert "CJ114" not in log


def test_a_missing_referenced_file_is_a_located_warning(site: pathlib.Path, build: Build) -> None:
    index = site / "docs" / "index.md"
    index.write_text(
        index.read_text("utf-8") + "\n![Gone](journeys/missing.journey)\n", encoding="utf-8"
    )
    _html, log = build(site, strict=False)
    assert "cannot read `journeys/missing.journey`" in log
    assert "Traceback" not in log


def test_diagrams_speak_the_theme_s_language_unless_told(site: pathlib.Path, build: Build) -> None:
    config = CONFIG.replace("  name: material\n", "  name: material\n  language: de\n")
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    html, _ = build(site)
    assert "Legende" in html and ">Legend<" not in html
    (site / "mkdocs.yml").write_text(
        config.replace("  - cjdsl\n", "  - cjdsl:\n      lang: en\n"), encoding="utf-8"
    )
    html, _ = build(site, site_dir="english")
    assert ">Legend<" in html and "Legende" not in html
