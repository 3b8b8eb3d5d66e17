"""Imports: each file is compiled once per run, however many files import it (review F4, F11).

A grid of files that each import every file of the next level used to be compiled once per
path through it (3^16 times for the review's 49 files); a diamond reported its shared base
as "declared twice", both places on the same line.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

from cjdsl import pipeline
from cjdsl.source import SourceFile

MAIN = 'journey "m"\n{imports}\nentry touchpoint x @web for anna\ngoal y\nx -> y\n'


def compile_file(path: pathlib.Path) -> pipeline.Document:
    return pipeline.compile_source(SourceFile(str(path), path.read_text("utf-8")))


def test_a_diamond_of_imports_declares_the_shared_base_once(tmp_path: pathlib.Path) -> None:
    (tmp_path / "base.journey").write_text('channel web "Web"\npersona anna "Anna"\n', "utf-8")
    (tmp_path / "a.journey").write_text('import "base.journey"\nchannel a "A"\n', "utf-8")
    (tmp_path / "b.journey").write_text('import "base.journey"\nchannel b "B"\n', "utf-8")
    main = tmp_path / "main.journey"
    main.write_text(MAIN.format(imports='import "a.journey"\nimport "b.journey"'), "utf-8")
    doc = compile_file(main)
    assert [d.code.id for d in doc.diagnostics] == []
    assert doc.journey is not None
    assert sorted(c.id for c in doc.journey.channels) == ["a", "b", "web"]


def test_the_same_file_imported_under_two_spellings_is_read_once(tmp_path: pathlib.Path) -> None:
    (tmp_path / "base.journey").write_text('channel web "Web"\npersona anna "Anna"\n', "utf-8")
    main = tmp_path / "main.journey"
    main.write_text(MAIN.format(imports='import "base.journey"\nimport "./base.journey"'), "utf-8")
    assert [d.code.id for d in compile_file(main).diagnostics] == []


def test_a_real_duplicate_across_imports_is_still_reported(tmp_path: pathlib.Path) -> None:
    (tmp_path / "one.journey").write_text('channel web "Web"\npersona anna "Anna"\n', "utf-8")
    (tmp_path / "two.journey").write_text('channel web "Web too"\n', "utf-8")
    main = tmp_path / "main.journey"
    main.write_text(MAIN.format(imports='import "one.journey"\nimport "two.journey"'), "utf-8")
    (duplicate,) = compile_file(main).diagnostics
    assert duplicate.code.id == "CJ102"
    assert duplicate.span.file.path.endswith("two.journey")
    assert duplicate.related[0].span.file.path.endswith("one.journey")


def test_a_diagnostic_in_a_shared_import_is_reported_once(tmp_path: pathlib.Path) -> None:
    (tmp_path / "base.journey").write_text(
        'channel web "Web" onlin\npersona anna "Anna"\n', "utf-8"
    )
    for lib in ("a", "b"):
        (tmp_path / f"{lib}.journey").write_text('import "base.journey"\n', "utf-8")
    main = tmp_path / "main.journey"
    main.write_text(MAIN.format(imports='import "a.journey"\nimport "b.journey"'), "utf-8")
    assert [d.code.id for d in compile_file(main).diagnostics] == ["CJ112"]


def test_a_grid_of_imports_sixteen_deep_checks_at_once(tmp_path: pathlib.Path) -> None:
    """The review's import-grid3: 3 files a level, each importing all 3 of the next."""
    width, depth = 3, 16
    for level in range(depth + 1):
        for k in range(width):
            below = (
                "".join(f'import "g{level + 1}_{j}.journey"\n' for j in range(width))
                if level < depth
                else f'channel web{k} "Web"\npersona anna{k} "Anna"\n'
            )
            head = 'journey "top"\n' if level == 0 else ""
            (tmp_path / f"g{level}_{k}.journey").write_text(head + below, "utf-8")
    top = tmp_path / "g0_0.journey"
    nodes = "".join(f"entry touchpoint a{k} @web{k} for anna{k}\n" for k in range(width))
    top.write_text(top.read_text("utf-8") + nodes + "goal b\n" + "a0 -> b\na1 -> b\na2 -> b\n")
    result = subprocess.run(
        [sys.executable, "-m", "cjdsl", "check", str(top)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stderr


def test_compile_records_every_file_it_read_once_and_the_missing_ones(
    tmp_path: pathlib.Path,
) -> None:
    """The one recording reader that watch, the docs plugins and the language server use."""
    (tmp_path / "base.journey").write_text('channel web "Web"\npersona anna "Anna"\n', "utf-8")
    for lib in ("a", "b"):
        (tmp_path / f"{lib}.journey").write_text('import "base.journey"\n', "utf-8")
    main = tmp_path / "main.journey"
    imports = 'import "a.journey"\nimport "b.journey"\nimport "gone.journey"'
    main.write_text(MAIN.format(imports=imports), "utf-8")
    asked: list[str] = []

    def read(path: pathlib.Path) -> bytes:
        asked.append(path.name)
        return path.read_bytes()

    compiled = pipeline.compile(SourceFile(str(main), main.read_text("utf-8")), read=read)
    assert asked == ["a.journey", "base.journey", "b.journey", "gone.journey"]
    assert [r.path.name for r in compiled.reads] == asked
    assert [pathlib.Path(p).name for p in compiled.missing] == ["gone.journey"]
    assert [pathlib.Path(p).name for p, _ in compiled.imports] == [
        "a.journey",
        "b.journey",
        "base.journey",
    ]
    assert compiled.dependencies == tuple(sorted(str(tmp_path / n) for n in asked))
    assert [d.code.id for d in compiled.document.diagnostics] == ["CJ109"]
