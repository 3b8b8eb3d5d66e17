"""The built wheel carries the grammar and works outside the source tree; no dead dependency."""

from __future__ import annotations

import ast
import importlib.metadata
import pathlib
import re
import subprocess
import sys
import tomllib
import zipfile

import pytest

from .conftest import EXAMPLES, ROOT


@pytest.mark.slow
def test_wheel_installs_and_parses_an_example_outside_the_tree(tmp_path: pathlib.Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("cjdsl-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cjdsl/journey.lark" in names
    assert "cjdsl/i18n/locales/de/LC_MESSAGES/cjdsl.mo" in names  # compiled at build time
    venv = tmp_path / "venv"
    # A truly fresh venv: the wheel's declared dependencies come from the package index,
    # so a missing runtime dependency fails here rather than on a user's machine.
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    example = EXAMPLES[0]
    probe = (
        "import cjdsl, pathlib, sys; "
        "assert 'site-packages' in cjdsl.__file__, cjdsl.__file__; "
        f"doc = cjdsl.load({str(example)!r}); print(doc.journey.title); "
        "from cjdsl import i18n; assert i18n.locale('de')._('Legend') == 'Legende'"
    )
    done = subprocess.run(
        [str(python), "-c", probe],
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == cjdsl_title(example)
    cli = subprocess.run(
        [str(venv / "bin" / "cjdsl"), "check", str(example)],
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0 and "no problems in 1 file" in cli.stderr


def cjdsl_title(path: pathlib.Path) -> str:
    import cjdsl

    journey = cjdsl.load(path).journey
    assert journey is not None
    return journey.title


def imported_modules(folder: pathlib.Path) -> set[str]:
    """The top-level names the package's own source imports (absolute imports only)."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def test_every_runtime_dependency_is_imported_by_the_package() -> None:
    """A declared dependency nothing imports is weight every install carries for nothing."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in project["dependencies"]
    }
    providers = importlib.metadata.packages_distributions()
    used = {
        dist.lower().replace("_", "-")
        for module in imported_modules(ROOT / "cjdsl")
        for dist in providers.get(module, [])
    }
    assert declared - used == set()
