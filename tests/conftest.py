"""Shared fixtures: golden files, paths, and tools that must exist in CI."""

from __future__ import annotations

import os
import pathlib
import shutil
from collections.abc import Callable

import pytest

import cjdsl

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
EXAMPLES = sorted((ROOT / "examples").glob("*.journey"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite expected files from actual output"
    )


def need(condition: bool, why: str) -> None:
    """Skip a test that needs a missing tool, but fail it in CI, where everything must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {why}")
    pytest.skip(why)


def need_dot() -> str:
    path = shutil.which("dot")
    need(path is not None, "the system Graphviz `dot`")
    assert path is not None
    return path


Golden = Callable[[pathlib.Path, str], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """Compare text with an expected file; ``--update-goldens`` rewrites it.

    A missing expected file is written and the test fails, so new goldens are
    always reviewed before they are committed.
    """
    update = request.config.getoption("--update-goldens")

    def check(expected_path: pathlib.Path, actual: str) -> None:
        if update or not expected_path.exists():
            expected_path.write_text(actual, encoding="utf-8")
            if not update:
                pytest.fail(f"wrote new golden {expected_path.name}; review and commit it")
            return
        assert actual == expected_path.read_text(encoding="utf-8")

    return check


def load_journey(path: pathlib.Path) -> cjdsl.model.Journey:
    """The model of a journey file that must have one (every example has)."""
    journey = cjdsl.load(path).journey
    assert journey is not None
    return journey
