"""`render -f pdf --page`: the real Graphviz PDF placed on real paper sizes, read back by pypdf."""

from __future__ import annotations

import io
import pathlib
import re
import subprocess
import sys

import pypdf
import pytest

from cjdsl.rendering import paper

from .conftest import ROOT, need_dot

_CM = re.compile(rb"([\d.]+) 0(?:\.0)? 0(?:\.0)? ([\d.]+) (-?[\d.]+) (-?[\d.]+) cm")


def render(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cjdsl",
            "render",
            str(ROOT / "examples" / "versicherung.journey"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("name", "landscape"), [("A4", True), ("A3", False), ("letter", True)])
def test_the_diagram_is_scaled_onto_the_sheet(
    tmp_path: pathlib.Path, name: str, landscape: bool
) -> None:
    need_dot()
    plain, sized = tmp_path / "plain.pdf", tmp_path / "sized.pdf"
    assert render("-f", "pdf", "-o", str(plain)).returncode == 0
    flags = ["--landscape"] if landscape else []
    done = render("-f", "pdf", "--page", name, *flags, "-o", str(sized))
    assert done.returncode == 0, done.stderr
    drawing = pypdf.PdfReader(plain).pages[0].mediabox
    sheet = pypdf.PdfReader(sized).pages[0]
    width, height = paper.PAPERS[name]
    if landscape:
        width, height = height, width
    assert (float(sheet.mediabox.width), float(sheet.mediabox.height)) == (width, height)
    contents = sheet.get_contents()
    assert contents is not None
    found = _CM.search(contents.get_data())
    assert found, "the drawing is placed with a transformation"
    scale_x, scale_y, move_x, move_y = (float(v) for v in found.groups())
    assert scale_x == pytest.approx(scale_y)  # the aspect ratio is kept
    drawn_w, drawn_h = float(drawing.width) * scale_x, float(drawing.height) * scale_x
    # inside the margins, touching them on one side, centred
    assert drawn_w <= width - 2 * paper.MARGIN + 0.5 and drawn_h <= height - 2 * paper.MARGIN + 0.5
    assert min(width - 2 * paper.MARGIN - drawn_w, height - 2 * paper.MARGIN - drawn_h) < 0.5
    assert move_x == pytest.approx((width - drawn_w) / 2, abs=0.5)
    assert move_y == pytest.approx((height - drawn_h) / 2, abs=0.5)
    # the words stay text, umlauts included
    assert "Kündigung" in sheet.extract_text()


def test_the_same_diagram_gives_the_same_bytes(tmp_path: pathlib.Path) -> None:
    need_dot()
    pdf = subprocess.run(
        ["dot", "-Tpdf"], input=b"digraph { a -> b }", capture_output=True, timeout=60, check=True
    ).stdout
    first = paper.fit(pdf, "A4", landscape=True)
    assert first == paper.fit(pdf, "A4", landscape=True)
    assert float(pypdf.PdfReader(io.BytesIO(first)).pages[0].mediabox.width) == 841.89


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "png", "--page", "A4"], "add -f pdf"),
        (["-f", "html", "--page", "A3"], "prints itself to A3/A4 landscape"),
        (["-f", "pdf", "--landscape"], "add --page A4, A3 or letter"),
    ],
)
def test_page_outside_a_pdf_is_refused(
    tmp_path: pathlib.Path, args: list[str], message: str
) -> None:
    done = render(*args, "-o", str(tmp_path / "out"))
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
