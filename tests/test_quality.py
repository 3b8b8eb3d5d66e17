"""House rules are CI steps: `.ci/run` lints, formats and type-checks the package, the tests
and the benches after the test command (running them inside pytest made every local test run
pay for them, and hid which step failed)."""

from __future__ import annotations

import tomllib

from .conftest import ROOT


def test_ci_runs_ruff_format_and_mypy_over_everything() -> None:
    steps = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert ".venv/bin/ruff check cjdsl tests bench" in steps
    assert ".venv/bin/ruff format --check cjdsl tests bench" in steps
    assert ".venv/bin/mypy" in steps
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["cjdsl", "tests", "bench"]
