"""Fast start: each command imports only what it needs (issue 11; timings: bench/bench_startup.py).

Every probe is a fresh interpreter that runs one command and lists ``sys.modules``
afterwards: what a command imports, not how long it takes, so a loaded machine
cannot make these flaky.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from .conftest import CASES, ROOT, need_dot

EXAMPLE = ROOT / "examples" / "online-shop.journey"
ANALYSIS = {"numpy", "scipy"}
PARSING = {"lark", "networkx", "cjdsl.pipeline"}
RENDERING = {"graphviz", "resource", "cjdsl.rendering"}


def imported(tmp_path: pathlib.Path, *args: str, before: str = "") -> set[str]:
    """The modules (and their top-level packages) loaded after ``cjdsl ARGS`` ran."""
    listing = tmp_path / "modules.txt"
    probe = (
        f"import sys\n{before}\n"
        f"sys.argv = ['cjdsl', *{list(args)!r}]\n"
        "from cjdsl.cli import main\n"
        "code = None\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    code = stop.code\n"
        f"with open({str(listing)!r}, 'w', encoding='utf-8') as out:\n"
        "    out.write(str(code) + '\\n' + '\\n'.join(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    code, *modules = listing.read_text(encoding="utf-8").splitlines()
    assert code in ("0", "None"), (args, done.stderr)
    return {*modules, *(m.split(".")[0] for m in modules)}


def test_version_imports_click_and_no_library(tmp_path: pathlib.Path) -> None:
    modules = imported(tmp_path, "--version")
    assert "click" in modules
    assert modules & (PARSING | ANALYSIS | RENDERING | {"cjdsl.reporting", "cjdsl.codes"}) == set()


def test_explain_reads_the_code_table_only(tmp_path: pathlib.Path) -> None:
    modules = imported(tmp_path, "explain", "CJ101")
    assert "cjdsl.codes" in modules
    assert modules & (PARSING | ANALYSIS | RENDERING | {"cjdsl.reporting"}) == set()


def test_check_parses_and_checks_without_analysis_or_rendering(tmp_path: pathlib.Path) -> None:
    modules = imported(tmp_path, "check", str(EXAMPLE))
    assert modules >= PARSING  # the probe sees what a command imports
    assert modules & (ANALYSIS | RENDERING) == set()


@pytest.mark.parametrize("format_", ["svg", "dot"])
def test_a_diagram_needs_no_analysis(tmp_path: pathlib.Path, format_: str) -> None:
    need_dot()
    modules = imported(tmp_path, "render", str(EXAMPLE), "-f", format_, "-o", f"out.{format_}")
    assert (tmp_path / f"out.{format_}").stat().st_size > 0
    assert {"graphviz", "cjdsl.rendering"} <= modules
    assert modules & ANALYSIS == set()
    # a child process starts (and `resource` caps it) only when Graphviz lays out
    assert ("resource" in modules) == (format_ == "svg" and sys.platform != "win32")


def test_analysis_options_bring_numpy_in(tmp_path: pathlib.Path) -> None:
    modules = imported(tmp_path, "render", str(EXAMPLE), "-o", "out.dot", "--highlight", "critical")
    assert modules >= ANALYSIS


def test_import_cjdsl_is_lazy_and_keeps_its_public_names(tmp_path: pathlib.Path) -> None:
    probe = (
        "import sys, cjdsl\n"
        "loaded = {m.split('.')[0] for m in sys.modules} | set(sys.modules)\n"
        "assert not loaded & {'lark', 'networkx', 'numpy', 'cjdsl.pipeline'}, loaded\n"
        "assert cjdsl.__version__ and set(cjdsl.__all__) <= set(dir(cjdsl))\n"
        "names = {}\n"
        "exec('from cjdsl import *', names)\n"
        "assert set(cjdsl.__all__) <= set(names), names.keys()\n"
        "assert cjdsl.Document.__module__ == 'cjdsl.pipeline'\n"
        "assert cjdsl.model.NodeKind.GOAL  # a submodule is imported on first use\n"
        "try:\n    cjdsl.no_such_name\nexcept AttributeError:\n    pass\n"
        "else:\n    raise AssertionError('no AttributeError')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_version_is_written_where_hatch_reads_it() -> None:
    import cjdsl

    source = (ROOT / "cjdsl" / "__init__.py").read_text(encoding="utf-8")
    assert f'\n__version__ = "{cjdsl.__version__}"\n' in source


def test_the_package_imports_and_renders_without_resource(tmp_path: pathlib.Path) -> None:
    """As on Windows: no ``resource`` module, the time limit alone bounds Graphviz."""
    dot = need_dot()
    journey = CASES / "render" / "small.journey"
    probe = (
        "import subprocess, shutil, sys, click, graphviz, lark, networkx  # as they are here\n"
        "import cjdsl.i18n as i18n; i18n.locale('en').count(1)  # Babel reads data per platform\n"
        "sys.modules['resource'] = None  # `import resource` raises ImportError\n"
        "sys.platform = 'win32'\n"
        "import cjdsl, cjdsl.cli, cjdsl.rendering.engines as engines\n"
        f"engines.system_dot = lambda: {dot!r}  # shutil.which would look for dot.exe\n"
        f"out = cjdsl.render(cjdsl.load({str(journey)!r}), format='svg', engine='dot')\n"
        "assert b'<svg' in out[:1000] and sys.modules['resource'] is None, out[:200]\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
