"""Every ```journey block in the README and docs is valid: the docs never lie."""

from __future__ import annotations

import pathlib
import re

import pytest

import cjdsl

from .conftest import ROOT

# ```journey blocks become diagrams on the docs site (options may follow the word);
# ```journey-source blocks are shown, not rendered, and are not checked here.
BLOCK = re.compile(r"^ *```journey(?:[ \t][^`\n]*)?\n(.*?)^ *```", re.DOTALL | re.MULTILINE)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SAMPLES = [
    pytest.param(page, text, id=f"{page.name}-{index}")
    for page in PAGES
    for index, text in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize(("page", "text"), SAMPLES)
def test_journey_samples_have_no_errors(page: pathlib.Path, text: str) -> None:
    doc = cjdsl.loads(text, path=page.name, raise_on_error=False)
    assert doc.ok, [f"{d.span}: {d.message}" for d in doc.diagnostics]


def test_docs_link_to_pages_that_exist() -> None:
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
