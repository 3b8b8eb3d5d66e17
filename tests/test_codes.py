"""The code table: unique, documented, and each example really produces its code."""

from __future__ import annotations

import re

import pytest

import cjdsl
from cjdsl import codes

from .conftest import ROOT

# These need bytes, a huge file or several files: see test_imports and test_limits.
MULTI_FILE = {"CJ006", "CJ007", "CJ109", "CJ110", "CJ111", "CJ114"}
# CJ6xx are found in Mermaid diagrams and tables: tests/test_import_codes.py reads those.
OTHER_FORMATS = {c.id for c in codes.ALL if c.id.startswith("CJ6")}
# These are about configuration files, or need `--strict`: see test_configuration.
MULTI_FILE |= {"CJ701", "CJ702", "CJ703", "CJ704"}
# CJ804 needs `--scenario ID`: see tests/test_scenarios.py.
MULTI_FILE |= {"CJ804"}


def test_ids_and_names_are_unique_and_well_formed() -> None:
    ids = [c.id for c in codes.ALL]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert len({c.name for c in codes.ALL}) == len(ids)
    for code in codes.ALL:
        assert re.fullmatch(r"CJ\d{3}", code.id)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code.name)


@pytest.mark.parametrize(
    "code", [c for c in codes.ALL if c.id not in MULTI_FILE | OTHER_FORMATS], ids=str
)
def test_documented_example_produces_its_code(code: codes.Code) -> None:
    doc = cjdsl.loads(code.example, path="example.journey", raise_on_error=False)
    assert code.id in {d.code.id for d in doc.diagnostics}


def test_docs_page_is_generated_from_the_table() -> None:
    page = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert page == codes.markdown(), "run: cjdsl explain --all > docs/diagnostics.md"


def test_lookup_by_id_or_name() -> None:
    assert codes.lookup("cj201") is codes.DEAD_END
    assert codes.lookup("dead-end") is codes.DEAD_END
    assert codes.lookup("nope") is None
