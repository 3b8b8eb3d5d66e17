"""Golden files of rendered diagnostics: exactly what a user sees from `cjdsl check`."""

from __future__ import annotations

import pathlib

import pytest

import cjdsl
from cjdsl import reporting

from .conftest import CASES, Golden

CASE_FILES = sorted((CASES / "diagnostics").glob("*.journey"))


@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("format_", ["text", "json", "github"])
def test_rendered_diagnostics(case: pathlib.Path, format_: str, golden: Golden) -> None:
    text = case.read_text(encoding="utf-8")
    doc = cjdsl.loads(text, path=f"cases/{case.name}", raise_on_error=False)
    suffix = {"text": "txt", "json": "json", "github": "github"}[format_]
    golden(
        case.with_suffix(f".diagnostics.{suffix}"),
        reporting.render(doc.diagnostics, format_=format_),
    )


def test_colour_is_only_added_on_request() -> None:
    doc = cjdsl.loads('journey "J"\na -> b', raise_on_error=False)
    assert "\x1b[" not in reporting.render_text(doc.diagnostics)
    assert "\x1b[1;31merror[CJ101]" in reporting.render_text(doc.diagnostics, color=True)
