"""docs/architecture.md stays true: every module or package it names exists, and every
package of ``cjdsl/`` is in its layout."""

from __future__ import annotations

import re

from .conftest import ROOT

PAGE = ROOT / "docs" / "architecture.md"


def named_paths() -> set[str]:
    """The paths in the first column of the layout table."""
    table = PAGE.read_text("utf-8").split("## The layout", 1)[1].split("\n## ", 1)[0]
    cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    return {path for cell in cells for path in re.findall(r"`([^`]+)`", cell)}


def test_every_path_the_page_names_exists() -> None:
    missing = sorted(p for p in named_paths() if not (ROOT / p.rstrip("/")).exists())
    assert missing == [], f"docs/architecture.md names what is gone: {missing}"


def test_every_package_is_on_the_page() -> None:
    named = named_paths()
    packages = sorted(
        f"{p.parent.relative_to(ROOT).as_posix()}/" for p in (ROOT / "cjdsl").glob("*/__init__.py")
    )
    assert [p for p in packages if p not in named] == []


def test_modules_over_400_lines_say_why() -> None:
    long = []
    for module in sorted((ROOT / "cjdsl").rglob("*.py")):
        text = module.read_text("utf-8")
        if text.count("\n") > 450 and "Longer than" not in text.split('"""', 2)[1]:
            long.append(module.relative_to(ROOT).as_posix())
    assert long == [], "split these, or say in the module docstring why they are long"
