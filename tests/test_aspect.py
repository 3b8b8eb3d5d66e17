"""`render` says how to read a diagram much wider than tall (issue 15, section 3)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from cjdsl.rendering import aspect

from .conftest import ROOT, need_dot

SHOP = ROOT / "examples" / "versicherung.journey"


def render(tmp_path: pathlib.Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cjdsl", "render", str(SHOP), "-o", str(tmp_path / "out"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("format_", ["svg", "png", "pdf"])
def test_a_wide_diagram_gets_a_hint_and_top_to_bottom_none(
    tmp_path: pathlib.Path, format_: str
) -> None:
    need_dot()
    done = render(tmp_path, "-f", format_)
    assert done.returncode == 0, done.stderr
    measured = aspect.size((tmp_path / "out").read_bytes(), format_)
    assert measured is not None and measured[0] / measured[1] > aspect.WIDE
    assert "note: " in done.stderr and "`--direction TB`" in done.stderr
    tall = render(tmp_path, "-f", format_, "--direction", "TB")
    assert tall.returncode == 0 and "note: " not in tall.stderr
    measured = aspect.size((tmp_path / "out").read_bytes(), format_)
    assert measured is not None and measured[0] < measured[1]


def test_a_paper_sized_pdf_gets_no_hint(tmp_path: pathlib.Path) -> None:
    need_dot()
    done = render(tmp_path, "-f", "pdf", "--page", "A3", "--landscape")
    assert done.returncode == 0 and "note: " not in done.stderr
