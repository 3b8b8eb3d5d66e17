"""The project configuration outside `check`: `render` takes its theme, direction and lang
as the flags' defaults, and a real MkDocs build reads it (codes, theme) for its journeys."""

from __future__ import annotations

import logging
import pathlib
import re

import pytest
from click.testing import CliRunner

from cjdsl.cli import cli
from cjdsl.docsites import support

from .conftest import need_dot

DEAD_END = 'journey "Shop"\nentry touchpoint ad "Anzeige"\ntouchpoint shop "Laden"\ngoal g "G"\n'
DEAD_END += "ad -> g 20%\nad -> shop 30%\n"


def dot(*args: str) -> str:
    result = CliRunner().invoke(cli, ["render", "-f", "dot", "-o", "-", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_render_takes_the_project_s_theme_direction_and_lang(tmp_path: pathlib.Path) -> None:
    journey = tmp_path / "journeys" / "shop.journey"
    journey.parent.mkdir()
    journey.write_text(DEAD_END, encoding="utf-8")
    plain = dot(str(journey))
    assert 'rankdir="LR"' in plain and "#0d1117" not in plain
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cjdsl]\ntheme = "dark"\ndirection = "TB"\nlang = "de"\n', encoding="utf-8"
    )
    configured = dot(str(journey))
    assert 'rankdir="TB"' in configured and "#0d1117" in configured
    assert "Legende" in configured and "Legend<" not in configured
    flags = dot(str(journey), "--direction", "LR", "--theme", "light", "--lang", "en")
    assert flags == plain  # the flags win over the file


def test_a_journey_s_own_lang_beats_the_project_s(tmp_path: pathlib.Path) -> None:
    (tmp_path / "cjdsl.toml").write_text('lang = "de"\n', encoding="utf-8")
    journey = tmp_path / "shop.journey"
    journey.write_text(DEAD_END.replace("\n", '\n  lang "en"\n', 1), encoding="utf-8")
    assert "Legend<" in dot(str(journey)) and "Legende" not in dot(str(journey))
    assert "Legende" in dot(str(journey), "--lang", "de")


def test_project_options_fill_only_what_the_plugin_leaves_at_its_default(
    tmp_path: pathlib.Path,
) -> None:
    (tmp_path / "cjdsl.toml").write_text('theme = "dark"\ndirection = "TB"\n', encoding="utf-8")
    site = {"theme": "auto", "direction": "LR", "format": "inline"}
    assert support.project_options(site, tmp_path) == {
        "theme": "dark",
        "direction": "TB",
        "format": "inline",
    }
    chosen = {"theme": "print", "direction": "LR"}
    assert support.project_options(chosen, tmp_path)["theme"] == "print"


MKDOCS = """\
site_name: Test
theme:
  name: material
  font: false
plugins:
  - cjdsl
"""


def test_a_mkdocs_build_reads_the_project_configuration(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    need_dot()
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    caplog.set_level(logging.INFO)
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(
        f"# Home\n\n```journey\n{DEAD_END}```\n\n![Laden](laden.journey)\n", encoding="utf-8"
    )
    marked = DEAD_END.replace('"Laden"', '"Laden"  # cjdsl: ignore[dead-end]')
    (tmp_path / "docs" / "laden.journey").write_text(marked, encoding="utf-8")

    def build() -> tuple[str, str]:
        caplog.clear()
        config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
        return (tmp_path / "site" / "index.html").read_text(encoding="utf-8"), caplog.text

    html, log = build()
    assert log.count("CJ201") == 1  # the fence's; the file's is suppressed by its comment
    assert "cjdsl-dark" in html  # theme auto: light and dark
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cjdsl]\nignore = ["dead-end"]\ntheme = "dark"\n', encoding="utf-8"
    )
    html, log = build()
    assert "CJ201" not in log
    svgs = [s for s in re.findall(r"<svg.*?</svg>", html, re.DOTALL) if "Anzeige" in s]
    assert len(svgs) == 2 and all("#0d1117" in svg for svg in svgs)
    assert "cjdsl-light" not in html


def test_a_sphinx_build_reads_the_project_configuration(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("sphinx")
    from sphinx.cmd.build import build_main

    need_dot()
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["cjdsl.sphinx"]\n', encoding="utf-8")
    (src / "shop.journey").write_text(DEAD_END, encoding="utf-8")
    (src / "index.rst").write_text("Home\n====\n\n.. journey:: shop.journey\n", encoding="utf-8")

    def build() -> tuple[int, str, str]:
        warnings = tmp_path / "warnings.txt"
        out = tmp_path / "out"
        args = ["-b", "html", "-q", "-E", "-W", "--keep-going", "-w", str(warnings)]
        code = build_main([*args, str(src), str(out)])
        html = (out / "index.html").read_text(encoding="utf-8")
        return code, warnings.read_text(encoding="utf-8"), html

    code, warnings, html = build()
    assert code != 0 and "CJ201" in warnings and "cjdsl-dark" in html
    (src / "cjdsl.toml").write_text('ignore = ["CJ2"]\ntheme = "print"\n', encoding="utf-8")
    code, warnings, html = build()
    assert code == 0, warnings
    assert "cjdsl-dark" not in html and "cjdsl-print" in html
