"""The core the documentation plugins share: options, located problems, the render cache."""

from __future__ import annotations

import pathlib
import re

import pytest

from cjdsl import rendering
from cjdsl.docsites import support

from .conftest import need_dot

SHOP = (
    'journey "Shop"\nimport "common.journey"\nentry touchpoint ad "Ad" @web\ngoal b "B"\nad -> b\n'
)


def test_options_are_validated_with_the_allowed_values() -> None:
    options = support.Options().replace({"theme": "dark", "zoom": "fit", "class": "a b"})
    assert (options.theme, options.zoom, options.classes) == ("dark", 0.0, ("a", "b"))
    for values, message in [
        ({"theme": "darkk"}, "unknown theme `darkk` (choose from auto, light, dark, print)"),
        ({"colour": "x"}, "unknown option `colour`"),
        ({"view": "chart"}, "unknown view `chart` (choose from diagram, map, blueprint)"),
        ({"view": "map", "format": "png"}, "the `map` view is HTML in the page"),
        ({"view": "map", "highlight": "probable"}, "`highlight` is for diagrams"),
        ({"zoom": "3"}, "`zoom` is `fit` or a number from 0 to 1"),
        ({"highlight": "a -> (b)"}, "cannot read the highlight"),
        ({"format": "png", "highlight": "a"}, "`highlight` needs SVG"),
        ({"name": "1st"}, "cannot be an anchor"),
    ]:
        with pytest.raises(support.OptionError, match=re.escape(message)):
            support.Options().replace(values)


def test_info_strings_take_braces_quotes_anchors_and_classes() -> None:
    assert support.parse_info('persona=anna caption="A B"') == {"persona": "anna", "caption": "A B"}
    assert support.parse_info("{#fig .a .b}") == {"name": "fig", "class": "a b"}
    with pytest.raises(support.OptionError, match="write `key=value`"):
        support.parse_info("dark")
    with pytest.raises(support.OptionError, match="cannot read the options"):
        support.parse_info('caption="open')


def test_problems_of_inline_journeys_point_into_the_page(tmp_path: pathlib.Path) -> None:
    compiled = support.compile_inline('journey "X"\na -> b\n', path=tmp_path / "page.md")
    found = support.problems(compiled, inline_at=("page.md", 10, 4))
    assert (found[0].path, found[0].line, found[0].code) == ("page.md", 11, "CJ101")
    assert str(found[0]).startswith("page.md:11:5: CJ101 unknown touchpoint `a`")
    assert support.reported(found, "error") == tuple(
        p for p in found if p.severity.value == "error"
    )


def test_imports_are_read_once_and_listed_as_dependencies(tmp_path: pathlib.Path) -> None:
    (tmp_path / "common.journey").write_text('channel web "Web"\n', encoding="utf-8")
    compiled = support.compile_inline(
        SHOP + 'import "missing.journey"\n', path=tmp_path / "s.journey"
    )
    assert compiled.dependencies == (
        str(tmp_path / "common.journey"),
        str(tmp_path / "missing.journey"),
    )
    assert compiled.imports == ((str(tmp_path / "common.journey"), 'channel web "Web"\n'),)


def test_the_cache_key_follows_imports_and_options_but_not_display_settings(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_dot()
    calls: list[str] = []
    real = rendering.render

    def counting(journey: object, **arguments: object) -> bytes:
        drawn = arguments["options"]
        assert isinstance(drawn, rendering.Options)
        calls.append(drawn.theme)
        return real(journey, **arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(rendering, "render", counting)
    common = tmp_path / "common.journey"
    common.write_text('channel web "Web"\n', encoding="utf-8")
    cache = support.Cache(tmp_path / "cache")

    def render(**values: str) -> tuple[support.Image, ...]:
        compiled = support.compile_inline(SHOP, path=tmp_path / "shop.journey")
        options = support.Options().replace(values)
        return support.render(compiled, options, prefix="p", cache=cache)

    first = render()
    assert calls == ["light", "dark"] and [i.prefix for i in first] == ["p", "p-dark"]
    assert render(zoom="fit", caption="x") == first and len(calls) == 2
    render(direction="TB")
    assert len(calls) == 4
    common.write_text('channel web "Online"\n', encoding="utf-8")
    assert b"Online" in render()[0].data and len(calls) == 6


def test_the_graphviz_version_is_remembered_beside_a_stamp_of_dot(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_dot()
    asked: list[str] = []
    real = rendering.engines.version

    def counting(engine: str = "auto") -> str:
        asked.append(engine)
        return real(engine)

    monkeypatch.setattr(rendering.engines, "version", counting)
    cache = support.Cache(tmp_path)
    version = support.graphviz_version("dot", cache)
    assert version.startswith("dot ") and version[4].isdigit()
    assert support.graphviz_version("auto", cache) == version
    assert asked == ["dot"]
    assert support.graphviz_version("wasm", cache).startswith("wasm ")


def test_a_referenced_file_that_is_no_utf8_is_a_located_diagnostic(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.journey"
    bad.write_bytes(b'journey "J"\nentry touchpoint a "\xff"\n')
    compiled = support.compile_referenced(bad, shown="bad.journey")
    (diagnostic,) = compiled.document.diagnostics
    assert diagnostic.code.id == "CJ006" and diagnostic.hint == "save the file as UTF-8"
    assert (diagnostic.span.line, diagnostic.span.col) == (2, 21)
