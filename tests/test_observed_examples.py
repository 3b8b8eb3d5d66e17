"""The shipped event logs are what their seeded script makes, and docs/data.md shows what
the commands really print for them."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from click.testing import CliRunner

from cjdsl.cli import cli

from .conftest import ROOT

DATA = ROOT / "examples" / "data" / "telecom"
PAGE = (ROOT / "docs" / "data.md").read_text("utf-8")


def test_the_logs_are_the_generators_output(tmp_path: pathlib.Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / "generate_logs.py"),
         str(ROOT / "examples" / "telecom-contract.journey"),
         "--users", "4000", "--seed", "7", "--out", str(tmp_path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    for name in ("web-analytics.jsonl", "crm.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_the_page_shows_real_outputs() -> None:
    result = CliRunner().invoke(
        cli, ["discover", str(DATA), "--min-count", "20", "--title", "Mobile contract, as observed"]
    )
    assert result.exit_code == 0, result.output
    head = result.output.split("\n…")[0].split("\n")[:12]
    assert "\n".join(head) in PAGE
    journey = str(ROOT / "examples" / "telecom-contract.journey")
    result = CliRunner().invoke(cli, ["fit", journey, str(DATA), "--no-cut"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    shown = lines[: lines.index("Designed probabilities against the observed") + 3]
    assert "\n".join(shown) in PAGE
