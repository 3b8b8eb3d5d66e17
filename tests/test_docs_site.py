"""The project's own documentation site: built with --strict, and its diagrams seen in a browser."""

from __future__ import annotations

import html
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from .browser import Browser
from .browser import chromium as chromium_binary
from .conftest import EXAMPLES, ROOT, need, need_dot

pytest.importorskip("mkdocs")
pytest.importorskip("material")

NAV = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
# The light and dark themes' emotion fills and backgrounds (cjdsl.rendering.themes).
LIGHT = [(207, 227, 241), (156, 200, 232), (244, 166, 160), (251, 213, 204)]
DARK = [(31, 58, 82), (29, 79, 122), (13, 17, 23), (110, 43, 43)]


def test_every_example_has_a_page_that_renders_it_from_source() -> None:
    for path in EXAMPLES:
        page = ROOT / "docs" / "examples" / f"{path.stem}.md"
        assert page.exists(), f"add docs/examples/{path.stem}.md"
        text = page.read_text(encoding="utf-8")
        assert f"](../../examples/{path.name}" in text
        assert "```journey" not in text, "reference the example file; never copy its source"
        assert f"examples/{path.stem}.md" in NAV


def test_every_page_is_in_the_nav() -> None:
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    listed = set(re.findall(r"([\w./-]+\.md)\s*$", NAV, re.MULTILINE))
    assert pages <= listed, sorted(pages - listed)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    need_dot()
    target = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    done = subprocess.run(
        [*command, "-f", str(ROOT / "mkdocs.yml"), "-d", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return target


def test_the_docs_build_with_warnings_as_errors_and_render_every_diagram(
    site: pathlib.Path,
) -> None:
    for path in EXAMPLES:
        page = (site / "examples" / path.stem / "index.html").read_text(encoding="utf-8")
        assert page.count('<div class="cjdsl-journey') == 2  # everyone, and one persona
        assert page.count("<svg") >= 4 and 'class="language-journey"' in page
        assert page.count('<section class="cjdsl-map cjm-auto"') == 1  # and the journey map
    language = (site / "language" / "index.html").read_text(encoding="utf-8")
    assert "cjdsl-journey" in language and "cjdsl-source" in language
    diagnostics = (site / "diagnostics" / "index.html").read_text(encoding="utf-8")
    assert "cjdsl-journey" not in diagnostics and "cjdsl-error" not in diagnostics
    text = html.unescape(re.sub(r"<[^>]+>", "", diagnostics))
    assert 'stage awareness "Awareness" }' in text  # the broken examples are shown, not rendered
    assert diagnostics.count('class="cjdsl-source highlight"') >= 30
    assert (site / "getting-started" / "index.html").exists()
    assert (site / "docs-plugins" / "index.html").exists()
    assert not (site / "img").exists(), "the site renders its diagrams; no pasted images"


def chromium(url: str, out: pathlib.Path, *extra: str) -> subprocess.CompletedProcess[str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    need(browser is not None, "Chromium (Debian package `chromium`)")
    assert browser is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={out.parent / ('profile-' + out.stem)}",
        "--window-size=1400,1000",
        "--virtual-time-budget=5000",
    ]
    return subprocess.run(
        [browser, *flags, *extra, url],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def colour_share(png: pathlib.Path, colours: list[tuple[int, int, int]]) -> float:
    """The share of pixels in the diagram region close to one of ``colours``."""
    from PIL import Image

    with Image.open(png) as image:
        region = image.convert("RGB").crop((340, 300, 1400, 1000))
        data = region.tobytes()
    pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]
    close = sum(
        1
        for r, g, b in pixels
        if any(abs(r - cr) + abs(g - cg) + abs(b - cb) < 12 for cr, cg, cb in colours)
    )
    return close / len(pixels)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_browser_shows_the_diagram_in_the_sites_scheme(
    site: pathlib.Path, tmp_path: pathlib.Path, scheme: str
) -> None:
    pytest.importorskip("PIL")
    url = (site / "examples" / "online-shop" / "index.html").as_uri()
    dark = ["--force-dark-mode"] if scheme == "dark" else []
    dom = chromium(url, tmp_path / "dom.html", "--dump-dom", *dark)
    assert dom.returncode == 0, dom.stderr
    assert re.search(r'<div class="cjdsl-journey[^"]*"><div class="cjdsl-light"><svg', dom.stdout)
    assert 'role="graphics-document document"' in dom.stdout  # node links reachable
    shot = tmp_path / "shot.png"
    done = chromium(url, shot, f"--screenshot={shot}", *dark)
    assert done.returncode == 0 and shot.exists(), done.stderr
    shown, hidden = (LIGHT, DARK) if scheme == "light" else (DARK, LIGHT)
    assert colour_share(shot, shown) > 0.01, "the diagram is not visible"
    assert colour_share(shot, hidden) < 0.001, "the other scheme's diagram shows too"


@pytest.mark.parametrize(
    ("dark", "background"), [(False, "rgb(255, 255, 255)"), (True, "rgb(13, ")]
)
def test_a_browser_shows_the_journey_map_in_the_sites_scheme(
    site: pathlib.Path, dark: bool, background: str
) -> None:
    binary = chromium_binary()
    need(binary is not None, "Chromium (Debian package `chromium`)")
    assert binary is not None
    browser = Browser(binary, width=1400, height=1000, dark=dark)
    try:
        browser.goto((site / "examples" / "versicherung" / "index.html").as_uri())
        seen = browser.evaluate(
            """(() => {
              const map = document.querySelector('.cjdsl-map');
              map.scrollIntoView();
              const r = map.getBoundingClientRect();
              const curve = map.querySelector('.cjm-curve-svg').getBoundingClientRect();
              return {width: r.width, height: r.height, curve: curve.height,
                      background: getComputedStyle(map).backgroundColor,
                      scheme: document.body.getAttribute('data-md-color-scheme'),
                      item: getComputedStyle(map.querySelector('.cjm-persona-list li')).marginLeft,
                      text: map.innerText};
            })()"""
        )
    finally:
        browser.close()
    assert seen["scheme"] == ("slate" if dark else "default")
    assert seen["width"] > 600 and seen["height"] > 800 and seen["curve"] > 100
    assert seen["background"].startswith(background)
    assert seen["item"] == "0px", "the site's list style leaks into the map"
    assert (
        "Kündigung eingegangen" in seen["text"] and "Momente der Wahrheit".upper() in seen["text"]
    )  # lang "de"
