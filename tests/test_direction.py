"""One direction (issue 11): each stage takes what the one before it made and reaches back to none.

Read from the source, so a new module is held to the same rules: rendering imports
neither the checks nor the analysis (it draws the findings, overlay and aggregate it is
given; the analysis's types it may name for type checking only), the analysis imports no
checks, and no module of ``rendering`` uses another one's private names.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "cjdsl"


def modules(folder: str) -> list[pathlib.Path]:
    return sorted((PACKAGE / folder).glob("*.py"))


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: pathlib.Path, root: pathlib.Path = PACKAGE) -> set[str]:
    """The ``cjdsl`` modules ``path`` (under the package folder ``root``) imports when it
    runs, not under ``TYPE_CHECKING``, as dotted names with the names taken from each
    (``cjdsl.checks.numbers``)."""
    package = ["cjdsl", *path.relative_to(root).parent.parts]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _type_checking(node):
                visit(node.orelse)
                continue
            for child in ast.walk(node):
                if isinstance(child, ast.Import):
                    found.update(a.name for a in child.names)
                elif isinstance(child, ast.ImportFrom):
                    base = package[: len(package) - child.level + 1] if child.level else []
                    module = ".".join([*base, *(child.module or "").split(".")]).strip(".")
                    found.add(module)
                    found.update(f"{module}.{a.name}" for a in child.names)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {name for name in found if name.startswith("cjdsl")}


def reaches(imported: set[str], package: str) -> set[str]:
    return {name for name in imported if name == package or name.startswith(package + ".")}


@pytest.mark.parametrize("path", modules("rendering"), ids=lambda p: p.stem)
def test_rendering_runs_no_checks_and_no_analyses(path: pathlib.Path) -> None:
    imported = runtime_imports(path)
    assert reaches(imported, "cjdsl.checks") == set()
    assert reaches(imported, "cjdsl.analysis") == set()
    assert reaches(imported, "cjdsl.views") == set()


@pytest.mark.parametrize("path", modules("analysis"), ids=lambda p: p.stem)
def test_the_analysis_imports_no_checks(path: pathlib.Path) -> None:
    assert reaches(runtime_imports(path), "cjdsl.checks") == set()


@pytest.mark.parametrize("path", modules("rendering"), ids=lambda p: p.stem)
def test_no_private_name_crosses_a_rendering_module(path: pathlib.Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    siblings = {p.stem for p in modules("rendering")}
    crossing = [
        f"from .{node.module} import {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names
        if alias.name.startswith("_")
    ]
    crossing += [
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in siblings
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    assert crossing == []


def test_the_rules_see_what_they_forbid(tmp_path: pathlib.Path) -> None:
    """The probe finds a forbidden import, and skips one made for type checking only."""
    copy = tmp_path / "cjdsl" / "rendering" / "dot.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(
        "from typing import TYPE_CHECKING\nfrom ..checks import numbers\n"
        "if TYPE_CHECKING:\n    from ..analysis import report\n",
        encoding="utf-8",
    )
    imported = runtime_imports(copy, tmp_path / "cjdsl")
    assert "cjdsl.checks.numbers" in imported
    assert reaches(imported, "cjdsl.analysis") == set()
