"""docs/attribution.md shows real outputs: every ``$ cjdsl attribute …`` block is run again."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from cjdsl.cli import cli

from .conftest import ROOT

PAGE = ROOT / "docs" / "attribution.md"
BLOCK = re.compile(
    r"^```console\n\$ cjdsl (attribute (?:--paths )?'?examples/[^\n]*)\n(.*?)^```", re.M | re.S
)
RUNS = BLOCK.findall(PAGE.read_text("utf-8"))


def test_the_page_shows_runs() -> None:
    assert len(RUNS) >= 5


@pytest.mark.parametrize(("command", "shown"), RUNS, ids=[c for c, _ in RUNS])
def test_each_output_on_the_page_is_what_the_command_prints(
    command: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, shlex.split(command))
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip() == shown.rstrip(), "refresh docs/attribution.md"
