"""The examples: clean under --strict, rendered, and their pictures in docs/img."""

from __future__ import annotations

import pathlib
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

import cjdsl
from cjdsl.cli import cli

from .conftest import EXAMPLES, ROOT, need_dot

SVG = "{http://www.w3.org/2000/svg}"


def test_there_are_at_least_six_examples_with_all_five_stages() -> None:
    assert len(EXAMPLES) >= 6
    for path in EXAMPLES:
        journey = cjdsl.load(path).journey
        assert journey is not None
        assert len(journey.stages) == 5, path.name
        assert journey.personas and any(t.entry for t in journey.touchpoints)
        assert any(t.emotion for t in journey.touchpoints)
        assert any(t.probability for t in journey.transitions)


def test_all_examples_pass_check_strict() -> None:
    result = CliRunner().invoke(cli, ["check", "--strict", *map(str, EXAMPLES)])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_docs_image_is_the_current_rendering(path: pathlib.Path) -> None:
    need_dot()
    image = ROOT / "docs" / "img" / f"{path.stem}.svg"
    assert image.exists(), "run: cjdsl render examples/*.journey --out-dir docs/img"
    fresh = cjdsl.render(cjdsl.load(path), format="svg", engine="dot")
    root = ET.fromstring(fresh)
    assert root.find(f"{SVG}title") is not None
    assert image.read_bytes() == fresh, "docs/img is stale: rerun the render command"
